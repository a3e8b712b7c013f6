package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import io.domsim.config.ScenarioAction;
import io.domsim.dom0.Dom0;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.MigrationObserver;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import io.domsim.migration.StopRuleConstants;
import io.domsim.migration.net.Fabric;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.scheduler.PlacementPolicy;
import io.domsim.scheduler.PoolMaster;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One run of a cluster: boots every node, starts pinned guests through their Dom0's toolstack, hands
 * the others to the pool master, plays the scenario timeline, and at the end gathers the report.
 * It stands outside the simulated network: it is the operator at the console, not a node.
 */
public final class Cluster extends AbstractBehavior<Cluster.Command> {

  public sealed interface Command {}

  /** Gather every node's figures as of now and complete {@code result}. Inject at the end of the run. */
  public record Finish(CompletableFuture<RunResult> result) implements Command {}

  /**
   * The operator, live (domsim launch): migrate a guest or fail a node now. Answers the migration's id
   * ("m4"), or the failed node's name, or completes exceptionally with a sentence when a name is unknown.
   */
  public record Operate(ScenarioAction action, CompletableFuture<String> reply) implements Command {}

  /** A snapshot of the run so far, for the live status endpoint. */
  public record GetStatus(CompletableFuture<Status> reply) implements Command {}

  /** Where things stand: simulated time, where each running guest is, and every migration requested. */
  public record Status(double simulatedSeconds, Map<String, String> guestLocations,
      List<MigrationRecord> finishedMigrations, List<String> migrationsInFlight) {}

  private record NodeBooted(Node.Booted booted) implements Command {}

  private record PoolEndpointReady(Dom0.PoolEndpoint endpoint) implements Command {}

  private record PinnedCreated(Dom0.CreateResult result) implements Command {}

  private record Placed(PoolMaster.Outcome outcome) implements Command {}

  private record ScenarioStep(int index) implements Command {}

  private record SnapshotReady(Node.NodeSnapshot snapshot) implements Command {}

  private record MigrationEnded(MigrationRecord record) implements Command {}

  private record InFlightReported(Dom0.InFlight inFlight) implements Command {}

  private final SimKernel kernel;
  private final ClusterSpec spec;
  private final SimEntity scenario;
  private final Operator operator;
  private final Map<String, ActorRef<Node.Command>> nodes = new TreeMap<>();
  private final Map<String, ActorRef<Dom0.Command>> dom0s = new TreeMap<>();
  private final Map<String, PoolMaster.Host> poolHosts = new TreeMap<>();
  private final ActorRef<Fabric.Command> fabric;
  private final long latencyNanos;
  private final ActorRef<MigrationRecord> migrationReports;
  private final Map<String, Node.NodeSnapshot> snapshots = new TreeMap<>();
  private int pinnedOutstanding;
  private CompletableFuture<RunResult> finishing;
  /** Live Dom0s yet to report their in-flight migrations at the end. */
  private int inFlightOutstanding;

  private Cluster(ActorContext<Command> ctx, SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      CompletableFuture<ActorRef<Command>> started) {
    super(ctx);
    this.kernel = kernel;
    this.spec = spec;
    this.scenario = kernel.entity("scenario");
    this.operator = new Operator(spec.guests(), spec.migration());
    CostSettings costs = CostSettings.from(spec.settings());
    this.latencyNanos = SimTime.of(spec.network().latency());
    Network network = new Network(latencyNanos);
    java.util.SortedMap<String, Long> nics = new TreeMap<>();
    spec.nodes().forEach(n -> nics.put(n.name(), n.nicBitsPerSecond()));
    this.fabric = ctx.spawn(Fabric.create(kernel, nics, latencyNanos), "fabric", SimKernel.DISPATCHER);
    this.migrationReports = ctx.messageAdapter(MigrationRecord.class, MigrationEnded::new);
    MigrationContext migration = new MigrationContext(fabric, spec.migration(),
        StopRuleConstants.from(spec.settings()), MigrationCosts.from(spec.settings()), MigrationObserver.NONE);
    long sampleInterval = SimTime.of(spec.simulation().sampleInterval());
    ActorRef<Node.Booted> booted = ctx.messageAdapter(Node.Booted.class, NodeBooted::new);
    String dirtyModel = spec.settings().getString("hypervisor.dirty-model");
    if (!dirtyModel.equals("analytic") && !dirtyModel.equals("page")) {
      throw new IllegalArgumentException("domsim.hypervisor.dirty-model must be analytic or page, was " + dirtyModel);
    }
    for (NodeSpec n : spec.nodes()) {
      ctx.spawn(Node.create(kernel, n, costs, network, sampleInterval, new NodeMeters(registry, n.name()),
          migration, dirtyModel, booted),
          n.name(), SimKernel.DISPATCHER);
    }
    List<ScenarioAction> actions = spec.scenario();
    for (int i = 0; i < actions.size(); i++) {
      scenario.sendAt(SimTime.of(actions.get(i).at()), ctx.getSelf(), new ScenarioStep(i));
    }
    if (spec.nodes().isEmpty()) {
      startGuests();
    }
    started.complete(ctx.getSelf());
  }

