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
  private CompletableFuture<Long> horizonReached;
  private long wallAnchorNanos;
  private long simAnchorNanos;
  private long timersFired;
  private long tasksRun;
  private SimulationFailure failure;

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

  /** Exact on the loop thread; elsewhere the value at the loop's last clock move. */
  long now() {
    if (!onLoopThread()) {
      return publishedNow;
    }
    if (clock == ClockKind.REAL && horizon >= 0) {
      // Paced time advances between events too, but never past the horizon or behind the last event.
      long paced = simAnchorNanos + (long) ((System.nanoTime() - wallAnchorNanos) * speed);
      setNow(Math.min(horizon, Math.max(now, paced)));
    }
    return now;
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

  long tasksRun() {
    return tasksRun;
  }

  int pendingTimers() {
    return timers.size();
  }

  void schedule(SimTimer t) {
    if (!onLoopThread()) {
      throw new IllegalStateException("timers may only be set from the simulation thread; use SimKernel.inject");
    }
    timers.add(t);
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

  /** Called on the loop thread: run until no timer is due at or before {@code until}. */
  void setHorizon(long until, CompletableFuture<Long> reached) {
    if (failure != null) {
      reached.completeExceptionally(new SimulationFailedException(failure));
      return;
    }
    if (horizonReached != null && !horizonReached.isDone()) {
      horizonReached.completeExceptionally(new IllegalStateException("superseded by a new horizon"));
    }
    horizon = until;
    horizonReached = reached;
    wallAnchorNanos = System.nanoTime();
    simAnchorNanos = now;
  }

  private void loop() {
    try {
      while (!shutdown) {
        Runnable task = local.pollFirst();
        if (task == null) {
          task = external.poll();
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

  /** The simulation is idle: fire the next due timer. Returns false when there is nothing to do now. */
  private boolean advance() {
    if (horizon < 0 || failure != null) {
      return false;
    }
    SimTimer next = timers.peek();
    while (next != null && next.isCancelled()) {
      timers.poll();
      next = timers.peek();
    }
    if (next != null && next.time <= horizon) {
      if (clock == ClockKind.REAL) {
        long dueWall = wallAnchorNanos + (long) ((next.time - simAnchorNanos) / speed);
        long wait = dueWall - System.nanoTime();
        if (wait > 0) {
          parkUpTo(wait);
          return true;
        }
      }
      timers.poll();
      // Virtual: exactly the timer's time (never behind now). Real: paced time may already be past it.
      setNow(Math.max(now, next.time));
      timersFired++;
      next.fire();
      return true;
    }
    if (horizonReached != null && !horizonReached.isDone()) {
      if (clock == ClockKind.REAL) {
        long endWall = wallAnchorNanos + (long) ((horizon - simAnchorNanos) / speed);
        long wait = endWall - System.nanoTime();
        if (wait > 0) {
          parkUpTo(wait);
          return true;
        }
      }
      setNow(Math.max(now, horizon));
      horizonReached.complete(now);
      return true;
    }
    return false;
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
      if (shutdown) {
        throw new RejectedExecutionException("simulation loop is shut down");
      }
      external.add(command);
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
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
