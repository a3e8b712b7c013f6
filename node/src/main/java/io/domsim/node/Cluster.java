package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.config.ScenarioAction;
import io.domsim.dom0.Dom0;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import io.domsim.migration.net.Fabric;
import io.domsim.node.series.RunSeries;
import io.domsim.scheduler.Consolidator;
import io.domsim.scheduler.PoolMaster;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One run of a cluster, as an actor shell: it boots the cluster and starts its guests
 * ({@link ClusterWiring}), plays the scenario timeline and the live operator's requests ({@link Operator},
 * which keeps the {@link MigrationLedger}), and at the end gathers every node's snapshot and the
 * migrations still in flight for the report ({@link ReportBuilder}). It stands outside the simulated
 * network: it is the operator at the console, not a node.
 */
public final class Cluster extends AbstractBehavior<Cluster.Command> {

  /**
   * SameMember: the CLI's requests carry futures, and the rest are its own timers and its adapters' wrappings;
   * what the nodes send it crosses as the adapters' message types.
   */
  public sealed interface Command extends SameMember {}

  /** Gather every node's figures as of now and complete {@code result}. Inject at the end of the run. */
  public record Finish(CompletableFuture<RunResult> result) implements Command {}

  /**
   * The operator, live (domsim launch): migrate a guest, fail a node, recover a failed one, cut a node off
   * or degrade its link, now. Answers the migration's id ("m4"), or the node's name; completes
   * exceptionally with a sentence when a name is unknown (IllegalArgumentException), or with
   * {@link OperationRefused} when the operator or the source's Dom0 refuses at once (a migration, a
   * recover of a node that has not failed, a second partition of a node already cut off).
   */
  public record Operate(ScenarioAction action, CompletableFuture<String> reply) implements Command {}

  /** The cluster as the console shows it now (domsim list, info, top, migrate --wait). */
  public record Inspect(CompletableFuture<ConsoleView> reply) implements Command {}

  /**
   * Over members: serving member {@code member} is lost for good ({@code why}): its nodes fail now, as the operator's
   * event at a window boundary ({@link ClusterRun#memberLost}); nothing reaches them any more, and they cannot be
   * recovered or switched on in this run.
   */
  public record MemberLost(String member, String why) implements Command {}

  /** A snapshot of the run so far, for the live status endpoint. */
  public record GetStatus(CompletableFuture<Status> reply) implements Command {}

  /**
   * Where things stand: simulated time, where each running guest is, every migration requested, and the
   * guests that no longer run (lost, destroyed, shut down, never started), each with how.
   */
  public record Status(double simulatedSeconds, Map<String, String> guestLocations,
      List<MigrationRecord> finishedMigrations, List<String> migrationsInFlight, Map<String, String> guestsGone) {}

  private record NodeBooted(Node.Booted booted) implements Command {}

  private record PoolEndpointReady(Dom0.PoolEndpoint endpoint) implements Command {}

  private record PinnedCreated(Dom0.CreateResult result) implements Command {}

  private record Placed(PoolMaster.Outcome outcome) implements Command {}

  private record ScenarioStep(int index) implements Command {}

  /** A fault with a duration is over (a cut heals, a degraded link is restored). */
  private record FaultEnds(ScenarioAction fault) implements Command {}

  private record SnapshotReady(Node.NodeSnapshot snapshot) implements Command {}

  private record MigrationEnded(MigrationRecord record) implements Command {}

  private record InFlightReported(Dom0.InFlight inFlight) implements Command {}

  /** A consolidation round's decisions, from the pool master's node. */
  private record ConsolidationOrders(Consolidator.Orders orders) implements Command {}

  /** A node has booted after a power-on. */
  private record PoweredOnReply(Node.PoweredOn on) implements Command {}

  /** A node's shutdown is over: it is off. */
  private record ShutdownOver(String node) implements Command {}

  /** The instant of a live migrate request has settled: the source's Dom0 has refused it or begun it. */
  private record Settled(String id) implements Command {}

  /** The destination of a migration has taken it: a live request for it is settled. */
  private record Accepted(io.domsim.dom0.MigrationAccepted accepted) implements Command {}

