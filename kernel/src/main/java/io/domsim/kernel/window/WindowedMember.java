package io.domsim.kernel.window;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;

/**
 * One member's side of the conservative-window protocol ({@link WindowCoordinator}): it sends its entities'
 * messages to actors on other members as {@link TimedDelivery}s, sets those it receives as timers of its
 * kernel, and runs its kernel window by window as the driver grants. Its state lives on the simulation thread:
 * what comes from other threads (deliveries, grants) is injected.
 */
public final class WindowedMember {
  /** How the member reaches the driver and the other members (Akka across JVMs; direct calls in a test). */
  public interface Transport {
    void report(WindowCoordinator.Report report);

    void ship(String member, TimedDelivery<?> delivery);

    void revoke(String member, Revocation revocation);

    /** What a barrier event here told actors of {@code member} at zero time. */
    default void shipTells(String member, BarrierTells tells) {
      throw new UnsupportedOperationException("this transport carries no barrier tells (to " + member + ")");
    }

    /**
     * Before {@code member}'s report of {@code window}: what it recorded in the window, for the driver (the invariant
     * monitor's facts: kept by the driver, so that a member lost later has left its record up to its last report).
     */
    default void record(String member, long window, java.util.List<?> records) {
      throw new UnsupportedOperationException("this transport carries no records (from " + member + ")");
    }

    /** {@code member} is lost: nothing need go to it any more (what does is dropped). */
    default void forget(String member) {}

    /** An input for {@code member}'s replica of a replicated actor ({@link #replicate}). */
    default void replicate(String member, ReplicaInput<?> input) {
      throw new UnsupportedOperationException("this transport carries no replica inputs (to " + member + ")");
    }

    /**
     * {@code tell} for an actor of {@code member}, told there as it comes, outside simulated time ({@link
     * #tellAtOnce}). In one JVM the actor is told directly; over the wire it goes through the members' links, whatever
     * its size.
     */
    default void tellAtOnce(String member, BarrierTells.Tell<?> tell) {
      tell.tell();
    }
  }

  private final String name;
  private final SimKernel kernel;
  private final Transport transport;
  private final TreeMap<String, Long> sentTo = new TreeMap<>();
  private final CompletableFuture<Long> ended = new CompletableFuture<>();
  /** The smallest key of the barrier deliveries sent in this window, by member. */
  private final TreeMap<String, EventKey> barriersSent = new TreeMap<>();
  /** What the barrier event running has told other members' actors, by member, in its order. */
  private final TreeMap<String, java.util.List<BarrierTells.Tell<?>>> barrierTells = new TreeMap<>();
  /** The barrier of the window running, when this member runs it; else null. */
  private EventKey runningBarrier;
  private volatile long barriersRun;
  /** Barrier batches received (each fired as one timer here, which one JVM does not have). */
  private volatile long barrierBatchesFired;
  /** Deliveries received and not yet due, by key: a revocation cancels one. */
  private final TreeMap<EventKey, io.domsim.kernel.SimTimer> due = new TreeMap<>();
  private long earliestSent = Long.MAX_VALUE;
  /** Deliveries received, by sender, by the window their sender sent them in. */
  private final TreeMap<String, TreeMap<Long, Long>> receivedByWindow = new TreeMap<>();
  /**
   * What other members sent, in the order it came, until the window after the one it was sent in begins here: a
   * member lost before its report counted that window is then taken at its word ({@link #lose}) and what it sent is
   * dropped, as if it had never run that window. Nothing sent in a window can act here before the next one.
   */
  private final java.util.ArrayList<Held> held = new java.util.ArrayList<>();
  /** What this member records for the driver at each report ({@link #record}); null for nothing. */
  private java.util.function.LongFunction<? extends java.util.List<?>> recorder;
  /** Members lost for good, with the last window of theirs that counts ({@link WindowCoordinator#lose}). */
  private final TreeMap<String, Long> lost = new TreeMap<>();

