package io.domsim.kernel;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The only way one simulated node talks to another: every message arrives one network latency later,
 * ordered by the sender's entity. Because nothing crosses nodes in zero time, the latency is also the
 * lookahead that lets a later run spread nodes over several JVMs with the same results.
 *
 * <p>It also carries the run's link faults: a node cut off the network (a partition) neither sends nor
 * receives; what is sent to or from it waits, in order, and leaves when the cut heals, as TCP
 * retransmits until the peer answers again. A degraded link takes longer: a message between two nodes
 * takes the longest latency of their two links. Faults only ever lengthen the latency, so the lookahead
 * stays the base latency.
 *
 * <p>One instance per run, shared by every node; like everything in the simulated world it is used from
 * the simulation thread only.
 */
public final class Network {
  private final long latencyNanos;
  private final TreeSet<String> cut = new TreeSet<>();
  private final TreeMap<String, Long> degraded = new TreeMap<>();
  private final TreeSet<String> down = new TreeSet<>();
  /** Messages waiting for a cut to heal, in the order they were sent. */
  private final List<Held<?>> held = new ArrayList<>();

  private record Held<T>(SimEntity sender, String from, String to, ActorRef<T> target, T message) {
    void deliver(long latency) {
      sender.sendAfter(latency, target, message);
    }
  }

  public Network(long latencyNanos) {
    if (latencyNanos <= 0) {
      throw new IllegalArgumentException("network latency must be positive, was " + latencyNanos + " ns");
    }
    this.latencyNanos = latencyNanos;
  }

  /** The base one-way latency between any two nodes. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /** The one-way latency between two nodes now: the longest of the base and their degraded links. */
  public long latencyNanos(String from, String to) {
    return Math.max(latencyNanos, Math.max(degraded.getOrDefault(from, 0L), degraded.getOrDefault(to, 0L)));
  }

  /**
   * Sends {@code message} from node {@code from} ({@code sender} is its entity there) to an actor of
   * node {@code to}: it arrives one latency later, or, while either node is cut off, after the cut heals.
   */
  public <T> void send(SimEntity sender, String from, String to, ActorRef<T> target, T message) {
    if (down.contains(from)) {
      return; // a crashed node sends nothing (its actors are halted; this is the network's side of it)
    }
    if (cut.contains(from) || cut.contains(to)) {
      held.add(new Held<>(sender, from, to, target, message));
      return;
    }
    sender.sendAfter(latencyNanos(from, to), target, message);
  }

  /** Is {@code node} cut off now? */
  public boolean isCut(String node) {
    return cut.contains(node);
  }

  /** Cuts {@code node} off: nothing reaches it or leaves it until {@link #heal}. */
  public void cut(String node) {
    cut.add(node);
  }

  /**
   * Heals {@code node}'s cut: what waited for it leaves now, in the order it was sent (messages between
   * two nodes of which the other is still cut keep waiting).
   */
  public void heal(String node) {
    cut.remove(node);
    Iterator<Held<?>> it = held.iterator();
    while (it.hasNext()) {
      Held<?> h = it.next();
      if (!cut.contains(h.from()) && !cut.contains(h.to())) {
        it.remove();
        h.deliver(latencyNanos(h.from(), h.to()));
      }
    }
  }

  /** Messages to or from {@code node} take {@code latencyNanos} (at least the base) until {@link #restore}. */
  public void degrade(String node, long latencyNanos) {
    degraded.put(node, latencyNanos);
  }

  public void restore(String node) {
    degraded.remove(node);
  }

  /** {@code node} has crashed: what it had waiting to send is lost, and what waited for it too. */
  public void nodeDown(String node) {
    down.add(node);
    held.removeIf(h -> h.from().equals(node) || h.to().equals(node));
  }

  /** {@code node} has booted again. */
  public void nodeUp(String node) {
    down.remove(node);
  }

  /** How many messages wait for a cut to heal (for tests and the status). */
  public int waiting() {
    return held.size();
  }
}
