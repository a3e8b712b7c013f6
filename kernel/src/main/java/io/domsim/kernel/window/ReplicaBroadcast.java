package io.domsim.kernel.window;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * How a replicated actor on one member tells its inputs to its replicas on every other member: through its
 * {@link WindowedMember}, as {@link ReplicaInput}s, to the other members in name order.
 */
public final class ReplicaBroadcast {
  private final WindowedMember member;
  private final List<String> others;

  /** @param members every member of the run, this one included */
  public ReplicaBroadcast(WindowedMember member, Collection<String> members) {
    if (!members.contains(member.name())) {
      throw new IllegalArgumentException("member " + member.name() + " is not among the members " + members);
    }
    this.member = member;
    TreeSet<String> rest = new TreeSet<>(members);
    rest.remove(member.name());
    this.others = List.copyOf(rest);
  }

  /** The member this broadcast sends from. */
  public WindowedMember member() {
    return member;
  }

  /**
   * On the simulation thread, inside a window (or the setup): {@code input} for every other member's replica, where
   * it may make something happen from {@code effectNanos} on ({@link WindowedMember#replicate}).
   */
  public <T> void send(String replica, T input, long effectNanos) {
    for (String to : others) {
      member.replicate(to, replica, input, effectNanos);
    }
  }
}