  /** Something {@code from} sent in {@code window}, applied here when its window is over. */
  private record Held(String from, long window, Runnable apply) {}
  private volatile long windows;
  private WindowCoordinator.Grant pending;
  /** The horizon of the window running (0 during setup): a delivery sent now must be due at or after it. */
  private long horizon;
  /** Between setup and its report, and while a window runs: the only times this member may send. */
  private boolean running = true;
  /** Deliveries and revocations received that were sent before the window running, by sender, all counted. */
  private final TreeMap<String, Long> receivedEarlier = new TreeMap<>();
  /** This member's replicas of replicated actors, by name: what other members' replicas send goes there. */
  private final Map<String, ActorRef<?>> replicas = new ConcurrentHashMap<>(); // looked up, never iterated

  public WindowedMember(String name, SimKernel kernel, Transport transport) {
    this.name = name;
    this.kernel = kernel;
    this.transport = transport;
    // A failure between two windows (in a delivery, a revocation, a replica's input, a grant) fails no window's
    // horizon: without this the member's run would wait forever for a window that cannot come.
    kernel.whenFailed().thenAccept(f -> {
      over = true;
      drainTooLate();
      ended.completeExceptionally(new io.domsim.kernel.SimulationFailedException(f));
    });
  }

  public String name() {
    return name;
  }

  /**
   * On the simulation thread, during this member's barrier event (the grant's, see {@link WindowCoordinator}):
   * tells {@code message} to {@code target}, an actor of member {@code toMember}, at zero time. It reaches it in
   * the next window at the barrier's key, before anything later, in the order told.
   *
   * @throws IllegalStateException outside a barrier event: a zero-time message to another member from any other
   *     event would reach it after it had run past that instant (a model change that adds one needs its rule)
   */
  public <T> void tellAtBarrier(String toMember, ActorRef<T> target, T message) {
    if (toMember.equals(name)) {
      throw new IllegalArgumentException("a barrier tell to " + name + " from itself: tell the actor instead");
    }
    EventKey now = kernel.currentEvent();
    if (!running || runningBarrier == null || !runningBarrier.equals(now)) {
      throw new IllegalStateException(name + " told " + message + " to an actor of " + toMember + " at zero time in"
          + " event " + now + ", which is not a barrier" + (runningBarrier == null ? "" : " (the barrier is "
          + runningBarrier + ")") + ": only the operator's events may tell other members at once; anything else"
          + " crosses members one latency later");
    }
    barrierTells.computeIfAbsent(toMember, m -> new java.util.ArrayList<>()).add(new BarrierTells.Tell<>(target,
        message));
  }

  /**
   * Outside simulated time (the setup at time 0 before the clock starts, the end's gathering after it has stopped, a
   * console's question): tells {@code message} to {@code target}, an actor of member {@code toMember}, at once. Not
   * counted by the windows: nothing in simulated time waits for it. Through the members' links, like everything
   * else between members, so that it arrives whatever its size (a pool master's guests) and in the order sent with
   * the link's other messages (a serving member's {@code Begin} comes after the setup's tells).
   */
  public <T> void tellAtOnce(String toMember, ActorRef<T> target, T message) {
    transport.tellAtOnce(toMember, new BarrierTells.Tell<>(target, message));
  }

  /**
   * From any thread: this member's simulation fails with {@code sentence} (its link could not carry a message: the
   * run cannot go on without it). A serving member tells the driver, which ends the run.
   */
  public void fail(String sentence) {
    kernel.inject(() -> {
      throw new IllegalStateException(sentence);
    });
  }

  /** What comes in from outside at the next window boundary (the operator's live actions). */
  public interface BoundaryAction {
    /**
     * On the simulation thread at a window's end, every member having run every event before {@code boundaryNanos}:
     * set the action's timer there, to a barrier target, before the report names the next barrier.
     */
    void at(long boundaryNanos);

    /** The run has ended before another boundary came. */
    void tooLate();
  }

  private final java.util.concurrent.ConcurrentLinkedQueue<BoundaryAction> atBoundary =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile boolean over;

