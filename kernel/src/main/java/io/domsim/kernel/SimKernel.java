package io.domsim.kernel;

import akka.actor.BootstrapSetup;
import akka.actor.setup.ActorSystemSetup;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.ChildFailed;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Terminated;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Simulated time for one run: the clock, the timer queue and the single simulation thread that runs
 * every simulation actor. Actors never read the wall clock and never use Akka's scheduler for
 * simulated delays; they ask their {@link SimEntity} for {@code now()} and {@code sendAfter}.
 *
 * <p>Anything entering the simulation from outside (the CLI, a test, an HTTP request) goes through
 * {@link #inject}, so that the virtual clock cannot run ahead of it.
 *
 * <p>Simulated time is event time on both clocks: during an event (a timer's delivery, an injection, and
 * everything they cause synchronously) {@link #now} does not move. The real clock only paces when
 * timers fire; a machine too slow for the speed makes the run slower than asked, never different
 * ({@link #maxLagNanos}).
 *
 * <p>A failure inside the simulated world ends the run: the first simulation actor that throws (or
 * stops) becomes the run's {@link SimulationFailure}, no timer fires after it, and {@link #runUntil}
 * and {@link #whenFailed} complete with it.
 */
public final class SimKernel {
  /** Where Akka finds the simulation dispatcher; every simulation actor must run on it. */
  public static final String DISPATCHER_PATH = "domsim.kernel.sim-dispatcher";

  /**
   * The simulation dispatcher, for tests that spawn bare actors on the simulation thread; the simulated
   * world spawns its actors with {@link #spawn}, which also makes their failures end the run.
   */
  public static final DispatcherSelector DISPATCHER = DispatcherSelector.fromConfig(DISPATCHER_PATH);

  private final ClockKind clock;
  private final long seed;
  private final SimLoop loop;
  private final AtomicBoolean systemStarted = new AtomicBoolean();

  private SimKernel(ClockKind clock, double speed, long seed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be positive, was " + speed);
    }
    this.clock = clock;
    this.seed = seed;
    this.loop = new SimLoop(clock, speed);
  }

  public static SimKernel create(ClockKind clock, double speed, long seed) {
    return new SimKernel(clock, speed, seed);
  }

  SimLoop startLoop(ThreadFactory factory) {
    loop.start(factory);
    return loop;
  }

  /**
   * Starts an actor system whose guardian spawns {@code root} on the simulation dispatcher. The clock
   * stays at 0 until {@link #runUntil} is called.
   *
   * <p>The guardian itself runs on the simulation dispatcher: its start is queued on the loop before
   * this method returns, and it spawns the root from the loop thread, so the root's setup (and the
   * timers it sets) always runs before any {@link #inject} or {@link #runUntil} issued afterwards. With
   * the guardian on Akka's default dispatcher the root's spawn raced with the first runUntil, which
   * could reach its horizon before the root had set a single timer.
   *
   * <p>The root is spawned with {@link #spawn}, so it fails the run if it throws; the guardian watches
   * it. The kernel reaches the simulation dispatcher's executor through the system's setup
   * ({@link KernelSetup}).
   */
  public <T> ActorSystem<Void> startSystem(String name, Behavior<T> root, Config config) {
    if (!systemStarted.compareAndSet(false, true)) {
      throw new IllegalStateException("this kernel already runs an actor system; create one kernel per system");
    }
    Behavior<Void> guardian = Behaviors.setup(ctx -> {
      spawn(ctx, root, "sim");
      return Behaviors.receive(Void.class)
          .onSignal(Terminated.class, t -> {
            fail(t.getRef().path().toStringWithoutAddress(), t instanceof ChildFailed f ? f.getCause()
                : new IllegalStateException("the simulation's root actor stopped during the run"));
            return Behaviors.same();
          })
          .build();
    });
    ActorSystemSetup setup = ActorSystemSetup.create(
        BootstrapSetup.create(config.withFallback(ConfigFactory.load())), new KernelSetup(this));
    return ActorSystem.apply(guardian, name, setup, DISPATCHER);
  }

  /**
   * Spawns a simulation actor as a child of {@code parent}: on the simulation thread, and such that its
   * failure ends the run. If its behavior throws (in its setup, on a message or a signal), the run fails
   * with its path, the simulated time and the exception; the parent watches it, so that it stopping for
   * any other reason fails the run too. A simulation actor never stops during a run. The parent must
   * itself have been spawned this way (or be the guardian).
   */
  public <T> ActorRef<T> spawn(ActorContext<?> parent, Behavior<T> behavior, String name) {
    ActorRef<T> child = parent.spawn(FailFast.wrap(this, behavior), name, DISPATCHER);
    parent.watch(child);
    return child;
  }

  public ClockKind clock() {
    return clock;
  }

  public long seed() {
    return seed;
  }

  /**
   * The current simulated time in nanoseconds. On the simulation thread, the time of the event being
   * handled, constant while it is handled (on the real clock too); elsewhere the time of the latest event.
   */
  public long now() {
    return loop.now();
  }

  /**
   * Real clock: the most wall time, in nanoseconds, by which the loop reached a timer after its paced
   * instant (0 on the virtual clock). Above about a millisecond the machine did not keep up with the speed:
   * the results are still exact, but the run took longer than duration / speed.
   */
  public long maxLagNanos() {
    return loop.maxLagNanos();
  }

  /**
   * The key of the event being handled, on the simulation thread: the timer that fired last, for its handling
   * and everything it causes synchronously (zero-time tells, to any depth: the loop runs them all before it fires
   * the next timer). An injection from outside runs only when the loop is idle; it counts as part of the last
   * event if that was at its instant, and otherwise as the first event of its instant ({@link
   * EventKey#startOf}). So on one thread the current event never decreases in key order, and a message
   * stamped with it when sent names the event that caused it, wherever it is applied: what the fabric's inputs
   * carry so that they can be applied in the order of their causes across members.
   */
  public EventKey currentEvent() {
    return loop.currentEvent();
  }

  /**
   * On the simulation thread: does simulated time run now? False during the setup before the first horizon
   * (the cluster boots and places its guests at time 0, outside the order of events) and once the last horizon
   * is reached (the end's gathering); true while events fire, and in a member's window.
   */
  public boolean clockRunning() {
    return loop.clockRunning();
  }

  /**
   * As {@link #entity}, for an entity whose events only change the state of its own actor and never send a message
   * at once (a guest's workload phases: they change its host's rates): over members, its timers are not events
   * that could send to another member, so windows may run past them (see {@link #nextSendingTimerTime}). A message
   * sent across members from one anyway is due inside the window it is sent in and fails the run there.
   */
  public SimEntity localEntity(String name) {
    return new SimEntity(this, name, true);
  }

  /**
   * Over members, before the actor system starts: from now on the kernel keeps the timers that are not a local
   * entity's apart, for {@link #nextSendingTimerTime}. (In one JVM nothing is kept.)
   */
  public void trackSendingTimers() {
    loop.trackSendingTimers();
  }

  /**
   * Before the first {@link #runUntil}, on the real clock: pace every horizon from the first one's wall instant, not
   * each from its own (a member running the window protocol sets a horizon per window: re-anchored at each, the
   * waits between windows would make simulated time lag the wall clock more and more).
   */
  public void keepPaceAcrossHorizons() {
    loop.keepAnchor();
  }

  /**
   * On the simulation thread: the time of the next timer that is not cancelled and not a local entity's, or {@link
   * Long#MAX_VALUE} for none: the earliest event that could send something to another member (what a member
   * reports at the end of a window). Without {@link #trackSendingTimers}, the next timer's.
   */
  public long nextSendingTimerTime() {
    return loop.nextSendingTimerTime();
  }

  /** A named entity whose timers and random numbers are its own. Names must be unique in a run. */
  public SimEntity entity(String name) {
    return new SimEntity(this, name);
  }

  /**
   * Runs {@code action} on the simulation thread as an event from outside. On the virtual clock it runs
   * at the loop's current instant; on the real clock at the wall-derived instant at which the loop admits
   * it, never before the last event nor after the next timer. Either way that instant holds while the
   * action, and everything it causes synchronously, runs. Called on the simulation thread, the action
   * runs within the current event.
   */
  public void inject(Runnable action) {
    loop.inject(action);
  }

  /**
   * As {@link #inject}, but behind everything injected before it from any thread, even when called on the
   * simulation thread (where {@link #inject} runs the action within the current event, ahead of them): for
   * messages whose order among themselves is the protocol's, from whatever thread each is handed over (the
   * window protocol's grants and losses).
   */
  public void injectInOrder(Runnable action) {
    loop.injectInOrder(action);
  }

  /**
   * Lets time advance up to {@code untilNanos} (inclusive). The stage completes, on the simulation
   * thread, with the simulated time when every timer up to then has fired and the simulation is idle;
   * or exceptionally with a {@link SimulationFailedException} as soon as the simulation fails (at once
   * if it already has).
   */
  public CompletionStage<Long> runUntil(long untilNanos) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    inject(() -> loop.setHorizon(untilNanos, done));
    return done;
  }

  /**
   * Lets the simulation fire every timer before {@code bound} in the order of {@link EventKey} (time, entity,
   * sequence), including those the fired events set below it, and none at or after it; then the clock stands
   * at {@code bound}'s time. A window of the multi-member protocol ends so, and a barrier: every event below
   * the key has run, none above. {@code runUntil(t)} is this with a bound just after every event at {@code t}.
   */
  public CompletionStage<Long> runUntil(EventKey bound) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    inject(() -> loop.setHorizon(bound, done));
    return done;
  }

  /**
   * Lets time advance up to the instant at which this request is admitted (see {@link #inject}), and no
   * further: stopping "now" as the simulation sees it, not at a time read beforehand on another thread.
   */
  public CompletionStage<Long> runUntilNow() {
    CompletableFuture<Long> done = new CompletableFuture<>();
    inject(() -> loop.setHorizon(loop.now(), done));
    return done;
  }

  /**
   * Sets a timer that another member's entity reserved ({@link SimEntity#reserveKey}): {@code message} is told
   * to {@code target} at {@code key}'s time, in {@code key}'s place in the order, as if that entity were here.
   * On the simulation thread; the key must not be in this kernel's past (the window protocol guarantees it:
   * a message between members is due at least one lookahead after it was sent).
   *
   * @throws IllegalStateException for a key before now, which the protocol should have made impossible
   */
  public <T> SimTimer deliverAt(EventKey key, ActorRef<T> target, T message) {
    if (key.time() < now()) {
      throw new IllegalStateException("a delivery at " + key + " came after this member's clock passed it ("
          + now() + " ns): the window protocol let a member run too far");
    }
    SimTimer t = new SimTimer(key.time(), key.entity().intern(), key.sequence(), target, message);
    schedule(t);
    return t;
  }

  /**
   * On the simulation thread: from now on every timer whose target is {@code target} is a barrier of the
   * multi-member protocol (io.domsim.kernel.window.WindowCoordinator): an event that may tell actors of other
   * members at zero time. The operator's member marks the operator's actors so; in one JVM nothing is marked.
   */
  public void barrierTarget(ActorRef<?> target) {
    loop.addBarrierTarget(target);
  }

  /** On the simulation thread: the key of the next barrier event (see {@link #barrierTarget}), or null for none. */
  public EventKey nextBarrier() {
    return loop.nextBarrier();
  }

  /**
   * As {@link #deliverAt}, with an action instead of a message: {@code action} runs on the simulation thread at
   * {@code key}, in its place in the order (what another member's barrier event told actors here at zero time;
   * a failure names {@code owner}). The key must not be in this kernel's past.
   */
  public SimTimer callAt(EventKey key, ActorRef<?> owner, Runnable action) {
    if (key.time() < now()) {
      throw new IllegalStateException("an action at " + key + " came after this member's clock passed it ("
          + now() + " ns): the window protocol let a member run too far");
    }
    SimTimer t = new SimTimer(key.time(), key.entity().intern(), SimTimer.orderKey(key.entity()), key.sequence(),
        owner, action);
    schedule(t);
    return t;
  }

  /**
   * On the simulation thread: the time of the next timer that is not cancelled, or {@link Long#MAX_VALUE} when
   * there is none (what a member reports at the end of a window).
   */
  public long nextTimerTime() {
    return loop.nextTimerTime();
  }

  /** Completes with the run's first failure, as soon as it happens; never if the run does not fail. */
  public CompletionStage<SimulationFailure> whenFailed() {
    return loop.whenFailed();
  }

  /**
   * Ends the run with a failure of {@code actor} (a path, or what else failed) at the current simulated
   * time. Only the first failure counts. Called on the simulation thread.
   */
  void fail(String actor, Throwable cause) {
    loop.fail(actor, cause);
  }

  void schedule(SimTimer timer) {
    loop.schedule(timer);
  }

  void schedule(SimTimer timer, boolean tick) {
    loop.schedule(timer, tick);
  }

  /** Timers fired so far (for benchmarks and progress). */
  public long timersFired() {
    return loop.timersFired();
  }

  /** Tasks (mostly actor mailbox runs) executed so far on the simulation thread. */
  public long tasksRun() {
    return loop.tasksRun();
  }
}
