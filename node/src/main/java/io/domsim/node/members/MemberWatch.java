package io.domsim.node.members;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Down;
import io.domsim.config.MembersSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The driving member's watch over the others (issue 12 item 4): a serving member that Akka's failure detector has
 * taken as unreachable for {@link #MEMBER_GONE}, or that has left the cluster, is lost; the watch downs it (it may
 * not come back into this run) and hands its nodes to {@code lost}, which fails them at the current simulated time.
 * The run goes on. It reads Akka's state on its own thread and the wall clock: when a process dies is a fact of the
 * real world, not of the simulated one, so a run that loses a member is not reproducible (its report says when).
 */
public final class MemberWatch implements AutoCloseable {
  /** How long a serving member may be unreachable before the driver takes it as lost (wall time). */
  public static final Duration MEMBER_GONE = Duration.ofSeconds(5);

  private static final long POLL_MILLIS = 100;

  private final Thread thread;
  private volatile boolean closed;

  private MemberWatch(ActorSystem<?> system, MembersSpec members, BiConsumer<String, List<String>> lost) {
    thread = new Thread(() -> watch(system, members, lost), "domsim-member-watch");
    thread.setDaemon(true);
  }

  /**
   * Watches every member but the driver from now on.
   *
   * @param lost called once per lost member with its nodes (in name order), on the watch's thread
   */
  public static MemberWatch start(ActorSystem<?> system, MembersSpec members, BiConsumer<String, List<String>> lost) {
    MemberWatch w = new MemberWatch(system, members, lost);
    w.thread.start();
    return w;
  }

  /** The nodes each member hosts, by member, in name order. */
  static TreeMap<String, List<String>> nodesByMember(MembersSpec members) {
    TreeMap<String, List<String>> nodes = new TreeMap<>();
    for (Map.Entry<String, String> e : members.memberOfNode().entrySet()) {
      nodes.computeIfAbsent(e.getValue(), m -> new ArrayList<>()).add(e.getKey());
    }
    return nodes;
  }

  private void watch(ActorSystem<?> system, MembersSpec members, BiConsumer<String, List<String>> lost) {
    Membership membership = new Membership(system, members);
    TreeMap<String, List<String>> nodes = nodesByMember(members);
    TreeMap<String, Long> unreachableSince = new TreeMap<>();
    TreeSet<String> gone = new TreeSet<>();
    List<String> serving = members.names().subList(1, members.names().size());
    try {
      while (!closed) {
        for (String m : serving) {
          if (gone.contains(m)) {
            continue;
          }
          long now = System.nanoTime();
          boolean away = !membership.present(m);
          if (membership.unreachable(m)) {
            unreachableSince.putIfAbsent(m, now);
            away |= now - unreachableSince.get(m) >= MEMBER_GONE.toNanos();
          } else {
            unreachableSince.remove(m);
          }
          if (away) {
            gone.add(m);
            down(system, m);
            lost.accept(m, nodes.getOrDefault(m, List.of()));
          }
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Takes {@code member} out of the cluster for good (Akka would otherwise wait for it to come back). */
  private static void down(ActorSystem<?> system, String member) {
    Cluster cluster = Cluster.get(system);
    for (Member m : cluster.state().getMembers()) {
      if (m.hasRole(member)) {
        Address address = m.address();
        cluster.manager().tell(new Down(address));
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