  /**
   * From any thread: {@code action} comes in at this member's next window boundary (see {@link BoundaryAction}). A
   * live operation cannot come in at the moment it is asked for, as in one JVM, since the other members may have run
   * past that instant in the window; the boundary is at most one lookahead later (100 µs of simulated time by
   * default).
   */
  public void atNextBoundary(BoundaryAction action) {
    atBoundary.add(action);
    if (over) {
      drainTooLate();
    }
  }

  private void drainTooLate() {
    for (BoundaryAction a; (a = atBoundary.poll()) != null; ) {
      a.tooLate();
    }
    java.util.List<BoundaryAction> left = new java.util.ArrayList<>();
    synchronized (atEndOf) {
      atEndOf.values().forEach(left::addAll);
      atEndOf.clear();
    }
    left.forEach(BoundaryAction::tooLate);
  }

  /**
   * Before {@link #start}: {@code recorder}, called on the simulation thread at each window's end with the window's
   * number, gives what was recorded since the last one (a serving member's monitor facts and time-series rows), sent
   * to the driver before the report (nothing is sent for an empty list). The driver has every member's records of a
   * window before it grants the next one.
   */
  public void record(java.util.function.LongFunction<? extends java.util.List<?>> recorder) {
    this.recorder = recorder;
  }

  /** Reports the member's setup (window 0) once its actors have set their first timers. */
  public void start() {
    kernel.inject(() -> report(0));
  }

  /**
   * On the simulation thread: {@code from} sends {@code message} to {@code target}, an actor of member {@code
   * toMember}, due at {@code atNanos}, which must be at least one lookahead from now (a network message).
   * Returns its key, by which {@link #revoke} takes it back.
   */
  public <T> EventKey send(SimEntity from, String toMember, long atNanos, ActorRef<T> target, T message) {
    if (toMember.equals(name)) {
      throw new IllegalArgumentException("a delivery to " + name + " from itself: set a timer instead");
    }
    checkSending("a delivery to " + toMember + " due at " + atNanos + " ns");
    if (atNanos < horizon) {
      throw new IllegalStateException(name + " sent a delivery to " + toMember + " due at " + atNanos + " ns, inside"
          + " the window it was sent in (before " + horizon + " ns): a message between members must take at least"
          + " the protocol's lookahead (the network's latency)");
    }
    EventKey key = from.reserveKey(atNanos);
    sentTo.merge(toMember, 1L, Long::sum);
    earliestSent = Math.min(earliestSent, key.time());
    transport.ship(toMember, new TimedDelivery<>(name, windows, key, target, message));
    return key;
  }

