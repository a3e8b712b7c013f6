package io.domsim.node;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.window.WindowedMember;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Where a run spread over members has its nodes, as the driving member's {@link Cluster} sees it
 * (docs/architecture.md, "Members"): this member's name and the driver's, each node's member, this member's side of
 * the window protocol, and every other member's {@link MemberHost}, which spawns that member's nodes and applies the
 * operator's changes to its replicas. {@code setUp} completes once the cluster's setup at time 0 is over (every
 * node reported in, the pinned guests answered, the rest handed to the pool master, consolidation started): only
 * then may the members' windows start.
 */
public record MembersLayout(String self, String driver, SortedMap<String, String> memberOfNode, WindowedMember member,
    SortedMap<String, ActorRef<MemberHost.Command>> hosts, CompletableFuture<Void> setUp) {

  public MembersLayout {
    memberOfNode = new TreeMap<>(memberOfNode);
    hosts = new TreeMap<>(hosts);
    if (hosts.containsKey(self)) {
      throw new IllegalArgumentException("the hosts are the other members'; " + self + " is this one");
    }
  }

  /** The member {@code node} runs on. */
  public String memberOf(String node) {
    String m = memberOfNode.get(node);
    if (m == null) {
      throw new IllegalArgumentException("node " + node + " is on no member; the nodes are " + memberOfNode.keySet());
    }
    return m;
  }

  /** Every member of the run, this one included, in name order. */
  public java.util.List<String> members() {
    java.util.TreeSet<String> all = new java.util.TreeSet<>(hosts.keySet());
    all.add(self);
    return java.util.List.copyOf(all);
  }

  public boolean here(String node) {
    return memberOf(node).equals(self);
  }
}
