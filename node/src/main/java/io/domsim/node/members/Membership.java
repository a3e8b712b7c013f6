package io.domsim.node.members;

import akka.actor.typed.ActorSystem;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.domsim.config.MembersSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one member sees of the others, read from Akka Cluster's state (on Akka's own threads and wall clock,
 * never the simulation's). Members are told apart by their role, which is their name.
 */
public final class Membership {
  private final ActorSystem<?> system;
  private final MembersSpec members;

  public Membership(ActorSystem<?> system, MembersSpec members) {
    this.system = system;
    this.members = members;
  }

  /** The names of the members that are up, as this member sees them. */
  public Set<String> up() {
    Set<String> up = new TreeSet<>();
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    for (Member m : state.getMembers()) {
      if (m.status().equals(MemberStatus.up())) {
        m.getRoles().forEach(up::add);
      }
    }
    return up;
  }

  /** The listed members not up yet, in configuration order. */
  public List<String> missing() {
    Set<String> up = up();
    List<String> missing = new ArrayList<>();
    for (String name : members.names()) {
      if (!up.contains(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** Whether {@code name} is a member of the cluster (in any state but removed). */
  public boolean present(String name) {
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.hasRole(name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} is a member that the failure detector takes as unreachable. */
  public boolean unreachable(String name) {
    for (Member m : Cluster.get(system).state().getUnreachable()) {
      if (m.hasRole(name)) {
        return true;
      }
    }
    return false;
  }
}