  /**
   * As {@link #send}, to an actor whose events are barriers there (the operator's: a node's report to it): the
   * report of this window names the delivery's key, so that the coordinator stops the windows at it before the
   * receiver has even received it.
   */
  public <T> EventKey sendToBarrier(SimEntity from, String toMember, long atNanos, ActorRef<T> target, T message) {
    EventKey key = send(from, toMember, atNanos, target, message);
    barriersSent.merge(toMember, key, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    return key;
  }

  /** On the simulation thread: takes back the delivery of {@code key} sent to {@code toMember}, not yet due. */
  public void revoke(String toMember, EventKey key) {
    if (key.time() < kernel.now() + 1) {
      throw new IllegalStateException("revoking " + key + " at " + kernel.now() + " ns: it is due already");
    }
    checkSending("a revocation of " + key);
    sentTo.merge(toMember, 1L, Long::sum);
    transport.revoke(toMember, new Revocation(name, windows, key));
  }

  /** From the transport, on any thread: a revocation of a delivery here. */
  public void receive(Revocation revocation) {
    take(revocation.from(), revocation.window(), () -> {
      io.domsim.kernel.SimTimer timer = due.remove(revocation.key());
      if (timer == null) {
        throw new IllegalStateException(name + " got a revocation of " + revocation.key()
            + ", which it does not hold (already due, or never received)");
      }
      timer.cancel();
    });
  }

  /** From the transport, on any thread: what another member's barrier event told actors here at zero time. */
  public void receive(BarrierTells tells) {
    take(tells.from(), tells.window(), () -> kernel.callAt(tells.key(), tells.tells().get(0).target(), () -> {
      barrierBatchesFired++;
      for (BarrierTells.Tell<?> t : tells.tells()) {
        t.tell();
      }
    }));
  }

  /** From the transport, on any thread: a delivery for an actor here. */
  public void receive(TimedDelivery<?> delivery) {
    take(delivery.from(), delivery.window(), () -> deliver(delivery));
  }

  /**
   * On the simulation thread: counts what {@code from} sent in {@code window} and holds it until that window is over
   * here; from a lost member, drops it (it came too late to count: no window waits for it any more).
   */
  private void take(String from, long window, Runnable apply) {
    kernel.inject(() -> {
      if (lost.containsKey(from)) {
        return;
      }
      held.add(new Held(from, window, apply));
      receivedByWindow.computeIfAbsent(from, m -> new TreeMap<>()).merge(window, 1L, Long::sum);
      maybeRun();
    });
  }

  /**
   * From the driver, on any thread: {@code member} is lost for good ({@link WindowCoordinator#lose}); what it sent
   * after window {@code lastWindow} is dropped, and no window waits for anything from it any more. It comes before
   * any grant that leaves the member out; both are taken in the order handed over, from whatever thread ({@link
   * SimKernel#injectInOrder}: a grant handed over on this member's own thread, as the in-process driver does when this
   * member's report completes a window, ran ahead of a loss injected before it from another, and the member ran the
   * next window with what the lost member sent after its last counted window).
   */
  public void lose(String member, long lastWindow) {
    kernel.injectInOrder(() -> {
      if (member.equals(name)) {
        throw new IllegalStateException(name + " was told it is lost");
      }
      lost.put(member, lastWindow);
      held.removeIf(h -> h.from().equals(member) && h.window() > lastWindow);
      receivedByWindow.remove(member);
      receivedEarlier.remove(member);
      transport.forget(member);
      onLoss.accept(member, lastWindow);
      maybeRun();
    });
  }

  /** Told on the simulation thread of each member lost ({@link #lose}), with the last window of its that counts. */
  private java.util.function.BiConsumer<String, Long> onLoss = (m, w) -> { };

  /**
   * Before {@link #start}: {@code listener} hears of each member lost, on the simulation thread, before any window
   * that leaves it out has run here (the driver fails the lost member's nodes at a boundary it then chooses:
   * {@link #atEndOfWindow}).
   */
  public void onLoss(java.util.function.BiConsumer<String, Long> listener) {
    this.onLoss = listener;
  }

  /** Actions at the end of a given window ({@link #atEndOfWindow}), by window. */
  private final TreeMap<Long, java.util.List<BoundaryAction>> atEndOf = new TreeMap<>();

  /**
   * On the simulation thread: {@code action} comes in at the end of window {@code window} here (at once if that end
   * has passed: only for a window not yet run), as {@link #atNextBoundary}'s do. A boundary fixed by the protocol
   * rather than by when the action is asked for: the same loss gives the same run.
   */
  public void atEndOfWindow(long window, BoundaryAction action) {
    if (window <= windows && !running) {
      throw new IllegalStateException(name + " has ended window " + windows + " already; an action at the end of "
          + window + " comes too late");
    }
    synchronized (atEndOf) {
      atEndOf.computeIfAbsent(window, w -> new java.util.ArrayList<>()).add(action);
    }
  }

  /** Members lost so far, with the last window of each that counts. */
  public java.util.SortedMap<String, Long> lost() {
    return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(lost));
  }

  /**
   * Before {@link #start}: {@code local} is this member's replica of the actor every member runs a copy of under
   * {@code replica}'s name (the fabric); the inputs other members' replicas {@link #replicate} go to it.
   */
  public <T> void hostReplica(String replica, ActorRef<T> local) {
    if (replicas.putIfAbsent(replica, local) != null) {
      throw new IllegalArgumentException(name + " hosts a replica called " + replica + " already");
    }
  }

