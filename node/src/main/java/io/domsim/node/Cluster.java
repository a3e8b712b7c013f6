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
import io.domsim.hypervisor.DirtyModel;
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

  /** Where a guest is in the cluster's bookkeeping. */
  private static final class GuestRecord {
    final GuestSpec spec;
    String nodeStart;
    String reason;

    GuestRecord(GuestSpec spec) {
      this.spec = spec;
    }
  }

  private final SimKernel kernel;
  private final ClusterSpec spec;
  private final SimEntity scenario;
  private final Map<String, ActorRef<Node.Command>> nodes = new TreeMap<>();
  private final Map<String, ActorRef<Dom0.Command>> dom0s = new TreeMap<>();
  private final Map<String, PoolMaster.Host> poolHosts = new TreeMap<>();
  private final Map<String, GuestRecord> guests = new TreeMap<>();
  /** Every requested migration by id ("m1", "m2", ... in request order) and its record once it ends. */
  private final Map<String, Requested> migrations = new TreeMap<>(java.util.Comparator
      .comparingInt((String id) -> id.length()).thenComparing(java.util.Comparator.naturalOrder()));
  /** Where each running guest is, as the operator knows it. */
  private final Map<String, String> location = new TreeMap<>();
  private final java.util.Set<String> failedNodes = new java.util.TreeSet<>();
  private final ActorRef<Fabric.Command> fabric;
  private final long latencyNanos;
  private ActorRef<MigrationRecord> migrationReports;
  private int nextMigration;

  /** A migration as requested, and as it ended (null while in flight). */
  private static final class Requested {
    final ScenarioAction.Migrate action;
    final String guest;
    final String type;
    final String from;
    final String algorithm;
    final String policy;
    final double requestedAtS;
    MigrationRecord record;

    Requested(ScenarioAction.Migrate action, String type, String from, String algorithm, String policy,
        double requestedAtS) {
      this.action = action;
      this.guest = action.guest();
      this.type = type;
      this.from = from;
      this.algorithm = algorithm;
      this.policy = policy;
      this.requestedAtS = requestedAtS;
    }
  }
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
    DirtyModel dirtyModel = DirtyModel.from(spec.settings());
    for (GuestSpec g : spec.guests()) {
      guests.put(g.name(), new GuestRecord(g));
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
    GuestRecord g = guests.get(m.result().guest());
    if (m.result() instanceof Dom0.GuestStarted s) {
      g.nodeStart = s.node();
      location.put(g.spec.name(), s.node());
    } else if (m.result() instanceof Dom0.GuestRefused r) {
      g.reason = r.reason();
    }
    if (--pinnedOutstanding == 0) {
      placeUnpinned();
    }
    return this;
  }

  private void placeUnpinned() {
    List<GuestSpec> unpinned = spec.guests().stream().filter(g -> g.node().isEmpty()).toList();
    if (unpinned.isEmpty() || spec.nodes().isEmpty()) {
      unpinned.forEach(g -> guests.get(g.name()).reason = "the cluster has no nodes");
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
      GuestRecord g = guests.get(p.guest());
      if (p.node().isPresent()) {
        g.nodeStart = p.node().get();
        location.put(g.spec.name(), p.node().get());
      } else {
        g.reason = p.reason();
      }
    }
    return this;
  }

  private Behavior<Command> onOperate(Operate op) {
    if (op.action() instanceof ScenarioAction.Migrate mig) {
      if (!guests.containsKey(mig.guest())) {
        op.reply().completeExceptionally(new IllegalArgumentException("no guest " + mig.guest()
            + " in this cluster; the guests are " + String.join(", ", guests.keySet())));
      } else if (!dom0s.containsKey(mig.to())) {
        op.reply().completeExceptionally(new IllegalArgumentException("no node " + mig.to()
            + " in this cluster; the nodes are " + String.join(", ", dom0s.keySet())));
      } else {
        op.reply().complete(requestMigration(mig));
      }
    } else if (op.action() instanceof ScenarioAction.Fail fail) {
      if (!dom0s.containsKey(fail.node())) {
        op.reply().completeExceptionally(new IllegalArgumentException("no node " + fail.node()
            + " in this cluster; the nodes are " + String.join(", ", dom0s.keySet())));
      } else {
        failNode(fail.node());
        op.reply().complete(fail.node());
      }
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    List<MigrationRecord> finished = new ArrayList<>();
    List<String> inFlight = new ArrayList<>();
    migrations.forEach((id, r) -> {
      if (r.record == null) {
        inFlight.add(id + " " + r.guest + " " + r.from + " -> " + r.action.to());
      } else {
        finished.add(r.record);
      }
    });
    get.reply().complete(new Status(SimTime.toSeconds(kernel.now()), new TreeMap<>(location), finished, inFlight));
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

  /**
   * The operator's {@code xl migrate}: checks what only the operator can know (is the guest running,
   * is the destination up), then hands the migration to the source's Dom0.
   */
  private String requestMigration(ScenarioAction.Migrate mig) {
    String id = "m" + (++nextMigration);
    GuestRecord g = guests.get(mig.guest());
    String from = location.get(mig.guest());
    var algorithm = mig.algorithm().orElse(spec.migration().algorithm());
    var policy = mig.policy().orElse(spec.migration().policy());
    double at = SimTime.toSeconds(kernel.now());
    Requested r = new Requested(mig, g.spec.type().configName(), from, algorithm.configName(), policy.configName(),
        at);
    migrations.put(id, r);
    String refusal = null;
    if (from == null) {
      refusal = "guest " + mig.guest() + " is not running (" + (g.reason != null ? g.reason : "it was lost")
          + "); only a running guest can migrate";
    } else if (failedNodes.contains(mig.to())) {
      refusal = "destination " + mig.to() + " has failed; choose a running node";
    } else if (!dom0s.containsKey(mig.to())) {
      refusal = "no node " + mig.to() + " in the cluster";
    }
    if (refusal != null) {
      r.record = refusedRecord(id, r, refusal);
      return id;
    }
    dom0s.get(from).tell(new Dom0.Migrate(id, mig.guest(), mig.to(), dom0s.get(mig.to()), algorithm, policy,
        kernel.now(), migrationReports));
    return id;
  }

  private static MigrationRecord refusedRecord(String id, Requested r, String reason) {
    return new MigrationRecord(id, r.guest, r.type, r.from, r.action.to(), r.algorithm, r.policy, r.requestedAtS,
        null, null, null, 0, 0, 0, Phase.REFUSED, reason, List.of(), null, false);
  }

  private Behavior<Command> onMigrationEnded(MigrationEnded m) {
    MigrationRecord rec = m.record();
    Requested r = migrations.get(rec.id());
    if (r == null || (r.record != null && !(r.record.fromDestination() && !rec.fromDestination()))) {
      return this; // the first word stands, except that the source's record replaces the destination's
    }
    r.record = rec;
    if (rec.outcome() == Phase.COMPLETED) {
      location.put(rec.guest(), rec.to());
    } else if (rec.outcome() == Phase.FAILED) {
      location.remove(rec.guest());
    }
    return this;
  }

  /** A node crashes: its guests are lost; its flows break; the others notice one latency later. */
  private void failNode(String name) {
    ActorRef<Node.Command> node = nodes.get(name);
    if (node == null || !failedNodes.add(name)) {
      return;
    }
    node.tell(Node.Fail.INSTANCE);
    fabric.tell(new Fabric.NodeFailed(name));
    location.values().removeIf(name::equals);
    dom0s.forEach((other, dom0) -> {
      if (!failedNodes.contains(other)) {
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
      if (!failedNodes.contains(name)) {
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
    for (MigrationRecord rec : m.inFlight().migrations()) {
      Requested r = migrations.get(rec.id());
      if (r != null && r.record == null) {
        r.record = rec;
      }
    }
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

  /** The stop rule is a pre-copy setting: other algorithms report none. */
  private static String policyOf(String algorithm, String policy) {
    return algorithm.equals("pre-copy") ? policy : null;
  }

  /** The reason of the last failed migration of this guest, or null. */
  private String lostInMigration(String guest) {
    String reason = null;
    for (Requested r : migrations.values()) {
      if (r.guest.equals(guest) && r.record != null && r.record.outcome() == Phase.FAILED) {
        reason = "lost in migration " + r.record.from() + " -> " + r.record.to() + ": " + r.record.reason();
      }
    }
    return reason;
  }

  private RunResult result() {
    double seconds = SimTime.toSeconds(kernel.now());
    List<RunResult.NodeResult> nodeResults = new ArrayList<>();
    // A guest's domain may be on several nodes: running at one, a paused copy or a destroyed former
    // self at others, a copy on a crashed node. It is where it runs; its totals add up over all of them.
    Map<String, String> runningOn = new TreeMap<>();
    Map<String, String> pausedOn = new TreeMap<>();
    java.util.Set<String> onFailedNode = new java.util.TreeSet<>();
    Map<String, double[]> sums = new TreeMap<>();
    for (NodeSpec n : spec.nodes()) {
      Node.NodeSnapshot s = snapshots.get(n.name());
      HostSnapshot h = s.host();
      for (HostSnapshot.GuestTotals g : h.guests()) {
        double[] sum = sums.computeIfAbsent(g.name(), k -> new double[5]);
        sum[0] += g.cpuSeconds();
        sum[1] += g.workSeconds();
        sum[2] += g.ioCompleted();
        sum[3] += g.hypercalls();
        sum[4] += g.vmExits();
        if (g.departed()) {
          continue;
        }
        if (s.failed()) {
          onFailedNode.add(g.name());
        } else if (g.state() == io.domsim.hypervisor.DomainState.RUNNING) {
          runningOn.put(g.name(), n.name());
        } else {
          pausedOn.putIfAbsent(g.name(), n.name());
        }
      }
      long liveGuests = h.guests().stream().filter(g -> !g.departed()).count();
      nodeResults.add(new RunResult.NodeResult(n.name(), n.cores(), n.memoryBytes(), n.hvmSupport(),
          seconds > 0 ? h.busyCoreSeconds() / (n.cores() * seconds) : 0,
          seconds > 0 ? h.dom0CoreSeconds() / (n.dom0().vcpus() * seconds) : 0,
          s.failed() ? 0 : h.memoryUsedBytes(), s.failed() ? 0 : (int) liveGuests,
          Math.round(h.hypercalls()), Math.round(h.vmExits()), h.energyJoules(),
          seconds > 0 ? h.energyJoules() / seconds : 0, s.failed()));
    }
    List<RunResult.GuestResult> guestResults = new ArrayList<>();
    for (GuestSpec g : spec.guests()) {
      GuestRecord rec = guests.get(g.name());
      String state;
      String reason = rec.reason;
      String nodeEnd = runningOn.getOrDefault(g.name(), pausedOn.get(g.name()));
      if (runningOn.containsKey(g.name())) {
        state = "running";
      } else if (pausedOn.containsKey(g.name())) {
        state = "paused";
      } else if (lostInMigration(g.name()) != null) {
        state = "lost";
        reason = lostInMigration(g.name());
      } else if (onFailedNode.contains(g.name())) {
        state = "lost";
        reason = "its node failed";
      } else if (rec.nodeStart != null) {
        state = "lost";
        reason = "a migration failed after the handover";
      } else {
        state = "not-started";
      }
      double[] sum = sums.getOrDefault(g.name(), new double[5]);
      guestResults.add(new RunResult.GuestResult(g.name(), g.type().configName(), g.vcpus(), g.memoryBytes(),
          rec.nodeStart, nodeEnd, state, sum[0], sum[1], Math.round(sum[2]), Math.round(sum[3]),
          Math.round(sum[4]), reason));
    }
    List<RunResult.MigrationResult> migrationResults = new ArrayList<>();
    for (var e : migrations.entrySet()) {
      Requested r = e.getValue();
      MigrationRecord rec = r.record;
      if (rec == null) {
        boolean sourceDied = r.from != null && failedNodes.contains(r.from);
        migrationResults.add(new RunResult.MigrationResult(r.guest, r.type, r.from, r.action.to(), r.algorithm,
            policyOf(r.algorithm, r.policy), r.requestedAtS, null, null, null, null, 0, 0, 0,
            sourceDied ? "failed" : "in-progress",
            sourceDied ? "the source failed before the destination had anything to take over; the guest was lost"
                : "the run ended before the migration did", List.of(), null));
        continue;
      }
      Double total = rec.startedAtS() != null && rec.finishedAtS() != null
          ? rec.finishedAtS() - rec.startedAtS() : null;
      List<RunResult.MigrationResult.Round> rounds = rec.roundLog().stream()
          .map(x -> new RunResult.MigrationResult.Round(x.round(), x.pagesSent(), x.pagesSkipped(), x.pagesDirtied(),
              x.durationS()))
          .toList();
      migrationResults.add(new RunResult.MigrationResult(rec.guest(), r.type, r.from, r.action.to(), r.algorithm,
          policyOf(r.algorithm, r.policy), r.requestedAtS, rec.startedAtS(), rec.finishedAtS(), total, rec.downtimeS(), rec.rounds(),
          rec.bytesTransferred(), rec.pagesTransferred(),
          rec.outcome() == null ? "in-progress" : rec.outcome().name().toLowerCase(java.util.Locale.ROOT),
          rec.reason(), rounds, rec.pagesMissingAtDestination()));
    }
    return new RunResult(spec.simulation().seed(), spec.simulation().clock().configName(), seconds, 0, nodeResults,
        guestResults, migrationResults);
  }
}
