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
import io.domsim.node.series.SeriesMerger;
import io.domsim.node.series.SeriesSink;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.kernel.window.WindowCoordinator;
import io.domsim.kernel.window.WindowLink;
import io.domsim.kernel.window.WindowedMember;
import java.util.SortedMap;
import java.util.TreeMap;
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
  /** Over members on the virtual clock: how long the windows may stand still ({@link io.domsim.node.members.StallWatch}). */
  private volatile java.time.Duration stallLimit = io.domsim.node.members.StallWatch.LIMIT;

  /** For tests: a shorter stall limit. */
  void stallLimit(java.time.Duration limit) {
    stallLimit = limit;
  }

  /** Over members: the setup is over, and the windows have begun (a member lost before fails the run). */
  private volatile boolean windowsBegun;
  /** Over members, the driver's part (see {@link #startOverMembers}); null in one JVM. */
  private final OverMembers overMembers;

  /** The driver's side of a run whose nodes the members host. */
  private record OverMembers(WindowedMember member, SortedMap<String, ActorRef<MemberHost.Command>> hosts,
      ObservationLog log, io.domsim.kernel.SimEntity console, WindowLink.Links links, MemberRecords records,
      java.util.SortedMap<String, String> memberOfNode, RunSeries series, SeriesMerger merger) {}

  private ClusterRun(SimKernel kernel, ActorSystem<Void> system, ActorRef<Cluster.Command> cluster, EventLog events,
      long horizon) {
    this(kernel, system, cluster, events, kernel.runUntil(horizon).toCompletableFuture(), null);
  }

  private ClusterRun(SimKernel kernel, ActorSystem<Void> system, ActorRef<Cluster.Command> cluster, EventLog events,
      CompletableFuture<Long> end, OverMembers overMembers) {
    this.kernel = kernel;
    this.events = events;
    this.system = system;
    this.cluster = cluster;
    this.end = end;
    this.overMembers = overMembers;
  }

  /**
   * Drives a run whose nodes are hosted by the members of {@code spec}'s {@code domsim.cluster.members}
   * (docs/architecture.md, "Members"), on the virtual clock: this process is the first member; it waits at {@code
   * gate} until every member is up, has the others' hosts spawn their nodes, sets the cluster up at time 0 (its
   * own nodes, the reports in, the guests placed) and then runs the window protocol with the others
   * ({@link WindowLink} over Akka), up to the configured duration. At the end it gathers every member's facts and
   * events: the report is the one JVM's. A serving member whose simulation fails, or which is lost, fails the run.
   *
   * @param akka this member's Akka configuration (an Akka Cluster node, {@code MemberAkka})
   */
  public static ClusterRun startOverMembers(ClusterSpec spec, MeterRegistry registry, SeriesSink series, Config akka,
      StartGate gate) throws InterruptedException, MembersMissing {
    return startOverMembers(spec, registry, series, akka, gate, run -> { });
  }

  /**
   * As the other, handing the run to {@code made} as soon as it exists, before the members' setup: a member lost
   * during the setup ({@link #memberLost}, from the driver's watch, started there) then fails the run at once instead
   * of leaving the driver waiting for nodes that will never report in.
   */
  public static ClusterRun startOverMembers(ClusterSpec spec, MeterRegistry registry, SeriesSink series, Config akka,
      StartGate gate, java.util.function.Consumer<ClusterRun> made) throws InterruptedException, MembersMissing {
    io.domsim.config.MembersSpec members = spec.members();
    String driver = members.driver().name();
    long end = SimTime.of(spec.simulation().duration());
    SimKernel kernel = memberKernel(spec);
    // The driver's own rows are keyed as the others', and every member's are merged into one JVM's order.
    RunSeries runSeries = series == null ? null : RunSeries.keyed(spec.metrics().series().guests(),
        SimTime.of(spec.simulation().sampleInterval()), kernel::currentEvent);
    SeriesMerger merger = series == null ? null : new SeriesMerger(series);
    if (merger != null) {
      runSeries.goOnFrom(merger::lastRow);
    }
    WindowLink.Links links = new WindowLink.Links();
    WindowedMember member = new WindowedMember(driver, kernel, links);
    WindowCoordinator coordinator = new WindowCoordinator(members.names(), SimTime.of(spec.network().latency()), end);
    CompletableFuture<Long> ended = new CompletableFuture<>();
    CompletableFuture<ActorRef<MembersLayout>> root = new CompletableFuture<>();
    CompletableFuture<ActorRef<Cluster.Command>> started = new CompletableFuture<>();
    ObservationLog log = ObservationLog.of(kernel);
    MemberRecords records = new MemberRecords(merger);
    EventLog events = new EventLog(kernel::now);
    // The cluster is made once every member is up: its setup spawns the others' nodes.
    ActorSystem<Void> system = kernel.startSystem(io.domsim.node.members.MemberAkka.SYSTEM,
        Behaviors.<MembersLayout>setup(ctx -> {
          root.complete(ctx.getSelf());
          return Behaviors.receiveMessage(layout -> {
            kernel.spawn(ctx, Cluster.create(kernel, spec, registry, runSeries, events, started,
                InvariantMonitor.recordOnly(log), layout), "cluster");
            return Behaviors.ignore();
          });
        }), akka);
    try {
      ActorRef<WindowLink.Command> ownLink = system.systemActorOf(WindowLink.create(member, coordinator, links,
          failed -> ended.completeExceptionally(new SimulationFailedException(new SimulationFailure("member "
              + failed.member(), -1, new IllegalStateException(failed.failure())))), records::add),
          io.domsim.node.members.MemberAkka.WINDOW_LINK,
          Props.empty());
      gate.await(system);
      ActorRefResolver resolver = ActorRefResolver.get(system);
      TreeMap<String, ActorRef<MemberHost.Command>> hosts = new TreeMap<>();
      for (io.domsim.config.MemberSpec m : members.members()) {
        if (!m.name().equals(driver)) {
          hosts.put(m.name(), resolver.resolveActorRef(io.domsim.node.members.MemberAkka.address(m) + "/user/sim"));
        }
      }
      links.set(system, io.domsim.node.members.MemberAkka.windowLinks(system, members, members.driver(), ownLink),
          driver);
      CompletableFuture<Void> setUp = new CompletableFuture<>();
      await(kernel, root, "the driver's root").tell(new MembersLayout(driver, driver, members.memberOfNode(), member,
          hosts, setUp));
      ActorRef<Cluster.Command> cluster = await(kernel, started, "the cluster to start");
      io.domsim.kernel.SimEntity console = kernel.entity("console");
      ClusterRun run = new ClusterRun(kernel, system, cluster, events, ended, new OverMembers(member, hosts, log,
          console, links, records, members.memberOfNode(), runSeries, merger));
      made.accept(run);
      try {
        await(kernel, CompletableFuture.anyOf(setUp, ended), "every member's nodes to report in");
      } catch (IllegalStateException e) {
        if (e.getCause() instanceof SimulationFailedException failed) {
          throw new SimulationFailedException(failed.failure()); // a serving member failed in the setup
        }
        throw e;
      }
      member.onLoss((lost, lastWindow) -> {
        if (merger != null) {
          merger.lose(lost, lastWindow);
        }
        lostAtBoundary(member, console, cluster, lost, lastWindow);
      });
      if (merger != null) {
        // At each of its reports: its own rows of the window, and every member's of the window before, all in by now
        // (this window was granted once every report of the one before had come, after its records), up to where the
        // driver's clock stood at the end of that window.
        long[] endOfLast = {Long.MIN_VALUE};
        member.record(window -> {
          merger.add(driver, window, runSeries.drain());
          merger.writeThrough(window - 1, endOfLast[0]);
          endOfLast[0] = kernel.now();
          return java.util.List.of();
        });
      }
      run.windowsBegun = true; // from here a lost member is left behind (WindowCoordinator.lose)
      hosts.keySet().forEach(links::begin);
      member.start();
      member.ended().whenComplete((t, failure) -> {
        if (failure != null) {
          ended.completeExceptionally(failure);
        } else {
          ended.complete(t);
        }
      });
      return run;
    } catch (RuntimeException | InterruptedException | MembersMissing e) {
      shutdown(system);
      throw e;
    }
  }

  /**
   * A member's kernel: windows run past the guests' phases (they send nothing across members); on the real clock
   * every window is paced from the first one's wall instant, so that waiting for grants does not pile up as lag.
   */
  public static SimKernel memberKernel(ClusterSpec spec) {
    boolean real = spec.simulation().clock() == ClockMode.REAL;
    SimKernel kernel = SimKernel.create(real ? ClockKind.REAL : ClockKind.VIRTUAL, spec.simulation().speed(),
        spec.simulation().seed());
    kernel.trackSendingTimers();
    if (real) {
      kernel.keepPaceAcrossHorizons();
    }
    return kernel;
  }

  /**
   * Over members: serving member {@code member} is gone for good (its process died, or the network to it; the
   * driver's watch has taken it out of the cluster). The windows go on without it ({@link WindowCoordinator#lose}:
   * what it sent after the last window its report counted in is dropped everywhere), and at the end of the first window
   * that leaves it out, as one of the operator's events, its nodes fail ({@link Cluster.MemberLost}): their guests are
   * lost and their migrations end by the protocol's rules. Lost in its setup, before the windows began, it fails the
   * run ({@code sentence} says why).
   */
  public void memberLost(String member, String sentence) {
    if (overMembers == null) {
      return;
    }
    if (!windowsBegun) {
      end.completeExceptionally(new SimulationFailedException(new SimulationFailure("member " + member, now(),
          new IllegalStateException(sentence + "; it was lost while the run was being set up"))));
      return;
    }
    overMembers.links().lose(member); // the driver's member then hears of it (lostAtBoundary)
  }

  /**
   * On the driver's simulation thread, once its coordinator has decided that {@code member} is lost after {@code
   * lastWindow}: its nodes fail at the end of window lastWindow + 2, the first window that leaves it out (whose grants
   * the driver's member cannot have had yet), as one of the operator's events: a boundary the protocol fixes, so that
   * the same loss gives the same run.
   */
  private static void lostAtBoundary(WindowedMember driver, io.domsim.kernel.SimEntity console,
      ActorRef<Cluster.Command> cluster, String member, long lastWindow) {
    driver.atEndOfWindow(lastWindow + 2, new WindowedMember.BoundaryAction() {
      @Override public void at(long boundaryNanos) {
        console.sendAt(boundaryNanos, cluster, new Cluster.MemberLost(member, "its process died, or the network to it"
            + " is down"));
      }

      @Override public void tooLate() {
        // The run ended first: the report stands as it was (the lost member's facts up to its last report count).
      }
    });
  }

  /**
   * Over members, after the end: how many windows the members ran (each one round trip through the driver) and how
   * many of them were the operator's barriers.
   */
  public String windowsSummary() {
    return overMembers == null ? "one JVM: no windows" : String.format(java.util.Locale.ROOT,
        "%,d windows over %d members, %,d of them the operator's barriers", overMembers.member().windows(),
        overMembers.hosts().size() + 1, overMembers.member().barriersRun());
  }

  /** Whether the members host the nodes (live operations then come in at the next window boundary). */
  public boolean overMembers() {
    return overMembers != null;
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
    ClockKind clock = spec.simulation().clock() == ClockMode.REAL ? ClockKind.REAL : ClockKind.VIRTUAL;
    SimKernel kernel = SimKernel.create(clock, spec.simulation().speed(), spec.simulation().seed());
    RunSeries runSeries = series == null ? null : new RunSeries(series, spec.metrics().series().guests(),
        SimTime.of(spec.simulation().sampleInterval()), kernel::currentEvent);
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
    if (overMembers != null) {
      // Over members it comes in at the driver's next window boundary, as one of the operator's events (a barrier):
      // every member has run every event before it, and its orders reach their nodes at their place in the order.
      overMembers.member().atNextBoundary(new WindowedMember.BoundaryAction() {
        @Override public void at(long boundaryNanos) {
          overMembers.console().sendAt(boundaryNanos, cluster, new Cluster.Operate(action, reply));
        }

        @Override public void tooLate() {
          reply.completeExceptionally(new OperationRefused(null, "the run has ended"));
        }
      });
      return reply;
    }
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
    if (overMembers != null) {
      // Every member ends at the next boundary, through the window protocol (the run's end then comes as at the
      // configured end): stopping the driver's kernel alone left the others running, or let the next grant run the
      // driver's clock on under the end's gathering, whose tells to other members' nodes then failed the run.
      overMembers.links().stop();
      return;
    }
    end = kernel.runUntilNow().toCompletableFuture();
  }

  /**
   * Waits until the clock has reached the end (or {@link #stop}), then gathers the result.
   *
   * @throws SimulationFailedException as soon as something in the simulated world fails
   */
  public RunResult awaitEnd(LongConsumer progress) throws InterruptedException {
    io.domsim.node.members.StallWatch stall = overMembers != null && kernel.clock() == ClockKind.VIRTUAL
        ? new io.domsim.node.members.StallWatch(stallLimit) : null;
    while (true) {
      CompletableFuture<Long> current = end;
      progress.accept(kernel.now());
      String stalled = stall == null ? null : stall.check(overMembers.member().windows(), System.nanoTime());
      if (stalled != null) {
        end.completeExceptionally(new SimulationFailedException(new SimulationFailure("the members' windows", now(),
            new IllegalStateException(stalled))));
      }
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
        if (!stopped || overMembers != null) {
          // (Over members a stop does not replace the end: one that failed would be waited for again, forever.)
          throw new IllegalStateException("the simulation loop failed", e.getCause());
        }
        // Superseded by stop(), which may not have stored the new end yet (the loop supersedes the old one as soon
        // as stop() asks for the new horizon): wait for it.
        Thread.sleep(1);
      }
    }
    progress.accept(kernel.now());
    closeCompanions();
    CompletableFuture<RunResult> result = new CompletableFuture<>();
    kernel.inject(() -> cluster.tell(new Cluster.Finish(result)));
    Double lag = kernel.clock() == ClockKind.REAL ? kernel.maxLagNanos() / 1e9 : null;
    RunResult r = await(kernel, result, "the final report");
    if (overMembers == null) {
      return r.withKernelMeasures(kernel.timersFired(), lag);
    }
    return r.withKernelMeasures(gatherOverMembers(), lag);
  }

  /** Facts asked of a member at a time: about 100 bytes each on the wire, one or two of the links' parts. */
  static final int GATHER_FACTS = 1000;

  /**
   * Over members, at the end: every member's facts merged and checked as one monitor would have (a violation fails
   * the run), and the run's events (every member's timers, less the barrier batches one JVM does not have).
   */
  private long gatherOverMembers() throws InterruptedException {
    java.util.List<java.util.List<ObservationLog.Entry>> logs = new java.util.ArrayList<>();
    CompletableFuture<java.util.List<ObservationLog.Entry>> own = new CompletableFuture<>();
    long[] events = new long[1];
    kernel.inject(() -> {
      events[0] = kernel.timersFired() - overMembers.member().barrierBatchesFired();
      own.complete(overMembers.log().entries());
    });
    java.util.SortedMap<String, Long> lost = overMembers.member().lost();
    // The halts of a lost member's nodes were recorded here, where they were failed: they go with that member's facts
    // (a node's facts come from one log).
    java.util.SortedMap<String, String> memberOfNode = overMembers.memberOfNode();
    java.util.List<ObservationLog.Entry> driverFacts = new java.util.ArrayList<>();
    TreeMap<String, java.util.List<ObservationLog.Entry>> haltsOfLost = new TreeMap<>();
    for (ObservationLog.Entry e : await(kernel, own, "the driver's facts")) {
      String m = memberOfNode.get(e.observation().node());
      if (m != null && lost.containsKey(m)) {
        haltsOfLost.computeIfAbsent(m, x -> new java.util.ArrayList<>()).add(e);
      } else {
        driverFacts.add(e);
      }
    }
    logs.add(driverFacts);
    for (var host : overMembers.hosts().entrySet()) {
      if (lost.containsKey(host.getKey())) {
        // What it recorded up to the last window its report counted in; its events are lost with it.
        java.util.List<ObservationLog.Entry> facts = overMembers.records().upTo(host.getKey(),
            lost.get(host.getKey()));
        facts.addAll(haltsOfLost.getOrDefault(host.getKey(), java.util.List.of()));
        logs.add(facts);
        continue;
      }
      // What it sent with its reports, then the rest (its last window's).
      java.util.List<ObservationLog.Entry> facts = new java.util.ArrayList<>(overMembers.records().all(host.getKey()));
      MemberHost.Gathered g = gatherPages(host.getKey(), host.getValue(), "facts", facts.size(),
          (from, replyTo) -> new MemberHost.Gather(from, GATHER_FACTS, replyTo), page -> facts.addAll(page.observations()));
      logs.add(facts);
      events[0] += g.events();
    }
    if (overMembers.merger() != null) {
      gatherSeries(lost);
    }
    ObservationLog.Verdict verdict = ObservationLog.replay(ObservationLog.merge(logs));
    if (!verdict.holds()) {
      throw new SimulationFailedException(new SimulationFailure("invariant monitor", verdict.violation().atNanos(),
          verdict.violation()));
    }
    return events[0];
  }

  /** Rows asked of a member at a time at the end: about 150 bytes each on the wire. */
  static final int GATHER_ROWS = 20_000;

  /**
   * Over members, at the end: the rest of every member's time series (the rows made after its last report, those
   * that close the run) merged with what came with the reports, then the rounds; a lost member has none left.
   */
  private void gatherSeries(java.util.SortedMap<String, Long> lost) throws InterruptedException {
    java.util.List<java.util.List<io.domsim.node.series.KeyedRow>> tails = new java.util.ArrayList<>();
    java.util.List<java.util.List<io.domsim.node.series.SeriesRow>> closings = new java.util.ArrayList<>();
    CompletableFuture<Long> endNanos = new CompletableFuture<>();
    kernel.inject(() -> {
      tails.add(overMembers.series().drain());
      closings.add(overMembers.series().closing()); // closed by the cluster's result
      endNanos.complete(kernel.now());
    });
    long end = await(kernel, endNanos, "the driver's series");
    for (var host : overMembers.hosts().entrySet()) {
      if (lost.containsKey(host.getKey())) {
        continue;
      }
      java.util.List<io.domsim.node.series.KeyedRow> rows = new java.util.ArrayList<>();
      java.util.List<io.domsim.node.series.SeriesRow> closing = new java.util.ArrayList<>();
      this.<MemberHost.GatheredSeries>gatherPages(host.getKey(), host.getValue(), "rows", 0,
          (from, replyTo) -> new MemberHost.GatherSeries(end, from, GATHER_ROWS, replyTo), page -> {
            rows.addAll(page.rows());
            closing.addAll(page.closing());
          });
      tails.add(rows);
      closings.add(closing);
    }
    overMembers.merger().end(tails, closings, overMembers.series().rounds());
  }

  /**
   * Asks {@code member}'s host for what it has from index {@code first} on, a page at a time ({@code ask} from where
   * and to whom), each page to {@code take}, until it has all ({@code total}) or a page is empty; the last page.
   */
  private <P extends MemberHost.Page> P gatherPages(String member, ActorRef<MemberHost.Command> host, String what,
      int first, java.util.function.BiFunction<Integer, ActorRef<P>, MemberHost.Command> ask,
      java.util.function.Consumer<P> take) throws InterruptedException {
    int got = first;
    P page;
    do {
      int from = got;
      page = await(kernel, AskPattern.<MemberHost.Command, P>ask(host, replyTo -> ask.apply(from, replyTo),
          java.time.Duration.ofSeconds(60), system.scheduler()).toCompletableFuture(), "the " + what + " of member "
          + member);
      if (page.from() != from) {
        throw new IllegalStateException(member + " answered " + what + " from " + page.from() + " when asked from "
            + from + " (it has " + page.total() + ")");
      }
      take.accept(page);
      got += page.size();
    } while (got < page.total() && page.size() > 0);
    return page;
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