  /**
   * On the simulation thread, inside a window (or the setup): {@code input}, told to this member's replica named
   * {@code replica}, for that replica on {@code toMember} ({@link ReplicaInput}), where it may make something happen
   * from {@code effectNanos} on (the fabric: one lookahead after the input's cause, so at or after this window's
   * horizon). Untimed, but counted like a delivery, so that the next window's grant waits for it: it reaches the
   * other replica before that window runs; and {@code effectNanos} counts as a delivery's due time, so that no
   * window starts after it (the receiver may report before the input arrives).
   */
  public <T> void replicate(String toMember, String replica, T input, long effectNanos) {
    if (toMember.equals(name)) {
      throw new IllegalArgumentException("a replica input to " + name + " from itself");
    }
    checkSending("an input for the replica " + replica + " of " + toMember);
    if (effectNanos < horizon) {
      throw new IllegalStateException(name + " sent an input for the replica " + replica + " of " + toMember
          + " taking effect at " + effectNanos + " ns, inside the window it was sent in (before " + horizon
          + " ns): the other replicas get it only after the window");
    }
    sentTo.merge(toMember, 1L, Long::sum);
    earliestSent = Math.min(earliestSent, effectNanos);
    transport.replicate(toMember, new ReplicaInput<>(name, windows, replica, input));
  }

  /**
   * From the transport, on any thread: an input for this member's replica, handed to it before the next window
   * runs here (the replica orders its inputs by what they carry, not by when they come).
   */
  public void receive(ReplicaInput<?> input) {
    take(input.from(), input.window(), () -> hand(input));
  }

  @SuppressWarnings("unchecked") // the replica's name says what it takes: the sender's replica is the same actor
  private <T> void hand(ReplicaInput<T> input) {
    ActorRef<T> local = (ActorRef<T>) replicas.get(input.replica());
    if (local == null) {
      throw new IllegalStateException(name + " got an input for the replica " + input.replica()
          + ", which it does not host");
    }
    local.tell(input.input());
  }

  private <T> void deliver(TimedDelivery<T> d) {
    due.put(d.key(), kernel.deliverAt(d.key(), d.target(), d.message()));
  }

  /** From the driver, on any thread: the next window, or the end. */
  public void grant(WindowCoordinator.Grant grant) {
    kernel.injectInOrder(() -> { // behind what was handed over before it: a loss, deliveries (see lose)
      if (pending != null || grant.window() != windows + 1) {
        // A protocol error: it fails the run (a task that throws on the simulation thread does).
        throw new IllegalStateException(name + " got the grant of window " + grant.window() + " after window "
            + windows + (pending != null ? " with one pending" : ""));
      }
      pending = grant;
      maybeRun();
    });
  }

  /** Completes with the simulated end time once the driver has ended the run (and the clock stands there). */
  public CompletionStage<Long> ended() {
    return ended;
  }

  /** Barrier events run here so far (each in a window of its own). */
  public long barriersRun() {
    return barriersRun;
  }

  /**
   * Barrier batches fired here so far: each is a timer of this kernel that one JVM does not have (there the tells
   * are part of the barrier event), so a run's event count leaves them out.
   */
  public long barrierBatchesFired() {
    return barrierBatchesFired;
  }

  /** Windows run so far. */
  public long windows() {
    return windows;
  }

