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

  private record NodeBooted(Node.Booted booted) implements Command {}

  private record PoolEndpointReady(Dom0.PoolEndpoint endpoint) implements Command {}

  private record PinnedCreated(Dom0.CreateResult result) implements Command {}

  private record Placed(PoolMaster.Outcome outcome) implements Command {}

  private record ScenarioStep(int index) implements Command {}

  private record SnapshotReady(Node.NodeSnapshot snapshot) implements Command {}

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
  private final CompletableFuture<Void> ready;
  private final Map<String, ActorRef<Node.Command>> nodes = new TreeMap<>();
  private final Map<String, ActorRef<Dom0.Command>> dom0s = new TreeMap<>();
  private final Map<String, PoolMaster.Host> poolHosts = new TreeMap<>();
  private final Map<String, GuestRecord> guests = new TreeMap<>();
  private final List<RunResult.MigrationResult> migrations = new ArrayList<>();
  private final Map<String, Node.NodeSnapshot> snapshots = new TreeMap<>();
  private int pinnedOutstanding;
  private CompletableFuture<RunResult> finishing;

  private Cluster(ActorContext<Command> ctx, SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      CompletableFuture<ActorRef<Command>> started, CompletableFuture<Void> ready) {
    super(ctx);
    this.kernel = kernel;
    this.spec = spec;
    this.scenario = kernel.entity("scenario");
    this.ready = ready;
    CostSettings costs = CostSettings.from(spec.settings());
    Network network = new Network(SimTime.of(spec.network().latency()));
    long sampleInterval = SimTime.of(spec.simulation().sampleInterval());
    ActorRef<Node.Booted> booted = ctx.messageAdapter(Node.Booted.class, NodeBooted::new);
    for (GuestSpec g : spec.guests()) {
      guests.put(g.name(), new GuestRecord(g));
    }
    for (NodeSpec n : spec.nodes()) {
      ctx.spawn(Node.create(kernel, n, costs, network, sampleInterval, new NodeMeters(registry, n.name()), booted),
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
   * @param ready completes (on the simulation thread) once every guest has started or been refused
   */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      CompletableFuture<ActorRef<Command>> started, CompletableFuture<Void> ready) {
    return Behaviors.setup(ctx -> new Cluster(ctx, kernel, spec, registry, started, ready));
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
        .onMessage(SnapshotReady.class, this::onSnapshot)
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
      ready.complete(null);
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
      } else {
        g.reason = p.reason();
      }
    }
    ready.complete(null);
    return this;
  }

  private Behavior<Command> onScenarioStep(ScenarioStep step) {
    ScenarioAction action = spec.scenario().get(step.index());
    double at = SimTime.toSeconds(kernel.now());
    if (action instanceof ScenarioAction.Migrate mig) {
      GuestRecord g = guests.get(mig.guest());
      String algorithm = mig.algorithm().orElse(spec.migration().algorithm()).configName();
      String policy = mig.policy().orElse(spec.migration().policy()).configName();
      migrations.add(new RunResult.MigrationResult(mig.guest(), g == null ? null : g.spec.type().configName(),
          g == null ? null : g.nodeStart, mig.to(), algorithm, policy, at, null, null, null, null, 0, 0, 0,
          "refused", "live migration is not implemented in this version of domsim", List.of()));
    } else if (action instanceof ScenarioAction.Fail fail) {
      ActorRef<Node.Command> node = nodes.get(fail.node());
      if (node != null) {
        node.tell(Node.Fail.INSTANCE);
      }
    }
    return this;
  }

  private Behavior<Command> onFinish(Finish f) {
    finishing = f.result();
    if (nodes.isEmpty()) {
      finishing.complete(result());
      return this;
    }
    ActorRef<Node.NodeSnapshot> replies = getContext().messageAdapter(Node.NodeSnapshot.class, SnapshotReady::new);
    nodes.values().forEach(n -> n.tell(new Node.GetSnapshot(replies)));
    return this;
  }

  private Behavior<Command> onSnapshot(SnapshotReady m) {
    snapshots.put(m.snapshot().node(), m.snapshot());
    if (snapshots.size() == nodes.size() && finishing != null) {
      finishing.complete(result());
    }
    return this;
  }

  private RunResult result() {
    double seconds = SimTime.toSeconds(kernel.now());
    List<RunResult.NodeResult> nodeResults = new ArrayList<>();
    Map<String, String> whereIs = new TreeMap<>();
    Map<String, HostSnapshot.GuestTotals> totals = new TreeMap<>();
    Map<String, Boolean> lost = new TreeMap<>();
    for (NodeSpec n : spec.nodes()) {
      Node.NodeSnapshot s = snapshots.get(n.name());
      HostSnapshot h = s.host();
      for (HostSnapshot.GuestTotals g : h.guests()) {
        totals.put(g.name(), g);
        if (s.failed()) {
          lost.put(g.name(), true);
        } else {
          whereIs.put(g.name(), n.name());
        }
      }
      nodeResults.add(new RunResult.NodeResult(n.name(), n.cores(), n.memoryBytes(), n.hvmSupport(),
          seconds > 0 ? h.busyCoreSeconds() / (n.cores() * seconds) : 0,
          seconds > 0 ? h.dom0CoreSeconds() / (n.dom0().vcpus() * seconds) : 0,
          s.failed() ? 0 : h.memoryUsedBytes(), s.failed() ? 0 : h.guests().size(),
          Math.round(h.hypercalls()), Math.round(h.vmExits()), h.energyJoules(),
          seconds > 0 ? h.energyJoules() / seconds : 0, s.failed()));
    }
    List<RunResult.GuestResult> guestResults = new ArrayList<>();
    for (GuestSpec g : spec.guests()) {
      GuestRecord rec = guests.get(g.name());
      Optional<HostSnapshot.GuestTotals> t = Optional.ofNullable(totals.get(g.name()));
      String state;
      String reason = rec.reason;
      if (lost.containsKey(g.name())) {
        state = "lost";
        reason = "its node failed";
      } else if (t.isPresent()) {
        state = t.get().state().name().toLowerCase(java.util.Locale.ROOT);
      } else {
        state = "not-started";
      }
      guestResults.add(new RunResult.GuestResult(g.name(), g.type().configName(), g.vcpus(), g.memoryBytes(),
          rec.nodeStart, whereIs.get(g.name()), state,
          t.map(HostSnapshot.GuestTotals::cpuSeconds).orElse(0.0),
          t.map(HostSnapshot.GuestTotals::workSeconds).orElse(0.0),
          Math.round(t.map(HostSnapshot.GuestTotals::ioCompleted).orElse(0.0)),
          Math.round(t.map(HostSnapshot.GuestTotals::hypercalls).orElse(0.0)),
          Math.round(t.map(HostSnapshot.GuestTotals::vmExits).orElse(0.0)),
          reason));
    }
    return new RunResult(spec.simulation().seed(), spec.simulation().clock().configName(), seconds, 0, nodeResults,
        guestResults, migrations);
  }
}
