package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClockMode;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ScenarioAction;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.hypervisor.ObservationLog;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.kernel.SimulationFailure;
import io.domsim.node.members.MembersMissing;
import io.domsim.node.series.RunSeries;
import io.domsim.node.series.SeriesSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * One cluster run in this JVM: starts the kernel and the actor system, lets simulated time run to the
 * configured duration (or until stopped), gathers the result, and shuts everything down. While it runs,
 * an operator may act on it ({@link #operate}) and look at it ({@link #status}).
 *
 * <p>If anything in the simulated world fails, the run ends at once: {@link #start}, {@link #awaitEnd}
 * and {@link #run} throw {@link SimulationFailedException}, naming the actor, the simulated time and the
 * exception, instead of waiting for an end or a report that will not come.
 */
public final class ClusterRun implements AutoCloseable {
  /** What ends with the run ({@link #endWith}). */
  private final java.util.List<AutoCloseable> companions = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final SimKernel kernel;
  private final ActorSystem<Void> system;
  private final ActorRef<Cluster.Command> cluster;
  private final EventLog events;
  private volatile CompletableFuture<Long> end;
  private volatile boolean stopped;

  private ClusterRun(SimKernel kernel, ActorSystem<Void> system, ActorRef<Cluster.Command> cluster, EventLog events,
      long horizon) {
    this.kernel = kernel;
    this.events = events;
    this.system = system;
    this.cluster = cluster;
    this.end = kernel.runUntil(horizon).toCompletableFuture();
  }

  /**
   * Starts the cluster and lets its clock run towards the configured duration.
   *
   * @param registry where the nodes' meters go; null when nobody would read them (a run without a metrics
   *     endpoint): then there are none, and the samples cost no meter work
   */
  public static ClusterRun start(ClusterSpec spec, MeterRegistry registry) throws InterruptedException {
    return start(spec, registry, null);
  }

  /**
   * As {@link #start(ClusterSpec, MeterRegistry)}, keeping the run's time series in {@code series} (null: none,
   * and the samples cost no series work): every node's samples as they come, every migration's rounds at the
   * end, before {@link #awaitEnd} returns. Guests' rows too with {@code metrics.series.guests}.
   */
  public static ClusterRun start(ClusterSpec spec, MeterRegistry registry, SeriesSink series)
      throws InterruptedException {
    return start(spec, registry, series, ConfigFactory.empty());
  }

  /**
   * As {@link #start(ClusterSpec, MeterRegistry, SeriesSink)}, with {@code akka} over the actor system's
   * configuration (tests run with {@code akka.actor.serialize-messages = on}: every message that may cross
   * members goes through Kryo as if it did).
   */
  public static ClusterRun start(ClusterSpec spec, MeterRegistry registry, SeriesSink series, Config akka)
      throws InterruptedException {
    try {
      return start(spec, registry, series, akka, system -> { });
    } catch (MembersMissing e) {
      throw new IllegalStateException("no start gate, no missing members", e);
    }
  }

  /** What must hold before the simulated clock may move (every member joined); it may throw. */
  public interface StartGate {
    void await(ActorSystem<Void> system) throws MembersMissing, InterruptedException;
  }

  /**
   * As {@link #start(ClusterSpec, MeterRegistry, SeriesSink, Config)}, letting the clock run only once
   * {@code gate} has passed (the driving member of a run over several JVMs waits for the others there). The
   * cluster is set up at simulated time 0 before the gate; nothing happens in simulated time until after it.
   *
   * @throws MembersMissing as the gate throws it, with the actor system shut down
   */
  public static ClusterRun start(ClusterSpec spec, MeterRegistry registry, SeriesSink series, Config akka,
      StartGate gate) throws InterruptedException, MembersMissing {
    return start(spec, registry, series, akka, gate, kernel -> new InvariantMonitor());
  }

  /**
   * As {@link #start(ClusterSpec, MeterRegistry, SeriesSink, Config, StartGate)}, with the run's invariant monitor
   * made by {@code monitor} on the run's kernel (tests give one that records, {@link ObservationLog}).
   */
  static ClusterRun start(ClusterSpec spec, MeterRegistry registry, SeriesSink series, Config akka,
      StartGate gate, Function<SimKernel, InvariantMonitor> monitor) throws InterruptedException, MembersMissing {
    RunSeries runSeries = series == null ? null : new RunSeries(series, spec.metrics().series().guests(),
        SimTime.of(spec.simulation().sampleInterval()));
    ClockKind clock = spec.simulation().clock() == ClockMode.REAL ? ClockKind.REAL : ClockKind.VIRTUAL;
    SimKernel kernel = SimKernel.create(clock, spec.simulation().speed(), spec.simulation().seed());
    CompletableFuture<ActorRef<Cluster.Command>> started = new CompletableFuture<>();
    EventLog events = new EventLog(kernel::now);
    ActorSystem<Void> system = kernel.startSystem("domsim",
        Cluster.create(kernel, spec, registry, runSeries, events, started, monitor.apply(kernel)), akka);
    try {
      ActorRef<Cluster.Command> cluster = await(kernel, started, "the cluster to start");
      gate.await(system);
      return new ClusterRun(kernel, system, cluster, events, SimTime.of(spec.simulation().duration()));
    } catch (RuntimeException | InterruptedException | MembersMissing e) {
      shutdown(system);
      throw e;
    }
  }

  /**
   * Runs a cluster from start to end; {@code progress} gets the simulated time about ten times a second.
   * {@code registry} as for {@link #start}: null for no meters.
   */
  public static RunResult run(ClusterSpec spec, MeterRegistry registry, LongConsumer progress)
      throws InterruptedException {
    try (ClusterRun run = start(spec, registry)) {
      return run.awaitEnd(progress);
    }
  }

  /**
   * Ends {@code companion} with the run: once the clock has reached its end (before the report is gathered), or
   * when the run is closed. A watch that acts on the run (the driver's {@code MemberWatch}) must not act after it.
   */
  public void endWith(AutoCloseable companion) {
    companions.add(companion);
  }

  private void closeCompanions() {
    for (AutoCloseable c : companions) {
      try {
        c.close();
      } catch (Exception e) {
        // a companion that cannot close is not the run's failure
      }
    }
    companions.clear();
  }

  /** The simulated time now, in nanoseconds. */
  public long now() {
    return kernel.now();
  }

  /** Migrates a guest or fails a node now, as the operator. */
  public CompletableFuture<String> operate(ScenarioAction action) {
    CompletableFuture<String> reply = new CompletableFuture<>();
    kernel.inject(() -> cluster.tell(new Cluster.Operate(action, reply)));
    return reply;
  }

  /** The cluster as the console shows it now: nodes, domains (Dom0s and guests, gone ones too), migrations. */
  public CompletableFuture<ConsoleView> inspect() {
    CompletableFuture<ConsoleView> reply = new CompletableFuture<>();
    kernel.inject(() -> cluster.tell(new Cluster.Inspect(reply)));
    return reply;
  }

  /**
   * From now on each event of the run (a migration's start and end, a node's failure, recovery or power
   * change, a guest's lifecycle) goes to {@code sink} as one line with its simulated time. Called on the
   * simulation's thread.
   */
  public void listen(java.util.function.Consumer<String> sink) {
    events.listen(sink);
  }

  public CompletableFuture<Cluster.Status> status() {
    CompletableFuture<Cluster.Status> reply = new CompletableFuture<>();
    kernel.inject(() -> cluster.tell(new Cluster.GetStatus(reply)));
    return reply;
  }

  /** Ends the run at the current simulated time instead of the configured duration. */
  public void stop() {
    stopped = true;
    end = kernel.runUntilNow().toCompletableFuture();
  }

  /**
   * Waits until the clock has reached the end (or {@link #stop}), then gathers the result.
   *
   * @throws SimulationFailedException as soon as something in the simulated world fails
   */
  public RunResult awaitEnd(LongConsumer progress) throws InterruptedException {
    while (true) {
      CompletableFuture<Long> current = end;
      progress.accept(kernel.now());
      try {
        current.get(100, TimeUnit.MILLISECONDS);
        if (current == end) {
          break;
        }
      } catch (TimeoutException e) {
        // not yet: report progress again
      } catch (ExecutionException e) {
        if (e.getCause() instanceof SimulationFailedException failed) {
          throw new SimulationFailedException(failed.failure());
        }
        if (!stopped) {
          throw new IllegalStateException("the simulation loop failed", e.getCause());
        }
        // superseded by stop(): wait for the new end
      }
    }
    progress.accept(kernel.now());
    closeCompanions();
    CompletableFuture<RunResult> result = new CompletableFuture<>();
    kernel.inject(() -> cluster.tell(new Cluster.Finish(result)));
    Double lag = kernel.clock() == ClockKind.REAL ? kernel.maxLagNanos() / 1e9 : null;
    return await(kernel, result, "the final report").withKernelMeasures(kernel.timersFired(), lag);
  }

  @Override
  public void close() {
    closeCompanions();
    shutdown(system);
  }

  private static void shutdown(ActorSystem<Void> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      // The run is over; a slow shutdown is not the user's problem.
    }
  }

  /**
   * Waits for an answer from the simulated world, or for its failure, which means no answer will come.
   * The time limit only guards against a lost reply (a bug), not against a failed actor.
   */
  private static <T> T await(SimKernel kernel, CompletableFuture<T> f, String what) throws InterruptedException {
    CompletableFuture<SimulationFailure> failed = kernel.whenFailed().toCompletableFuture();
    try {
      CompletableFuture.anyOf(f, failed).get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalStateException("failed waiting for " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out waiting for " + what);
    }
    if (failed.isDone()) {
      throw new SimulationFailedException(failed.join());
    }
    return f.join();
  }
}