  private void maybeRun() {
    if (pending == null) {
      return;
    }
    for (var from : pending.deliveriesFrom().entrySet()) {
      if (!lost.containsKey(from.getKey()) && receivedBefore(from.getKey(), pending.window()) < from.getValue()) {
        return; // a delivery sent to us before the window began is still on its way
      }
    }
    WindowCoordinator.Grant g = pending;
    pending = null;
    // Everything sent before this window has come: fold those counts (no more can come for them), and apply it.
    for (var each : receivedByWindow.entrySet()) {
      var before = each.getValue().headMap(g.window());
      for (long count : before.values()) {
        receivedEarlier.merge(each.getKey(), count, Long::sum);
      }
      before.clear();
    }
    java.util.ArrayList<Held> later = new java.util.ArrayList<>();
    for (Held h : held) {
      if (h.window() < g.window()) {
        h.apply().run();
      } else {
        later.add(h); // sent in this window by a member that began it before us
      }
    }
    held.clear();
    held.addAll(later);
    horizon = g.horizon();
    running = true;
    due.headMap(EventKey.startOf(kernel.now())).clear(); // fired: no revocation can come for them any more
    windows = g.window();
    runningBarrier = g.runsBarrier() ? g.barrier() : null;
    if (runningBarrier != null) {
      barriersRun++;
    }
    // Every event before the horizon: up to and including the instant before it, where the clock then stands
    // (at the run's end, the end itself). A barrier window stops before the barrier, or just after it on the
    // member whose event it is.
    java.util.concurrent.CompletionStage<Long> window = g.barrier() == null ? kernel.runUntil(g.horizon() - 1)
        : kernel.runUntil(g.runsBarrier() ? g.barrier().next() : g.barrier());
    window.whenComplete((t, failure) -> {
      try {
        if (failure == null) {
          shipBarrierTells();
        }
        running = false;
        runningBarrier = null;
        if (failure != null) {
          over = true;
          drainTooLate();
          ended.completeExceptionally(failure);
        } else if (g.end()) {
          over = true;
          drainTooLate();
          ended.complete(t);
        } else {
          report(g.window());
        }
      } catch (RuntimeException e) {
        // Thrown in a completion stage's callback it would be lost, and the run would wait for a report that never
        // comes: a task that throws fails the run instead.
        kernel.inject(() -> {
          throw e;
        });
      }
    });
  }

  /** What the barrier event told other members, one batch each, counted as deliveries of this window. */
  private void shipBarrierTells() {
    for (var each : barrierTells.entrySet()) {
      sentTo.merge(each.getKey(), 1L, Long::sum);
      earliestSent = Math.min(earliestSent, runningBarrier.time());
      transport.shipTells(each.getKey(), new BarrierTells(name, windows, runningBarrier, each.getValue()));
    }
    barrierTells.clear();
  }

  /** Deliveries from {@code from} received that were sent before {@code window}: those its grant counts. */
  private long receivedBefore(String from, long window) {
    long n = receivedEarlier.getOrDefault(from, 0L);
    TreeMap<Long, Long> byWindow = receivedByWindow.get(from);
    if (byWindow != null) {
      for (long count : byWindow.headMap(window).values()) {
        n += count;
      }
    }
    return n;
  }

  /**
   * Sending is counted in the report of the window it happens in: between a report and the next grant there is
   * none, and what was sent then would be counted nowhere (an injection from outside must wait for a window).
   */
  private void checkSending(String what) {
    if (!running) {
      throw new IllegalStateException(name + " sent " + what + " between two windows (after reporting window "
          + windows + "): nothing may cross members outside a window");
    }
  }

  private void report(long window) {
    running = false;
    // Every member has run every event before this window's horizon: what comes in from outside goes there.
    for (BoundaryAction a; (a = atBoundary.poll()) != null; ) {
      a.at(horizon);
    }
    java.util.List<BoundaryAction> endOfThis = new java.util.ArrayList<>();
    synchronized (atEndOf) { // (the run's failure drains it from another thread)
      atEndOf.headMap(window, true).values().forEach(endOfThis::addAll);
      atEndOf.headMap(window, true).clear();
    }
    endOfThis.forEach(a -> a.at(horizon));
    // The operator's next event, on the member that has it (SimKernel.barrierTarget), and what was sent to it.
    TreeMap<String, EventKey> barriers = new TreeMap<>(barriersSent);
    EventKey own = kernel.nextBarrier();
    if (own != null) {
      barriers.merge(name, own, (a, b) -> a.compareTo(b) <= 0 ? a : b);
    }
    // Its next event that could send to another member: local entities' events (guests' phases) run inside windows.
    if (recorder != null) {
      java.util.List<?> records = recorder.apply(window);
      if (!records.isEmpty()) {
        transport.record(name, window, records);
      }
    }
    transport.report(new WindowCoordinator.Report(name, window, kernel.nextSendingTimerTime(), earliestSent, sentTo,
        barriers));
    barriersSent.clear();
    earliestSent = Long.MAX_VALUE;
  }
}