  /** A Dom0's answer to a lifecycle verb (destroy, pause, unpause, shutdown). */
  private record LifecycleReplied(Dom0.LifecycleResult result) implements Command {}


  /** How long a live migrate request waits for the destination's answer before it is left pending. */
  static final long SETTLE_NANOS = SimTime.seconds(1);

  private final SimKernel kernel;
  private final ClusterSpec spec;
  private final SimEntity scenario;
  private final long latencyNanos;
  private final Operator operator;
  private final ClusterWiring wiring;
  private final ActorRef<MigrationRecord> migrationReports;
  private final Map<String, Node.NodeSnapshot> snapshots = new TreeMap<>();
  /**
   * Over members, the nodes of lost members: failed, with the guests they had then, crashed, and no figures (those
   * went with the member's process).
   */
  private final Map<String, Node.NodeSnapshot> lostNodes = new TreeMap<>();
  private CompletableFuture<RunResult> finishing;
  /** The run's time series; null when it keeps none. */
  private final RunSeries series;
  /** Live migrate requests waiting for their instant to settle, by migration id. */
  private final Map<String, CompletableFuture<String>> unsettled = new TreeMap<>();
  /** Decisions that wait on a node's power (consolidation's, a create's). */
  private final PowerOrders powerOrders;
  /** Live Dom0s yet to report their in-flight migrations at the end. */
  private int inFlightOutstanding;
  private final ActorRef<Dom0.LifecycleResult> lifecycleReplies;
  private final ActorRef<io.domsim.dom0.MigrationAccepted> acceptedReplies;
  private final LinkFaultOrders faults;
  /** The console's questions' actor, made at the first question (a run nobody inspects has none). */
  private ActorRef<Inspector.Command> inspector;
  /** Where Dom0s answer creates and the pool master placements: one adapter per message class, as Akka keeps. */
  private final ActorRef<Dom0.CreateResult> createReplies;
  private final ActorRef<PoolMaster.Outcome> placementReplies;
  private final ActorRef<Node.PoweredOn> poweredOnReplies;
  /** Live lifecycle verbs waiting for their Dom0's answer, by guest (one verb at a time per guest). */
  private final Map<String, CompletableFuture<String>> unansweredVerbs = new TreeMap<>();

  private Cluster(ActorContext<Command> ctx, SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      RunSeries series, EventLog events, CompletableFuture<ActorRef<Command>> started, InvariantMonitor monitor,
      MembersLayout layout) {
    super(ctx);
    this.series = series;
    this.kernel = kernel;
    this.spec = spec;
    this.scenario = kernel.entity("scenario");
    this.latencyNanos = SimTime.of(spec.network().latency());
    Plugins plugins = Plugins.onClassPath();
    MigrationPlugins migrationPlugins = new MigrationPlugins(plugins.algorithms(), plugins.stopRules(),
        spec.settings(), spec.migration());
    this.operator = new Operator(spec.guests(), migrationPlugins, events);
    this.migrationReports = ctx.messageAdapter(MigrationRecord.class, MigrationEnded::new);
    this.lifecycleReplies = ctx.messageAdapter(Dom0.LifecycleResult.class, LifecycleReplied::new);
    this.acceptedReplies = ctx.messageAdapter(io.domsim.dom0.MigrationAccepted.class, Accepted::new);
    // Akka keeps one message adapter per class (a second replaces the first): the guests created during the
    // run are answered through the same two as the configured ones, and told apart by the operator.
    this.createReplies = ctx.messageAdapter(Dom0.CreateResult.class, PinnedCreated::new);
    this.placementReplies = ctx.messageAdapter(PoolMaster.Outcome.class, Placed::new);
    this.poweredOnReplies = ctx.messageAdapter(Node.PoweredOn.class, PoweredOnReply::new);
    ActorRef<Consolidator.Orders> orders = ctx.messageAdapter(Consolidator.Orders.class, ConsolidationOrders::new);
    if (layout != null) {
      // Over members every event of the operator is a barrier: its own timers, and the nodes' reports reaching it.
      for (ActorRef<?> operatorRef : List.of(ctx.getSelf(), migrationReports, lifecycleReplies, acceptedReplies,
          createReplies, placementReplies, poweredOnReplies, orders)) {
        kernel.barrierTarget(operatorRef);
      }
    }
    this.wiring = new ClusterWiring(ctx, kernel, spec, registry, series, operator, new ClusterWiring.Replies(
        ctx.messageAdapter(Node.Booted.class, NodeBooted::new),
        ctx.messageAdapter(Dom0.PoolEndpoint.class, PoolEndpointReady::new), createReplies, placementReplies,
        orders), plugins, migrationPlugins, monitor, layout);
    this.faults = new LinkFaultOrders(wiring, (delay, fault) -> scenario.sendAfter(delay, ctx.getSelf(),
        new FaultEnds(fault)));
    this.powerOrders = new PowerOrders(operator, spec.nodes(),
        io.domsim.hypervisor.CostSettings.from(spec.settings()).domainOverheadBytes(), new PowerOrders.Hands() {
          @Override public Optional<String> power(ScenarioAction action, RunResult.Origin by) {
            return Cluster.this.power(action, by);
          }
          @Override public void migrate(String guest, String node) {
            requestMigration(new ScenarioAction.Migrate(now(), guest, node, Optional.empty(), Optional.empty()),
                RunResult.Origin.CONSOLIDATION);
          }
          @Override public void create(String node, io.domsim.config.GuestSpec guest) {
            wiring.plane().tell(node, wiring.dom0s().get(node), new Dom0.CreateGuest(guest, createReplies));
          }
          @Override public java.time.Duration now() { return java.time.Duration.ofNanos(kernel.now()); }
        });
    List<ScenarioAction> actions = spec.scenario();
    for (int i = 0; i < actions.size(); i++) {
      scenario.sendAt(SimTime.of(actions.get(i).at()), ctx.getSelf(), new ScenarioStep(i));
    }
    started.complete(ctx.getSelf());
  }

