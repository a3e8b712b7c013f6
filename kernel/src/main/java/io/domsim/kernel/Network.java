package io.domsim.kernel;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The only way one simulated node talks to another: every message arrives one network latency later,
 * ordered by the sender's entity. Because nothing crosses nodes in zero time, the latency is also the
 * lookahead that lets a later run spread nodes over several JVMs with the same results.
 *
 * <p>Two kinds of traffic cross it. {@link #send} is a <b>stream</b>: a message on a TCP connection (the
 * migration protocol between two Dom0s is xl's, over ssh). {@link #sendDatagram} is a <b>datagram</b>:
 * one request or answer of an RPC that may be lost, and whose sender copes by asking again (the pool
 * protocol, as XAPI calls over HTTP are, each on its own connection, retried by the caller).
 *
 * <p>It carries the run's link faults: a node cut off the network (a partition) neither sends nor
 * receives; a stream message to or from it waits, in order, and leaves when the cut heals, as TCP
 * retransmits until the peer answers again; a datagram is lost. A degraded link takes longer: a message
 * between two nodes takes the longest latency of their two links. Faults only ever lengthen the latency,
 * so the lookahead stays the base latency.
 *
 * <p>And the message-level faults of {@link Faults}, drawn from a seeded stream per sending entity (so
 * they do not depend on the deployment): a lost stream segment is retransmitted after Linux's
 * retransmission timeout (200 ms, doubling up to 120 s), so the message arrives late but exactly once
 * and in order on its connection; a datagram may be lost, duplicated, or (with reorder) held back by up
 * to one round trip, so it may overtake others. With no faults, nothing is drawn: a run is the same as
 * one without this model. A node's messages to itself never cross a wire: no cut and no fault applies.
 *
 * <p>One instance per run, shared by every node; like everything in the simulated world it is used from
 * the simulation thread only.
 */
public final class Network {
  /** Linux's TCP_RTO_MIN: the retransmission timeout of a connection whose round trip is far below it (a LAN). */
  public static final long RTO_MIN_NANOS = 200_000_000L;
  /** Linux's TCP_RTO_MAX: the exponential backoff stops doubling here. */
  public static final long RTO_MAX_NANOS = 120_000_000_000L;
  /**
   * Linux's tcp_retries2 default: after this many retransmissions of one segment (924.6 s from the first
   * send) TCP gives up on the connection. domsim stops drawing there and delivers the segment then; a
   * migration waiting for it has given up already (migration.timeout's default is that same 924.6 s).
   */
  public static final int TCP_RETRIES2 = 15;

  /**
   * Message-level faults. {@code loss}: the fraction of transmissions lost, below 1 (a stream message is
   * retransmitted until it gets through; a datagram is gone). {@code duplicate}: the fraction of datagrams
   * delivered twice. {@code reorder}: every datagram is held back by a uniform draw of up to one round
   * trip (twice its link's latency), so it may overtake one sent after it. Streams are never duplicated
   * or reordered: TCP gives its application each byte once, in order.
   */
  public record Faults(double loss, double duplicate, boolean reorder) {
    public static final Faults NONE = new Faults(0, 0, false);

    public Faults {
      if (!(loss >= 0 && loss < 1)) {
        throw new IllegalArgumentException("message loss must be at least 0 and below 1, was " + loss);
      }
      if (!(duplicate >= 0 && duplicate <= 1)) {
        throw new IllegalArgumentException("message duplication must be from 0 to 1, was " + duplicate);
      }
    }

    /** Does any fault apply (else nothing is drawn)? */
    public boolean any() {
      return loss > 0 || duplicate > 0 || reorder;
    }
  }

  /** A TCP connection's direction: what a sending entity sends to one node arrives in order. */
  private record Connection(String sender, String to) implements Comparable<Connection> {
    @Override
    public int compareTo(Connection o) {
      int c = sender.compareTo(o.sender);
      return c != 0 ? c : to.compareTo(o.to);
    }
  }

  private final long latencyNanos;
  private Faults faults;
  private final TreeSet<String> cut = new TreeSet<>();
  private final TreeMap<String, Long> degraded = new TreeMap<>();
  private final TreeSet<String> down = new TreeSet<>();
  /** Stream messages waiting for a cut to heal, in the order they were sent. */
  private final List<Held<?>> held = new ArrayList<>();
  /** When the last message of each connection arrives: a later one never arrives before it (faults only). */
  private final TreeMap<Connection, Long> lastArrival = new TreeMap<>();
  /** The fault draws of each sending entity, by its name. */
  private final TreeMap<String, SplittableRandom> draws = new TreeMap<>();
  private long retransmissions;
  private long datagramsLost;
  private long datagramsDuplicated;

  private record Held<T>(SimEntity sender, String from, String to, ActorRef<T> target, T message) {}

  /**
   * A stream message still at its sender: it waits for a retransmission, or behind one on its connection
   * (TCP delivers nothing past a missing segment), and leaves at {@code departAt}. A cut before then holds
   * it; a crash of its sender loses it.
   */
  private record Leaving<T>(Held<T> message, long departAt, Runnable revoke) {}

  /**
   * Where nodes' actors live when a run spans several members (issue 12): a message to a node of another member
   * is shipped there instead of set as a local timer. Its due time and key are those the local timer would have
   * had, so the run's order does not change.
   */
  public interface Remote {
    /** Does {@code node} live on another member? */
    boolean elsewhere(String node);

    /**
     * Ships {@code message} to {@code target}, an actor of {@code node}, due at {@code atNanos}, keyed as a timer
     * of {@code sender}; returns what takes it back before it is due (a crash of its sender, a cut).
     */
    <T> Runnable ship(SimEntity sender, String node, long atNanos, ActorRef<T> target, T message);

    /** Does the operator (the driving member's cluster) live on another member? */
    boolean operatorElsewhere();

    /** Ships {@code message} to the operator's {@code target}, due at {@code atNanos}, keyed as a timer of {@code sender}. */
    <T> void shipToOperator(SimEntity sender, long atNanos, ActorRef<T> target, T message);

    /**
     * Tells {@code message} to the operator's {@code target} at once, outside simulated time, through the members'
     * links (whatever its size: a pool master's placements, a node's snapshot).
     */
    <T> void tellOperatorAtOnce(ActorRef<T> target, T message);
  }

  /** Null in one JVM: every node is here. */
  private Remote remote;

  private final List<Leaving<?>> leaving = new ArrayList<>();
  private int pruneLeavingAt = 64;

  public Network(long latencyNanos) {
    this(latencyNanos, Faults.NONE);
  }

  public Network(long latencyNanos, Faults faults) {
    if (latencyNanos <= 0) {
      throw new IllegalArgumentException("network latency must be positive, was " + latencyNanos + " ns");
    }
    this.latencyNanos = latencyNanos;
    this.faults = java.util.Objects.requireNonNull(faults);
  }

  /**
   * From now on, messages to nodes that {@code remote} says live on another member go there. Each member's
   * network is a replica: the operator's cuts, heals, crashes and faults must reach every replica at the same
   * point of the run's order.
   */
  public void spanMembers(Remote remote) {
    this.remote = java.util.Objects.requireNonNull(remote);
  }

  /** Sets {@code message}'s timer here, or ships it to {@code to}'s member; returns what takes it back. */
  private <T> Runnable deliver(SimEntity sender, String to, long atNanos, ActorRef<T> target, T message) {
    if (remote != null && remote.elsewhere(to)) {
      return remote.ship(sender, to, atNanos, target, message);
    }
    SimTimer timer = sender.sendAt(atNanos, target, message);
    return timer::cancel;
  }

  /**
   * A node's report to the operator (the cluster's toolstack at its console: a migration's record, a lifecycle
   * verb's answer, a consolidation round's orders, a boot's end): it travels the management network, one base
   * latency, without faults, so the operator hears of it one latency later wherever the node runs (across
   * members, the lookahead that lets the operator's member run its window alongside the others). Outside
   * simulated time it is told at once: in the setup before the clock starts (the nodes report in and the guests
   * are placed, all at time 0) and in the gathering after it has stopped.
   */
  public <T> void tellOperator(SimEntity sender, ActorRef<T> operator, T message) {
    if (!sender.kernel().clockRunning()) {
      answerOperator(operator, message);
    } else if (remote != null && remote.operatorElsewhere()) {
      remote.shipToOperator(sender, sender.now() + latencyNanos, operator, message);
    } else {
      sender.sendAfter(latencyNanos, operator, message);
    }
  }

  /**
   * A node's answer to the operator outside the simulated network (a boot's report in the setup, a snapshot for the
   * console or the end's report, a pool endpoint): told at once, on another member through the members' links, which
   * carry a message of any size (Akka's remoting alone drops one above its 256 KiB frame).
   */
  public <T> void answerOperator(ActorRef<T> operator, T message) {
    if (remote != null && remote.operatorElsewhere()) {
      remote.tellOperatorAtOnce(operator, message);
    } else {
      operator.tell(message);
    }
  }

  /** The base one-way latency between any two nodes. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /** The one-way latency between two nodes now: the longest of the base and their degraded links. */
  public long latencyNanos(String from, String to) {
    return Math.max(latencyNanos, Math.max(degraded.getOrDefault(from, 0L), degraded.getOrDefault(to, 0L)));
  }

  public Faults faults() {
    return faults;
  }

  /** Message-level faults from now on (what is already on its way stays as it was drawn). */
  public void setFaults(Faults faults) {
    this.faults = java.util.Objects.requireNonNull(faults);
  }

  /**
   * Sends {@code message} on the stream from node {@code from} ({@code sender} is its entity there) to an
   * actor of node {@code to}: it arrives one latency later (plus the retransmissions of lost segments), in
   * order with what {@code sender} sent to {@code to} before; while either node is cut off, after the cut
   * heals.
   */
  public <T> void send(SimEntity sender, String from, String to, ActorRef<T> target, T message) {
    if (down.contains(from)) {
      return; // a crashed node sends nothing (its actors are halted; this is the network's side of it)
    }
    if (from.equals(to)) {
      sender.sendAfter(latencyNanos(from, to), target, message);
      return;
    }
    if (cut.contains(from) || cut.contains(to)) {
      held.add(new Held<>(sender, from, to, target, message));
      return;
    }
    transmit(sender, from, to, target, message);
  }

  /**
   * Sends {@code message} as a datagram: it arrives one latency later, or is lost (always, while either
   * node is cut off), or arrives twice, or later than a datagram sent after it, as {@link Faults} draw.
   */
  public <T> void sendDatagram(SimEntity sender, String from, String to, ActorRef<T> target, T message) {
    if (down.contains(from)) {
      return;
    }
    long latency = latencyNanos(from, to);
    if (from.equals(to)) {
      sender.sendAfter(latency, target, message);
      return;
    }
    if (cut.contains(from) || cut.contains(to)) {
      datagramsLost++;
      return;
    }
    if (!faults.any()) {
      deliver(sender, to, sender.now() + latency, target, message);
      return;
    }
    // Always drawn in this order (loss, hold-back, duplicate, its hold-back), each only when its fault is on.
    SplittableRandom r = draws(sender);
    if (faults.loss() > 0 && r.nextDouble() < faults.loss()) {
      datagramsLost++;
      return;
    }
    deliver(sender, to, sender.now() + latency + holdBack(r, latency), target, message);
    if (faults.duplicate() > 0 && r.nextDouble() < faults.duplicate()) {
      datagramsDuplicated++;
      deliver(sender, to, sender.now() + latency + holdBack(r, latency), target, message);
    }
  }

  /** A stream message leaves now: lost transmissions cost retransmission timeouts; its connection stays in order. */
  private <T> void transmit(SimEntity sender, String from, String to, ActorRef<T> target, T message) {
    long latency = latencyNanos(from, to);
    if (faults.loss() == 0) {
      deliver(sender, to, sender.now() + latency, target, message);
      return;
    }
    long now = sender.now();
    long delay = latency + retransmissionDelay(draws(sender));
    Connection c = new Connection(sender.name(), to);
    long at = Math.max(now + delay, lastArrival.getOrDefault(c, Long.MIN_VALUE));
    lastArrival.put(c, at);
    Runnable revoke = deliver(sender, to, at, target, message); // same instant as the one before: the sequence keeps the order
    if (at - latency > now) {
      if (leaving.size() >= pruneLeavingAt) {
        leaving.removeIf(l -> l.departAt() <= now);
        pruneLeavingAt = Math.max(64, 2 * leaving.size());
      }
      leaving.add(new Leaving<>(new Held<>(sender, from, to, target, message), at - latency, revoke));
    }
  }

  /**
   * Takes back the stream messages of {@code node} (to or from it) that have not left their sender yet:
   * they are cancelled, and returned in the order they were sent.
   */
  private List<Held<?>> takeBackUnsent(String node, boolean alsoTo) {
    List<Held<?>> back = new ArrayList<>();
    leaving.removeIf(l -> {
      Held<?> h = l.message();
      boolean ours = h.from().equals(node) || (alsoTo && h.to().equals(node));
      if (ours && l.departAt() > h.sender().now()) {
        l.revoke().run();
        back.add(h);
        return true;
      }
      return false;
    });
    return back;
  }

  /** How long a segment's losses hold it back: one timeout per lost transmission, doubling from RTO_MIN. */
  private long retransmissionDelay(SplittableRandom r) {
    long delay = 0;
    long rto = RTO_MIN_NANOS;
    for (int sent = 0; sent <= TCP_RETRIES2 && r.nextDouble() < faults.loss(); sent++) {
      retransmissions++;
      delay += rto;
      rto = Math.min(2 * rto, RTO_MAX_NANOS);
    }
    return delay;
  }

  private long holdBack(SplittableRandom r, long latency) {
    return faults.reorder() ? r.nextLong(2 * latency + 1) : 0;
  }

  private SplittableRandom draws(SimEntity sender) {
    return draws.computeIfAbsent(sender.name(),
        name -> RandomStreams.forEntity(sender.kernel().seed(), "network-faults/" + name));
  }

  /** Is {@code node} cut off now? */
  public boolean isCut(String node) {
    return cut.contains(node);
  }

  /**
   * Cuts {@code node} off: nothing reaches it or leaves it until {@link #heal}. Stream messages still at
   * their sender (waiting for a retransmission) wait for the heal too, ahead of what is sent later.
   */
  public void cut(String node) {
    cut.add(node);
    held.addAll(0, takeBackUnsent(node, true));
  }

  /**
   * Heals {@code node}'s cut: the stream messages that waited for it leave now, in the order they were
   * sent (messages between two nodes of which the other is still cut keep waiting).
   */
  public void heal(String node) {
    cut.remove(node);
    Iterator<Held<?>> it = held.iterator();
    while (it.hasNext()) {
      Held<?> h = it.next();
      if (!cut.contains(h.from()) && !cut.contains(h.to())) {
        it.remove();
        release(h);
      }
    }
  }

  private <T> void release(Held<T> h) {
    transmit(h.sender(), h.from(), h.to(), h.target(), h.message());
  }

  /** Messages to or from {@code node} take {@code latencyNanos} (at least the base) until {@link #restore}. */
  public void degrade(String node, long latencyNanos) {
    degraded.put(node, latencyNanos);
  }

  public void restore(String node) {
    degraded.remove(node);
  }

  /**
   * {@code node} has crashed: what it had waiting to send is lost (held by a cut, or waiting for a
   * retransmission it will never make), and what waited for it too.
   */
  public void nodeDown(String node) {
    down.add(node);
    held.removeIf(h -> h.from().equals(node) || h.to().equals(node));
    takeBackUnsent(node, false);
  }

  /** {@code node} has booted again. */
  public void nodeUp(String node) {
    down.remove(node);
  }

  /** How many stream messages wait for a cut to heal (for tests and the status). */
  public int waiting() {
    return held.size();
  }

  /** Stream segments retransmitted so far (each lost transmission of a stream message). */
  public long retransmissions() {
    return retransmissions;
  }

  /** Datagrams lost so far (to a fault or a cut). */
  public long datagramsLost() {
    return datagramsLost;
  }

  /** How many entities have drawn fault decisions (0 in a run without faults: nothing is drawn). */
  int entitiesDrawing() {
    return draws.size();
  }

  /** Datagrams delivered twice so far. */
  public long datagramsDuplicated() {
    return datagramsDuplicated;
  }
}