  /**
   * @param started completes with the cluster's reference once its nodes are spawned: only then may
   *     the clock run, or it would run ahead of the cluster's own setup
   */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      CompletableFuture<ActorRef<Command>> started) {
    return Behaviors.setup(ctx -> {
      try {
        return new Cluster(ctx, kernel, spec, registry, started);
      } catch (RuntimeException e) {
        started.completeExceptionally(e); // the driver is waiting: tell it, do not leave it hanging
        throw e;
      }
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeBooted.class, this::onBooted)
        .onMessage(PoolEndpointReady.class, this::onPoolEndpoint)
        .onMessage(PinnedCreated.class, this::onPinnedCreated)
        .onMessage(Placed.class, this::onPlaced)
        .onMessage(ScenarioStep.class, this::onScenarioStep)
        .onMessage(Finish.class, this::onFinish)
        .onMessage(Operate.class, this::onOperate)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(SnapshotReady.class, this::onSnapshot)
        .onMessage(MigrationEnded.class, this::onMigrationEnded)
        .onMessage(InFlightReported.class, this::onInFlight)
        .build();
  }

  private Behavior<Command> onBooted(NodeBooted m) {
    Node.Booted b = m.booted();
    nodes.put(b.node(), b.nodeRef());
    dom0s.put(b.node(), b.dom0());
    operator.nodeBooted(b.node());
    b.dom0().tell(new Dom0.GetPoolEndpoint(
        getContext().messageAdapter(Dom0.PoolEndpoint.class, PoolEndpointReady::new)));
    return this;
  }

  private Behavior<Command> onPoolEndpoint(PoolEndpointReady m) {
    poolHosts.put(m.endpoint().node(), new PoolMaster.Host(m.endpoint().node(), m.endpoint().endpoint()));
    if (poolHosts.size() == spec.nodes().size()) {
      startGuests();
    }
    return this;
  }

  /** Pinned guests first, straight to their node's toolstack; then the pool master places the rest. */
  private void startGuests() {
    ActorRef<Dom0.CreateResult> replies = getContext().messageAdapter(Dom0.CreateResult.class, PinnedCreated::new);
    for (GuestSpec g : spec.guests()) {
      if (g.node().isPresent()) {
        pinnedOutstanding++;
        dom0s.get(g.node().get()).tell(new Dom0.CreateGuest(g, replies));
      }
    }
    if (pinnedOutstanding == 0) {
      placeUnpinned();
    }
  }

  private Behavior<Command> onPinnedCreated(PinnedCreated m) {
    if (m.result() instanceof Dom0.GuestStarted s) {
      operator.guestStarted(s.guest(), s.node());
    } else if (m.result() instanceof Dom0.GuestRefused r) {
      operator.guestNotStarted(r.guest(), r.reason());
    }
    if (--pinnedOutstanding == 0) {
      placeUnpinned();
    }
    return this;
  }

  private void placeUnpinned() {
    List<GuestSpec> unpinned = spec.guests().stream().filter(g -> g.node().isEmpty()).toList();
    if (unpinned.isEmpty() || spec.nodes().isEmpty()) {
      unpinned.forEach(g -> operator.guestNotStarted(g.name(), "the cluster has no nodes"));
      return;
    }
    // The pool master is a role of the first node by name (DESIGN.md); hosts in configuration order.
    String master = dom0s.keySet().iterator().next();
    List<PoolMaster.Host> hosts = spec.nodes().stream().map(n -> poolHosts.get(n.name())).toList();
    long hostTimeout = SimTime.of(spec.settings().getDuration("scheduler.host-timeout"));
    dom0s.get(master).tell(new Dom0.BecomePoolMaster(hosts, PlacementPolicy.of(spec.scheduler().placement()),
        hostTimeout, unpinned, getContext().messageAdapter(PoolMaster.Outcome.class, Placed::new)));
  }

  private Behavior<Command> onPlaced(Placed m) {
    for (PoolMaster.Placed p : m.outcome().placements()) {
      if (p.node().isPresent()) {
        operator.guestStarted(p.guest(), p.node().get());
      } else {
        operator.guestNotStarted(p.guest(), p.reason());
      }
    }
    return this;
  }

  private Behavior<Command> onOperate(Operate op) {
    Optional<String> unknown = operator.unknownName(op.action());
    if (unknown.isPresent()) {
      op.reply().completeExceptionally(new IllegalArgumentException(unknown.get()));
    } else if (op.action() instanceof ScenarioAction.Migrate mig) {
      op.reply().complete(requestMigration(mig));
    } else if (op.action() instanceof ScenarioAction.Fail fail) {
      failNode(fail.node());
      op.reply().complete(fail.node());
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.reply().complete(operator.status(SimTime.toSeconds(kernel.now())));
    return this;
  }

  private Behavior<Command> onScenarioStep(ScenarioStep step) {
    ScenarioAction action = spec.scenario().get(step.index());
    if (action instanceof ScenarioAction.Migrate mig) {
      requestMigration(mig);
    } else if (action instanceof ScenarioAction.Fail fail) {
      failNode(fail.node());
    }
    return this;
  }

  /** The operator decides; a migration it does not refuse goes to the source's Dom0. Answers its id. */
  private String requestMigration(ScenarioAction.Migrate mig) {
    Operator.Decision d = operator.requestMigration(mig, SimTime.toSeconds(kernel.now()));
    if (d instanceof Operator.Handover h) {
      dom0s.get(h.from()).tell(new Dom0.Migrate(h.id(), h.guest(), h.to(), dom0s.get(h.to()), h.algorithm(),
          h.policy(), kernel.now(), migrationReports));
    }
    return d.id();
  }

  private Behavior<Command> onMigrationEnded(MigrationEnded m) {
    operator.migrationEnded(m.record());
    return this;
  }

  /** A node crashes: its guests are lost; its flows break; the others notice one latency later. */
  private void failNode(String name) {
    if (!operator.failNode(name)) {
      return;
    }
    nodes.get(name).tell(Node.Fail.INSTANCE);
    fabric.tell(new Fabric.NodeFailed(name));
    dom0s.forEach((other, dom0) -> {
      if (operator.isUp(other)) {
        scenario.sendAfter(latencyNanos, dom0, new Dom0.NodeDown(name));
      }
    });
  }

  private Behavior<Command> onFinish(Finish f) {
    finishing = f.result();
    if (nodes.isEmpty()) {
      finishing.complete(result());
      return this;
    }
    ActorRef<Node.NodeSnapshot> replies = getContext().messageAdapter(Node.NodeSnapshot.class, SnapshotReady::new);
    nodes.values().forEach(n -> n.tell(new Node.GetSnapshot(replies)));
    ActorRef<Dom0.InFlight> inFlight = getContext().messageAdapter(Dom0.InFlight.class, InFlightReported::new);
    dom0s.forEach((name, dom0) -> {
      if (operator.isUp(name)) {
        inFlightOutstanding++;
        dom0.tell(new Dom0.ReportInFlight(inFlight));
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
    if (snapshots.size() == nodes.size() && inFlightOutstanding == 0 && finishing != null
        && !finishing.isDone()) {
      finishing.complete(result());
    }
  }

  private RunResult result() {
    return ReportBuilder.build(spec, SimTime.toSeconds(kernel.now()), snapshots, operator.guests(), operator.ledger(),
        operator.failedNodes());
  }
}
