package io.domsim.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulation's one thread: an executor for the simulation dispatcher that, when its task queue
 * drains (every simulation actor idle), advances the clock to the next timer and fires it.
 *
 * <p>Simulated time is event time on both clocks: it moves only when the loop fires a timer (to the
 * timer's time) or admits an injection from outside (see below), so {@link #now} is constant while an
 * event and everything it causes synchronously is handled. The real clock only decides when a timer may
 * fire: not before its wall-clock instant (start + simulated / speed). An {@link SimKernel#inject}ed
 * action is admitted at the wall-derived instant, but never before the last event nor after the next
 * pending timer, so time stays monotonic and no timer is ever late in simulated time. When the loop
 * cannot keep up, timers fire late in wall time only: results stay exact and the lag is measured.
 *
 * <p>Tasks submitted from the loop thread itself (Akka scheduling a mailbox after a tell) go to a plain
 * deque; tasks from other threads (system messages, {@link SimKernel#inject}) go through a concurrent
 * queue and wake the loop. Timers are touched only on the loop thread, so they need no lock.
 *
 * <p>Hot path (one timer plus its message is a few hundred nanoseconds, most of it Akka's mailbox
 * work): the timer queue keeps times in a primitive array ({@link TimerHeap}); the clock is a plain
 * field of the loop thread, published to other threads with a release store rather than a volatile
 * write per event; tasks from the loop thread skip the concurrent queue and the shutdown check.
 *
 * <p>After the simulation's first failure no timer fires and every horizon fails with it; tasks still
 * run, so that the actor system can shut down.
 */
final class SimLoop extends AbstractExecutorService {
  /** The failure's stack trace goes to this logger (the CLI writes it to the run's log, not to stderr). */
  private static final Logger failureLog = LoggerFactory.getLogger(SimulationFailure.class);
  private static final Logger log = LoggerFactory.getLogger(SimLoop.class);

  /**
   * Real clock: once the loop fires a timer this much wall time after its instant, it says once that it
   * cannot keep up (0.1 s: well above the jitter of parking a thread, which is about 0.1 ms).
   */
  static final long LAG_WARNING_NANOS = 100_000_000L;

  /** An action from outside the loop ({@link SimKernel#inject}): on the real clock it moves time to its admission. */
  private record Injection(Runnable action) implements Runnable {
    @Override
    public void run() {
      action.run();
    }
  }

  private final ClockKind clock;
  private final double speed;
  private final ArrayDeque<Runnable> local = new ArrayDeque<>(1024);
  private final ConcurrentLinkedQueue<Runnable> external = new ConcurrentLinkedQueue<>();
  private final TimerHeap timers = new TimerHeap(4096);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final CompletableFuture<SimulationFailure> failed = new CompletableFuture<>();

  private static final VarHandle PUBLISHED_NOW;

  static {
    try {
      PUBLISHED_NOW = MethodHandles.lookup().findVarHandle(SimLoop.class, "publishedNow", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Thread thread;
  private volatile boolean shutdown;
  /** The clock as other threads see it: written with a release store whenever {@link #now} moves. */
  @SuppressWarnings("unused")
  private volatile long publishedNow;

  // Owned by the loop thread.
  private long now;
  private long horizon = -1;
  /** With a keyed horizon, the first key not to fire (its time is {@link #horizon}); null: up to the time. */
  private EventKey horizonKey;
  private CompletableFuture<Long> horizonReached;
  private long wallAnchorNanos;
  private long simAnchorNanos;
  /** The timer fired last: its key is the cause of everything that runs until the loop is idle again. */
  private SimTimer lastFired;
  private long timersFired;
  private long tasksRun;
  private SimulationFailure failure;
  /** Real clock: the most wall time by which a timer (or the horizon) was reached after its instant. */
  private volatile long maxLagNanos;
  private boolean lagWarned;

  SimLoop(ClockKind clock, double speed) {
    this.clock = clock;
    this.speed = speed;
  }

  synchronized void start(ThreadFactory factory) {
    if (thread != null) {
      // A second executor for the same loop (a kernel shared by two actor systems, or a dispatcher
      // restarted by Akka) would make two threads claim the clock.
      throw new IllegalStateException("simulation loop already started");
    }
    Thread t = factory.newThread(this::loop);
    t.setName("domsim-sim-loop");
    thread = t;
    t.start();
  }

  boolean onLoopThread() {
    return Thread.currentThread() == thread;
  }

  /**
   * On the loop thread, the time of the event being handled: constant during it, on both clocks (a
   * clock that moved during an event let an actor act after a timer that was due but not yet fired).
   * Elsewhere the value at the loop's last clock move.
   */
  long now() {
    return onLoopThread() ? now : publishedNow;
  }

  /** Real clock: the most wall time, in nanoseconds, by which the loop reached a timer after its instant. */
  long maxLagNanos() {
    return maxLagNanos;
  }

  private void setNow(long t) {
    if (t != now) {
      now = t;
      PUBLISHED_NOW.setRelease(this, t);
    }
  }

  long timersFired() {
    return timersFired;
  }

  /**
   * On the loop thread: is simulated time running, a horizon set and not yet reached? Not before the first
   * horizon (the cluster's setup at time 0) nor once the last one is reached (the end's gathering).
   */
  boolean clockRunning() {
    if (!onLoopThread()) {
      throw new IllegalStateException("whether the clock runs is known on the simulation thread only");
    }
    return horizonReached != null && !horizonReached.isDone();
  }

  /**
   * On the loop thread: the key of the event whose consequences are running (see {@link SimKernel#currentEvent}).
   * A timer's cascade runs to idle before the next timer fires, so the last timer fired is that event; an
   * injection, run only when the loop is idle, continues it at its instant or starts its own instant.
   */
  EventKey currentEvent() {
    if (!onLoopThread()) {
      throw new IllegalStateException("the current event is known on the simulation thread only");
    }
    SimTimer t = lastFired;
    return t != null && t.time == now ? EventKey.of(t) : EventKey.startOf(now);
  }

  long tasksRun() {
    return tasksRun;
  }

  int pendingTimers() {
    return timers.size();
  }

  void schedule(SimTimer t) {
    schedule(t, false);
  }

  /** Actors whose timers are barriers (null: none, and no timer is looked up). */
  private java.util.Set<akka.actor.typed.ActorRef<?>> barrierTargets;
  /** Barrier timers set and perhaps not yet fired (those at or below the last fired are dropped when read). */
  private final java.util.TreeSet<SimTimer> barrierTimers = new java.util.TreeSet<>();

  /** On the loop thread: from now on, every timer to {@code target} is a barrier (see {@link SimKernel#barrierTarget}). */
  void addBarrierTarget(akka.actor.typed.ActorRef<?> target) {
    if (!onLoopThread()) {
      throw new IllegalStateException("barrier targets are set on the simulation thread");
    }
    if (barrierTargets == null) {
      barrierTargets = new java.util.HashSet<>(); // looked up only, never iterated
    }
    barrierTargets.add(target);
  }

  /** On the loop thread: the key of the next barrier timer not yet fired nor cancelled, or null. */
  EventKey nextBarrier() {
    SimTimer head = firstPending(barrierTimers);
    return head == null ? null : EventKey.of(head);
  }

  /**
   * The first of {@code kept} that has neither fired nor been cancelled, or null; the others at its head are
   * dropped. Timers fire in key order, so those at or below the last fired have fired.
   */
  private SimTimer firstPending(java.util.TreeSet<SimTimer> kept) {
    SimTimer head = kept.isEmpty() ? null : kept.first();
    while (head != null && (head.isCancelled() || lastFired != null && head.compareTo(lastFired) <= 0)) {
      kept.pollFirst();
      head = kept.isEmpty() ? null : kept.first();
    }
    return head;
  }

  /** With {@code tick}, a periodic tick ({@link SimEntity#tickAfter}): usually set in the loop's order. */
  void schedule(SimTimer t, boolean tick) {
    if (!onLoopThread()) {
      throw new IllegalStateException("timers may only be set from the simulation thread; use SimKernel.inject");
    }
    timers.add(t, tick);
    if (barrierTargets != null && barrierTargets.contains(t.target)) {
      barrierTimers.add(t);
    }
    if (sendingTimers != null && !t.local) {
      sendingTimers.add(t);
    }
  }

  /** Over members, the timers that are not a local entity's, perhaps fired (dropped when read); null in one JVM. */
  private java.util.TreeSet<SimTimer> sendingTimers;

  void trackSendingTimers() {
    if (thread != null) {
      throw new IllegalStateException("sending timers are tracked from the start, before the loop runs");
    }
    sendingTimers = new java.util.TreeSet<>();
  }

  /** On the loop thread: see {@link SimKernel#nextSendingTimerTime}. */
  long nextSendingTimerTime() {
    if (sendingTimers == null) {
      return nextTimerTime();
    }
    SimTimer head = firstPending(sendingTimers);
    return head == null ? Long.MAX_VALUE : head.time;
  }

  CompletionStage<SimulationFailure> whenFailed() {
    return failed.minimalCompletionStage();
  }

  /** On the loop thread: the first failure stops the clock and fails the horizon; later ones are dropped. */
  void fail(String actor, Throwable cause) {
    if (!onLoopThread()) {
      execute(() -> fail(actor, cause));
      return;
    }
    if (failure != null) {
      return;
    }
    failure = new SimulationFailure(actor, now(), cause);
    failureLog.error("the simulation failed: {}", failure.describe(), cause);
    failed.complete(failure);
    if (horizonReached != null) {
      horizonReached.completeExceptionally(new SimulationFailedException(failure));
    }
  }

  /** Runs {@code action} on the loop thread as an event from outside, at the instant the loop admits it. */
  void inject(Runnable action) {
    execute(onLoopThread() ? action : new Injection(action));
  }

  /** As {@link #inject}, queued behind every injection before it even from the loop thread. */
  void injectInOrder(Runnable action) {
    addExternal(new Injection(action));
  }

  /** Called on the loop thread: run until no timer is due at or before {@code until}. */
  void setHorizon(long until, CompletableFuture<Long> reached) {
    setHorizon(until, null, reached);
  }

  /**
   * Called on the loop thread: run until no timer is due before {@code bound} (in key order), then stand at
   * {@code bound}'s time; the timers at that time from {@code bound} on wait for a later horizon.
   */
  void setHorizon(EventKey bound, CompletableFuture<Long> reached) {
    setHorizon(bound.time(), bound, reached);
  }

  private void setHorizon(long until, EventKey bound, CompletableFuture<Long> reached) {
    if (failure != null) {
      reached.completeExceptionally(new SimulationFailedException(failure));
      return;
    }
    if (horizonReached != null && !horizonReached.isDone()) {
      horizonReached.completeExceptionally(new IllegalStateException("superseded by a new horizon"));
    }
    horizon = until;
    horizonKey = bound;
    horizonReached = reached;
    if (!keepAnchor || !anchored) {
      wallAnchorNanos = System.nanoTime();
      simAnchorNanos = now;
      anchored = true;
    }
  }

  /**
   * Real clock, over members: the wall clock is anchored at the first horizon only, not at each one. A member runs
   * window after window, each a new horizon; re-anchored at each, the time spent waiting for the next grant would be
   * lost for good, and simulated time would fall further behind the wall clock with every window. Anchored once, a
   * member that waited catches up (its timers are due at once) and a lag is measured as lag.
   */
  private boolean keepAnchor;
  private boolean anchored;

  /** Before the first horizon: see {@link #keepAnchor}. */
  void keepAnchor() {
    keepAnchor = true;
  }

  private void loop() {
    try {
      while (!shutdown) {
        Runnable task = local.pollFirst();
        if (task == null) {
          // The last event's synchronous consequences are done: something from outside may come in.
          task = external.poll();
          if (task instanceof Injection && clock == ClockKind.REAL) {
            admit();
          }
        }
        if (task != null) {
          runTask(task);
          continue;
        }
        if (!advance()) {
          idleWait();
        }
      }
    } finally {
      terminated.countDown();
    }
  }

  private void runTask(Runnable task) {
    tasksRun++;
    try {
      task.run();
    } catch (Throwable e) {
      // Actors' failures are caught in the actors (FailFast); what escapes here is an injected action, a
      // timer's delivery or Akka's own machinery failing, and it ends the run just the same.
      fail("a task on the simulation thread", e);
    }
  }

  /**
   * Real clock: an injection comes in at the wall-derived instant, but never behind the last event, past
   * the horizon, or past the next pending timer (which, due by then, would otherwise fire late in
   * simulated time; the injection goes just before it instead).
   */
  private void admit() {
    if (horizon < 0) {
      return; // the clock has not started: everything happens at its start
    }
    long t = Math.min(horizon, pacedNow());
    SimTimer next = nextTimer();
    if (next != null) {
      t = Math.min(t, next.time);
    }
    if (t > now) {
      setNow(t);
    }
  }

  /** Real clock: the simulated instant the wall clock has reached, or {@link Long#MAX_VALUE} past it. */
  private long pacedNow() {
    double paced = simAnchorNanos + (System.nanoTime() - wallAnchorNanos) * speed;
    return paced >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) paced;
  }

  /**
   * Real clock: wall nanoseconds until simulated instant {@code t} is due (negative: it is late by that
   * much). In doubles, so that an instant far beyond the run cannot overflow.
   */
  private double wallUntil(long t) {
    return (t - simAnchorNanos) / speed - (System.nanoTime() - wallAnchorNanos);
  }

  /** On the loop thread: the time of the earliest timer that is not cancelled, or Long.MAX_VALUE. */
  long nextTimerTime() {
    if (!onLoopThread()) {
      throw new IllegalStateException("the next timer may only be read on the simulation thread");
    }
    SimTimer next = nextTimer();
    return next == null ? Long.MAX_VALUE : next.time;
  }

  /** The earliest timer that is not cancelled, or null; cancelled ones at the head are dropped. */
  private SimTimer nextTimer() {
    SimTimer next = timers.peek();
    while (next != null && next.isCancelled()) {
      timers.poll();
      next = timers.peek();
    }
    return next;
  }

  /** The simulation is idle: fire the next due timer. Returns false when there is nothing to do now. */
  private boolean advance() {
    if (horizon < 0 || failure != null) {
      return false;
    }
    SimTimer next = nextTimer();
    if (next != null && next.time <= horizon && (horizonKey == null || horizonKey.isAfter(next))) {
      if (clock == ClockKind.REAL && !dueOnTheWallClock(next.time)) {
        return true;
      }
      timers.poll();
      // Exactly the timer's time on both clocks (never behind now: timers are never set in the past, and
      // an injection is admitted no later than the next timer).
      setNow(Math.max(now, next.time));
      lastFired = next;
      timersFired++;
      try {
        next.fire();
      } catch (Throwable e) {
        // A direct action's failure (a tell does not throw): it ends the run as its actor's would.
        fail(next.owner(), e);
      }
      return true;
    }
    if (horizonReached != null && !horizonReached.isDone()) {
      if (clock == ClockKind.REAL && !dueOnTheWallClock(horizon)) {
        return true;
      }
      setNow(Math.max(now, horizon));
      horizonReached.complete(now);
      return true;
    }
    return false;
  }

  /**
   * Real clock: whether simulated instant {@code t} is due on the wall clock; if not, waits a while
   * (an injection wakes the loop). If it is, records how late the loop is reaching it.
   */
  private boolean dueOnTheWallClock(long t) {
    double wait = wallUntil(t);
    if (wait > 0) {
      parkUpTo((long) Math.ceil(wait));
      return false;
    }
    long lag = (long) -wait;
    if (lag > maxLagNanos) {
      maxLagNanos = lag;
      if (lag >= LAG_WARNING_NANOS && !lagWarned) {
        lagWarned = true;
        log.warn("the simulation fell {} s of wall time behind the real clock at simulated time {} s (speed {}):"
            + " this machine did not keep up. Results stay exact (simulated time is event time), but the run"
            + " is slower than asked; a lower --speed keeps pace. The end of the run says the largest lag.",
            String.format(java.util.Locale.ROOT, "%.3f", lag / 1e9), SimTime.toSeconds(t), speed);
      }
    }
    return true;
  }

  private void parkUpTo(long nanos) {
    LockSupport.parkNanos(this, Math.min(nanos, TimeUnit.MILLISECONDS.toNanos(50)));
  }

  private void idleWait() {
    if (external.isEmpty() && !shutdown) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Override
  public void execute(Runnable command) {
    if (onLoopThread()) {
      // Once shut down the loop runs nothing more, so the loop thread needs no rejection check.
      local.addLast(command);
    } else {
      addExternal(command);
    }
  }

  /** Queues {@code command} behind everything from outside, and wakes the loop. */
  private void addExternal(Runnable command) {
    if (shutdown) {
      throw new RejectedExecutionException("simulation loop is shut down");
    }
    external.add(command);
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }
}