  /**
   * @param started completes with the cluster's reference once its nodes are spawned: only then may
   *     the clock run, or it would run ahead of the cluster's own setup
   * @param series where the nodes' samples and the migrations' rounds go; null for no series
   */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      RunSeries series, EventLog events, CompletableFuture<ActorRef<Command>> started) {
    return create(kernel, spec, registry, series, events, started, new InvariantMonitor());
  }

  /** As the other, with {@code monitor} as the run's invariant monitor (one that records, in tests). */
  static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      RunSeries series, EventLog events, CompletableFuture<ActorRef<Command>> started, InvariantMonitor monitor) {
    return create(kernel, spec, registry, series, events, started, monitor, null);
  }

  /**
   * As the other, on the driving member of a run spread over members ({@code layout}; null in one JVM): it hosts
   * this member's nodes and addresses the others' through their members.
   */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      RunSeries series, EventLog events, CompletableFuture<ActorRef<Command>> started, InvariantMonitor monitor,
      MembersLayout layout) {
    // A failure in the setup fails the run, which the driver waits for too.
    return Behaviors.setup(ctx -> new Cluster(ctx, kernel, spec, registry, series, events, started, monitor,
        layout));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeBooted.class, m -> wired(() -> wiring.booted(m.booted())))
        .onMessage(PoolEndpointReady.class, m -> wired(() -> wiring.poolEndpointReady(m.endpoint())))
        .onMessage(PinnedCreated.class, this::onCreated)
        .onMessage(Placed.class, this::onPlaced)
        .onMessage(ScenarioStep.class, this::onScenarioStep)
        .onMessage(FaultEnds.class, m -> wired(() -> faults.end(m.fault())))
        .onMessage(Finish.class, this::onFinish)
        .onMessage(Operate.class, this::onOperate)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(SnapshotReady.class, this::onSnapshot)
        .onMessage(MigrationEnded.class, this::onMigrationEnded)
        .onMessage(InFlightReported.class, this::onInFlight)
        .onMessage(Settled.class, m -> settle(m.id()))
        .onMessage(Accepted.class, m -> {
          operator.migrationAccepted(m.accepted().id());
          return settle(m.accepted().id());
        })
        .onMessage(Inspect.class, this::onInspect)
        .onMessage(MemberLost.class, this::onMemberLost)
        .onMessage(LifecycleReplied.class, this::onLifecycleReplied)
        .onMessage(PoweredOnReply.class, this::onPoweredOn)
        .onMessage(ConsolidationOrders.class, this::onConsolidationOrders)
        .onMessage(ShutdownOver.class, m -> {
          operator.poweredOff(m.node());
          return this;
        })
        .build();
  }

  /** A guest's start on its own node: a created guest's is the operator's business, a configured one's the wiring's. */
  private Behavior<Command> onCreated(PinnedCreated m) {
    Dom0.CreateResult r = m.result();
    if (operator.lifecycle().createdAt(r.guest()).isPresent()) {
      operator.createAnswered(r.guest(), r instanceof Dom0.GuestStarted st ? st.node() : null,
          r instanceof Dom0.GuestRefused ref ? ref.reason() : null, SimTime.toSeconds(r.atNanos()));
    } else {
      wiring.pinnedCreated(r);
    }
    return this;
  }

  /** The pool master's placements: of created guests (placed one request each) or of the configured ones. */
  private Behavior<Command> onPlaced(Placed m) {
    List<PoolMaster.Placed> placements = m.outcome().placements();
    if (placements.size() == 1 && operator.lifecycle().createdAt(placements.get(0).guest()).isPresent()) {
      PoolMaster.Placed p = placements.get(0);
      if (p.node().isEmpty() && powerOrders.powerOnFor(operator.guests().get(p.guest()).spec())) {
        return this; // it starts there once the node has booted
      }
      operator.createAnswered(p.guest(), p.node().orElse(null), p.reason(),
          SimTime.toSeconds(m.outcome().atNanos()));
    } else {
      wiring.placed(m.outcome());
    }
    return this;
  }

  /** Boot and guest start: the wiring's business. */
  private Behavior<Command> wired(Runnable step) {
    step.run();
    return this;
  }

  private Behavior<Command> onOperate(Operate op) {
    Optional<String> unknown = operator.unknownName(op.action());
    if (unknown.isPresent()) {
      op.reply().completeExceptionally(new IllegalArgumentException(unknown.get()));
    } else if (op.action() instanceof ScenarioAction.Migrate mig) {
      Operator.Decision d = requestMigration(mig, RunResult.Origin.CONSOLE);
      if (d instanceof Operator.Refused r) {
        op.reply().completeExceptionally(new OperationRefused(r.id(), r.reason()));
      } else {
        // Answered once the destination has taken the migration (Accepted) or it has ended (a refusal by
        // either Dom0); a destination that does not answer within SETTLE_NANOS (cut off) leaves it pending.
        unsettled.put(d.id(), op.reply());
        scenario.sendAfter(SETTLE_NANOS, getContext().getSelf(), new Settled(d.id()));
      }
    } else if (op.action() instanceof ScenarioAction.Fail fail) {
      Optional<String> refusal = operator.cannotFail(fail.node());
      if (refusal.isPresent()) {
        op.reply().completeExceptionally(new OperationRefused(null, refusal.get()));
      } else {
        failNode(fail.node());
        op.reply().complete(fail.node());
      }
    } else if (op.action() instanceof ScenarioAction.PowerOff || op.action() instanceof ScenarioAction.PowerOn) {
      Optional<String> refusal = power(op.action(), RunResult.Origin.CONSOLE);
      if (refusal.isPresent()) {
        op.reply().completeExceptionally(new OperationRefused(null, refusal.get()));
      } else {
        op.reply().complete(op.action().nodeOrNull());
      }
    } else if (op.action() instanceof ScenarioAction.Recover recover) {
      Optional<String> refusal = operator.cannotRecover(recover.node());
      if (refusal.isPresent()) {
        op.reply().completeExceptionally(new OperationRefused(null, refusal.get()));
      } else {
        recoverNode(recover.node());
        op.reply().complete(recover.node());
      }
    } else if (op.action() instanceof ScenarioAction.NetworkFaults nf) {
      op.reply().complete(faults.networkFaults(nf));
    } else if (op.action() instanceof ScenarioAction.GuestAction a) {
      Operator.Verb v = guestVerb(a, RunResult.Origin.CONSOLE);
      if (v instanceof Operator.VerbRefused r) {
        op.reply().completeExceptionally(new OperationRefused(null, r.reason()));
      } else {
        unansweredVerbs.put(a.guest(), op.reply()); // its Dom0 answers within this instant
      }
    } else if (op.action() instanceof ScenarioAction.Create c) {
      Operator.Verb v = create(c.guest(), RunResult.Origin.CONSOLE);
      if (v instanceof Operator.VerbRefused r) {
        op.reply().completeExceptionally(new OperationRefused(null, r.reason()));
      } else {
        op.reply().complete(c.guest().name());
      }
    } else {
      Optional<String> refusal = faults.begin(op.action());
      if (refusal.isPresent()) {
        op.reply().completeExceptionally(new OperationRefused(null, refusal.get()));
      } else {
        op.reply().complete(LinkFaultOrders.nodeOf(op.action()));
      }
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    Cluster.Status s = operator.status(nowS());
    Map<String, String> gone = new TreeMap<>();
    ConsoleFacts.of(operator, spec.nodes(), wiring.poolMasterNode(), nowS()).guests().stream()
        .filter(g -> !g.state().present() && g.state() != ConsoleView.DomainState.CREATING)
        .forEach(g -> gone.put(g.spec().name(), g.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
            + (g.note() == null ? "" : ": " + g.note())));
    get.reply().complete(new Status(s.simulatedSeconds(), s.guestLocations(), s.finishedMigrations(),
        s.migrationsInFlight(), gone));
    return this;
  }

  private Behavior<Command> onScenarioStep(ScenarioStep step) {
    ScenarioAction action = spec.scenario().get(step.index());
    if (action instanceof ScenarioAction.Migrate mig) {
      requestMigration(mig, RunResult.Origin.SCENARIO);
    } else if (action instanceof ScenarioAction.Fail fail) {
      failNode(fail.node());
    } else if (action instanceof ScenarioAction.PowerOff || action instanceof ScenarioAction.PowerOn) {
      power(action, RunResult.Origin.SCENARIO); // a refusal is recorded: what the config cannot know (a guest there) is decided now
    } else if (action instanceof ScenarioAction.Recover recover) {
      if (operator.cannotRecover(recover.node()).isEmpty()) {
        recoverNode(recover.node()); // the config check lets through only recovers of failed nodes
      }
    } else if (action instanceof ScenarioAction.NetworkFaults nf) {
      faults.networkFaults(nf);
    } else if (action instanceof ScenarioAction.GuestAction a) {
      guestVerb(a, RunResult.Origin.SCENARIO); // a refusal is in the report's operations
    } else if (action instanceof ScenarioAction.Create c) {
      create(c.guest(), RunResult.Origin.SCENARIO);
    } else {
      faults.begin(action); // the config checked that faults of a node do not overlap
    }
    return this;
  }

  private double nowS() {
    return SimTime.toSeconds(kernel.now());
  }

  /** The operator decides about a lifecycle verb; one it does not refuse goes to the Dom0 where the guest runs. */
  private Operator.Verb guestVerb(ScenarioAction.GuestAction a, RunResult.Origin by) {
    Operator.Verb v = operator.requestLifecycle(a, nowS(), by);
    if (v instanceof Operator.SendVerb send) {
      wiring.plane().tell(send.node(), wiring.dom0s().get(send.node()), new Dom0.Lifecycle(send.guest(), send.op(),
          lifecycleReplies));
    }
    return v;
  }

  /**
   * {@code xl create}: the operator decides; a guest it accepts starts on its own node through that node's
   * toolstack, or is placed by the pool master (the first node by name that is up).
   */
  private Operator.Verb create(io.domsim.config.GuestSpec spec, RunResult.Origin by) {
    Optional<String> master = wiring.poolMasterNode();
    Operator.Verb v = operator.requestCreate(spec, nowS(), master, by);
    if (v instanceof Operator.SendCreate c) {
      if (c.node().isPresent()) {
        wiring.plane().tell(c.node().get(), wiring.dom0s().get(c.node().get()), new Dom0.CreateGuest(spec,
            createReplies));
      } else {
        wiring.place(master.get(), List.of(spec), placementReplies);
      }
    }
    return v;
  }

  private Behavior<Command> onLifecycleReplied(LifecycleReplied m) {
    Dom0.LifecycleResult r = m.result();
    operator.lifecycleAnswered(r, SimTime.toSeconds(r.atNanos()));
    CompletableFuture<String> waiting = unansweredVerbs.remove(r.guest());
    if (waiting != null) {
      if (r instanceof Dom0.LifecycleRefused refused) {
        waiting.completeExceptionally(new OperationRefused(null, refused.reason()));
      } else if (r instanceof Dom0.ShutdownBegun b) {
        waiting.complete(r.guest() + " is shutting down on " + r.node() + "; gone at "
            + Operator.time(SimTime.toSeconds(b.goneAtNanos())));
      } else {
        waiting.complete(r.guest() + " " + r.op().configName() + (r.op() == io.domsim.config.GuestOp.PAUSE
            || r.op() == io.domsim.config.GuestOp.UNPAUSE ? "d" : "ed") + " on " + r.node());
      }
    }
    return this;
  }

  /** The operator decides; a migration it does not refuse goes to the source's Dom0. */
  private Operator.Decision requestMigration(ScenarioAction.Migrate mig, RunResult.Origin by) {
    Operator.Decision d = operator.requestMigration(mig, SimTime.toSeconds(kernel.now()), by);
    if (d instanceof Operator.Handover h) {
      Map<String, ActorRef<Dom0.Command>> dom0s = wiring.dom0s();
      wiring.plane().tell(h.from(), dom0s.get(h.from()), new Dom0.Migrate(h.id(), h.guest(), h.to(), h.toBoot(),
          dom0s.get(h.to()), h.algorithm(),
          h.policy(), kernel.now(), migrationReports, acceptedReplies));
    }
    return d;
  }

  private Behavior<Command> onMigrationEnded(MigrationEnded m) {
    operator.migrationEnded(m.record());
    powerOrders.migrationEnded();
    CompletableFuture<String> waiting = unsettled.remove(m.record().id());
    if (waiting != null) {
      if (m.record().outcome() == Phase.REFUSED) {
        waiting.completeExceptionally(new OperationRefused(m.record().id(), m.record().reason()));
      } else {
        waiting.complete(m.record().id());
      }
    }
    return this;
  }

  private Behavior<Command> settle(String id) {
    CompletableFuture<String> waiting = unsettled.remove(id);
    if (waiting != null) {
      waiting.complete(id);
    }
    return this;
  }

  /** The console's question: the operator's facts now, completed by the nodes' own (see {@link Inspector}). */
  private Behavior<Command> onInspect(Inspect m) {
    if (inspector == null) {
      inspector = kernel.spawn(getContext(),
          Inspector.create(io.domsim.hypervisor.CostSettings.from(spec.settings()).networkBytesPerIo()), "inspector");
    }
    // A lost member's nodes cannot answer: the console shows them as they were known when it was lost.
    Map<String, ActorRef<Node.Command>> nodes = new TreeMap<>(wiring.nodes());
    Map<String, ActorRef<Dom0.Command>> dom0s = new TreeMap<>(wiring.dom0s());
    nodes.keySet().removeAll(lostNodes.keySet());
    dom0s.keySet().removeAll(lostNodes.keySet());
    inspector.tell(new Inspector.Gather(ConsoleFacts.of(operator, spec.nodes(), wiring.poolMasterNode(), nowS()),
        nodes, dom0s, wiring.fabric(), m.reply(), lostNodes));
    return this;
  }

  /**
   * Switches a node off or on now, or records and returns why not. Off: its Dom0 halts at once (nothing is
   * placed there, peers hear it is down one latency later, as of a crash) and the machine is off after its
   * shutdown time. On: it draws power at once, as a new life, and runs its Dom0 after its boot time.
   */
  private Optional<String> power(ScenarioAction action, RunResult.Origin by) {
    String name = action.nodeOrNull();
    NodeSpec node = spec.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    double nowS = SimTime.toSeconds(kernel.now());
    boolean off = action instanceof ScenarioAction.PowerOff;
    Optional<String> refusal = off ? operator.cannotPowerOff(name) : operator.cannotPowerOn(name);
    long takes = SimTime.of(off ? node.power().shutdownTime() : node.power().bootTime());
    operator.record(new RunResult.Operation(nowS, off ? RunResult.OperationAction.POWER_OFF
        : RunResult.OperationAction.POWER_ON, null, name, refusal.isPresent() ? RunResult.OperationOutcome.REFUSED
        : RunResult.OperationOutcome.COMPLETED, refusal.isPresent() ? null : SimTime.toSeconds(kernel.now() + takes),
        refusal.orElse(null), by));
    if (refusal.isPresent()) {
      return refusal;
    }
    if (off) {
      long shutdown = SimTime.of(node.power().shutdownTime());
      operator.powerOff(name, SimTime.toSeconds(kernel.now() + shutdown));
      wiring.plane().tell(name, wiring.nodes().get(name), new Node.PowerOff(shutdown, node.power().offWatts()));
      wiring.plane().change(new ReplicaChange.NodeDown(name));
      tellOthersLater(name, new Dom0.NodeDown(name, operator.boot(name)));
      scenario.sendAfter(shutdown, getContext().getSelf(), new ShutdownOver(name));
    } else {
      int boot = operator.powerOn(name, nowS);
      wiring.plane().tell(name, wiring.nodes().get(name), new Node.PowerOn(boot, operator.othersLives(name),
          SimTime.of(node.power().bootTime()), poweredOnReplies));
    }
    return Optional.empty();
  }

  /** The boot is over: the node answers again and takes guests; the others hear so one latency later. */
  private Behavior<Command> onPoweredOn(PoweredOnReply m) {
    String name = m.on().node();
    if (operator.power(name) != Operator.PowerState.BOOTING) {
      return this; // it crashed while it booted
    }
    operator.poweredOn(name);
    wiring.plane().change(new ReplicaChange.NodeUp(name));
    tellOthersLater(name, new Dom0.NodeUp(name, operator.boot(name)));
    powerOrders.booted(name);
    return this;
  }

  /** A consolidation round's decisions: the operator carries them out; the consolidator hears every host's power. */
  private Behavior<Command> onConsolidationOrders(ConsolidationOrders m) {
    wiring.plane().tell(wiring.consolidatorNode(), m.orders().replyTo(),
        new Consolidator.PowerStates(powerOrders.take(m.orders().decisions())));
    return this;
  }

  private Behavior<Command> onMemberLost(MemberLost m) {
    List<String> nodes = wiring.plane().lose(m.member());
    operator.memberLost(m.member(), m.why(), nodes);
    if (series != null) {
      // Their rows up to the member's last report came from it; from now to the end they are failed nodes' rows.
      spec.nodes().stream().filter(n -> nodes.contains(n.name())).forEach(n -> series.failedFrom(n, kernel.now()));
    }
    // What the report can still say of them: their guests crashed with them (their figures went with the member).
    Map<String, String> where = operator.status(nowS()).guestLocations();
    for (String n : nodes) {
      List<io.domsim.hypervisor.HostSnapshot.GuestTotals> crashed = new java.util.ArrayList<>();
      where.forEach((guest, at) -> {
        if (at.equals(n)) {
          crashed.add(new io.domsim.hypervisor.HostSnapshot.GuestTotals(guest, 0,
              io.domsim.hypervisor.DomainState.RUNNING, 0, 0, 0, 0, 0, io.domsim.hypervisor.HostSnapshot.Presence.CRASHED));
        }
      });
      lostNodes.put(n, new Node.NodeSnapshot(n, true, new io.domsim.hypervisor.HostSnapshot(kernel.now(), 0, 0, 0, 0,
          0, 0, crashed)));
    }
    nodes.forEach(this::failNode);
    return this;
  }

  /** A node crashes: its guests are lost; its flows break; the others notice one latency later. */
  private void failNode(String name) {
    if (!operator.failNode(name, SimTime.toSeconds(kernel.now()))) {
      return;
    }
    // A live verb sent to the failed node's Dom0 gets no answer now.
    unansweredVerbs.entrySet().removeIf(e -> {
      if (operator.lifecycle().underWay(e.getKey()).isEmpty()) {
        e.getValue().completeExceptionally(new OperationRefused(null, "node " + name + " failed before it answered"));
        return true;
      }
      return false;
    });
    wiring.plane().tell(name, wiring.nodes().get(name), Node.Fail.INSTANCE);
    if (wiring.plane().lost(name)) {
      // Its hypervisor is gone with its member: the monitor hears of the halt from here (ClusterRun puts the fact
      // with that member's own, as its node's facts come from one log).
      wiring.monitor().nodeHalted(name);
    }
    wiring.plane().change(new ReplicaChange.NodeDown(name));
    wiring.plane().change(new ReplicaChange.FabricNodeFailed(new Fabric.NodeFailed(name, kernel.currentEvent())));
    tellOthersLater(name, new Dom0.NodeDown(name, operator.boot(name)));
  }

  /**
   * A failed node boots again, empty: it answers again, the fabric carries its flows, the operator may
   * migrate guests to it; the others learn one latency later that it is up, in a new life.
   */
  private void recoverNode(String name) {
    int boot = operator.recoverNode(name, SimTime.toSeconds(kernel.now()));
    wiring.plane().tell(name, wiring.nodes().get(name), new Node.Recover(boot, operator.othersLives(name)));
    wiring.plane().change(new ReplicaChange.FabricNodeRecovered(new Fabric.NodeRecovered(name, kernel.currentEvent())));
    wiring.plane().change(new ReplicaChange.NodeUp(name));
    tellOthersLater(name, new Dom0.NodeUp(name, boot));
  }

  /** Failure detection: every other Dom0 that runs hears {@code news} of {@code node} one latency from now. */
  private void tellOthersLater(String node, Dom0.Command news) {
    wiring.dom0s().forEach((other, dom0) -> {
      if (!other.equals(node) && operator.isUp(other)) {
        wiring.plane().tellAfter(scenario, other, latencyNanos, dom0, news);
      }
    });
  }

  private Behavior<Command> onFinish(Finish f) {
    finishing = f.result();
    if (wiring.nodes().isEmpty()) {
      finishing.complete(result());
      return this;
    }
    ActorRef<Node.NodeSnapshot> replies = getContext().messageAdapter(Node.NodeSnapshot.class, SnapshotReady::new);
    wiring.nodes().forEach((name, n) -> {
      if (wiring.plane().lost(name)) {
        snapshots.put(name, lostNodes.get(name)); // as it was known when its member was lost
      } else {
        wiring.plane().tell(name, n, new Node.GetSnapshot(replies));
      }
    });
    ActorRef<Dom0.InFlight> inFlight = getContext().messageAdapter(Dom0.InFlight.class, InFlightReported::new);
    wiring.dom0s().forEach((name, dom0) -> {
      if (operator.isUp(name)) {
        inFlightOutstanding++;
        wiring.plane().tell(name, dom0, new Dom0.ReportInFlight(inFlight));
      }
    });
    return this;
  }

  private Behavior<Command> onSnapshot(SnapshotReady m) {
    snapshots.put(m.snapshot().node(), m.snapshot());
    maybeComplete();
    return this;
  }

  /** Migrations still going at the end: keep what they have done so far (their outcome stays open). */
  private Behavior<Command> onInFlight(InFlightReported m) {
    m.inFlight().migrations().forEach(operator::inFlightAtEnd);
    inFlightOutstanding--;
    maybeComplete();
    return this;
  }

  private void maybeComplete() {
    if (snapshots.size() == wiring.nodes().size() && inFlightOutstanding == 0 && finishing != null
        && !finishing.isDone()) {
      finishing.complete(result());
    }
  }

  private RunResult result() {
    if (series != null) {
      series.finish(kernel.now(), SeriesRounds.of(operator.ledger()));
    }
    return ReportBuilder.build(spec, SimTime.toSeconds(kernel.now()), snapshots, operator.guests(), operator.ledger(),
        operator.outages(), operator.lifecycle(), operator.offPeriods(),
        operator.operations(SimTime.toSeconds(kernel.now())));
  }
}
