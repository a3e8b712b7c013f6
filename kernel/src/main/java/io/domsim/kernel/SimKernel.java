package io.domsim.kernel;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated time for one run: the clock, the timer queue and the single simulation thread that runs
 * every simulation actor. Actors never read the wall clock and never use Akka's scheduler for
 * simulated delays; they ask their {@link SimEntity} for {@code now()} and {@code sendAfter}.
 *
 * <p>Anything entering the simulation from outside (the CLI, a test, an HTTP request) goes through
 * {@link #inject}, so that the virtual clock cannot run ahead of it.
 */
public final class SimKernel {
  /** Where Akka finds the simulation dispatcher; every simulation actor must run on it. */
  public static final String DISPATCHER_PATH = "domsim.kernel.sim-dispatcher";

  /** Spawn simulation actors with this, so that they run on the simulation thread. */
  public static final DispatcherSelector DISPATCHER = DispatcherSelector.fromConfig(DISPATCHER_PATH);

  private static final Map<String, SimKernel> REGISTRY = new ConcurrentHashMap<>();
  private static final AtomicLong IDS = new AtomicLong();

  private final String id;
  private final ClockKind clock;
  private final long seed;
  private final SimLoop loop;
  private final AtomicBoolean systemStarted = new AtomicBoolean();

  private SimKernel(ClockKind clock, double speed, long seed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed must be positive, was " + speed);
    }
    this.id = "kernel-" + IDS.incrementAndGet();
    this.clock = clock;
    this.seed = seed;
    this.loop = new SimLoop(clock, speed);
  }

  public static SimKernel create(ClockKind clock, double speed, long seed) {
    SimKernel k = new SimKernel(clock, speed, seed);
    REGISTRY.put(k.id, k);
    return k;
  }

  static SimKernel lookup(String id) {
    SimKernel k = REGISTRY.get(id);
    if (k == null) {
      throw new IllegalStateException("no simulation kernel " + id);
    }
    return k;
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
   */
  public <T> ActorSystem<Void> startSystem(String name, Behavior<T> root, Config config) {
    if (!systemStarted.compareAndSet(false, true)) {
      throw new IllegalStateException("kernel " + id + " already runs an actor system; create one kernel per system");
    }
    Config dispatcher = ConfigFactory.empty()
        .withValue(DISPATCHER_PATH + ".kernel-id", ConfigValueFactory.fromAnyRef(id));
    Config full = dispatcher.withFallback(config).withFallback(ConfigFactory.load());
    Behavior<Void> guardian = Behaviors.setup(ctx -> {
      ctx.spawn(root, "sim", DISPATCHER);
      return Behaviors.empty();
    });
    return ActorSystem.create(guardian, name, full, DISPATCHER);
  }

  public ClockKind clock() {
    return clock;
  }

  public long seed() {
    return seed;
  }

  /** The current simulated time in nanoseconds. Exact on the simulation thread; a recent value elsewhere. */
  public long now() {
    return loop.now();
  }

  /** A named entity whose timers and random numbers are its own. Names must be unique in a run. */
  public SimEntity entity(String name) {
    return new SimEntity(this, name);
  }

  /** Runs {@code action} on the simulation thread at the current simulated instant. */
  public void inject(Runnable action) {
    loop.execute(action);
  }

  /**
   * Lets time advance up to {@code untilNanos} (inclusive). The stage completes, on the simulation
   * thread, with the simulated time when every timer up to then has fired and the simulation is idle.
   */
  public CompletionStage<Long> runUntil(long untilNanos) {
    CompletableFuture<Long> done = new CompletableFuture<>();
    inject(() -> loop.setHorizon(untilNanos, done));
    return done;
  }

  void schedule(SimTimer timer) {
    loop.schedule(timer);
  }

  /** Timers fired so far (for benchmarks and progress). */
  public long timersFired() {
    return loop.timersFired();
  }

  /** Tasks (mostly actor mailbox runs) executed so far on the simulation thread. */
  public long tasksRun() {
    return loop.tasksRun();
  }

  /** Forget this kernel; call after its actor system has terminated. */
  public void close() {
    REGISTRY.remove(id);
  }
}
