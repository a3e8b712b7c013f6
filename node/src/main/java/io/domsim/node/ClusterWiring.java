package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.config.NetworkSpec;
import io.domsim.config.NodeSpec;
import io.domsim.dom0.Dom0;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.MigrationObserver;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FabricReplica;
import io.domsim.kernel.window.ReplicaBroadcast;
import io.domsim.scheduler.ConsolidationChoice;
import io.domsim.scheduler.Consolidator;
import io.domsim.scheduler.PoolMaster;
import io.domsim.scheduler.consolidation.DataCentre;
import io.domsim.scheduler.PoolSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster's hardware and its boot order, run by the {@link Cluster} actor on its own thread: spawns
 * the fabric and the nodes; as each node boots, learns its Dom0 and asks for its pool endpoint; once
 * every endpoint is known, starts the pinned guests through their Dom0's toolstack and, once they have
 * all answered, hands the rest to the pool master. Answers come back as the Cluster's messages, through
 * {@link Replies}; how each guest's start went goes to the {@link Operator}.
 */
final class ClusterWiring {

  /** Where the nodes, the Dom0s and the pool master answer: adapters into the Cluster's own messages. */
  record Replies(ActorRef<Node.Booted> booted, ActorRef<Dom0.PoolEndpoint> poolEndpoints,
      ActorRef<Dom0.CreateResult> pinnedCreated, ActorRef<PoolMaster.Outcome> placed,
      ActorRef<Consolidator.Orders> consolidationOrders) {}

  private final ClusterSpec spec;
  private final Operator operator;
  private final Replies replies;
  private final ActorRef<Fabric.Command> fabric;
  private final LinkFaults links;
  private final Network network;
  private final ManagementPlane plane;
  /** Where the nodes are over members; null in one JVM. */
  private final MembersLayout layout;
  private boolean unpinnedPlaced;
  private final Map<String, ActorRef<Node.Command>> nodes = new TreeMap<>();
  private final Map<String, ActorRef<Dom0.Command>> dom0s = new TreeMap<>();
  private final Map<String, PoolMaster.Host> poolHosts = new TreeMap<>();
  private final Plugins plugins;
  private int pinnedOutstanding;
  private final InvariantMonitor monitor;

  /** Spawns the fabric and every node (they boot at once); with no nodes, settles the guests' fate now. */
  ClusterWiring(ActorContext<Cluster.Command> ctx, SimKernel kernel, ClusterSpec spec, MeterRegistry registry,
      io.domsim.node.series.RunSeries series, Operator operator, Replies replies, Plugins plugins,
      MigrationPlugins migrationPlugins, InvariantMonitor monitor, MembersLayout layout) {
    this.spec = spec;
    this.plugins = plugins;
    this.operator = operator;
    this.replies = replies;
    this.layout = layout;
    this.monitor = monitor;
    long latencyNanos = SimTime.of(spec.network().latency());
    SortedMap<String, Long> nics = new TreeMap<>();
    spec.nodes().forEach(n -> nics.put(n.name(), n.nicBitsPerSecond()));
    // Over members, this member's replica of the fabric (the driver's: its timers are the ones counted).
    this.fabric = spawnFabric(ctx, kernel, spec, layout == null ? null : new FabricReplica(new ReplicaBroadcast(
        layout.member(), layout.members()), true));
    // One invariant monitor for the whole run (this member's share of it over members): every hypervisor and every
    // Dom0 reports to it.
    MigrationContext migration = new MigrationContext(fabric, migrationPlugins, MigrationCosts.from(spec.settings()),
        MigrationObserver.NONE, monitor);
    this.network = network(spec);
    if (layout != null) {
      network.spanMembers(new io.domsim.kernel.window.MemberRoute(layout.member(), layout.memberOfNode(),
          layout.driver()));
    }
    this.plane = layout == null ? ManagementPlane.local(network, fabric)
        : ManagementPlane.overMembers(kernel, layout, network, fabric);
    this.links = new LinkFaults(kernel, plane, latencyNanos, nics);
    if (registry != null) {
      operator.ledger().observe(new ClusterMeters(registry, kernel, spec.simulation()));
    }
    // This member's host spawns its nodes (all of them in one JVM), and the others' hosts theirs; the wiring learns
    // each node from its Booted report.
    NodeHost host = new NodeHost(kernel, spec, network, migration, plugins.scheduler(), registry, series);
    for (NodeSpec n : spec.nodes()) {
      if (layout == null || layout.here(n.name())) {
        host.spawn(ctx, n, replies.booted());
      }
    }
    if (layout != null) {
      layout.hosts().forEach((m, h) -> layout.member().tellAtOnce(m, h, new MemberHost.HostNodes(replies.booted(),
          series != null)));
    }
    if (spec.nodes().isEmpty()) {
      startGuests();
      maybeSetUp();
    }
  }

  /**
   * The run's fabric, a child of {@code ctx}'s actor: over members this member's replica of it ({@code replica},
   * hosted for the other replicas' inputs), null in one JVM.
   */
  static ActorRef<Fabric.Command> spawnFabric(ActorContext<?> ctx, SimKernel kernel, ClusterSpec spec,
      FabricReplica replica) {
    SortedMap<String, Long> nics = new TreeMap<>();
    spec.nodes().forEach(n -> nics.put(n.name(), n.nicBitsPerSecond()));
    MigrationCosts migrationCosts = MigrationCosts.from(spec.settings());
    ActorRef<Fabric.Command> fabric = kernel.spawn(ctx, Fabric.create(kernel, nics,
        SimTime.of(spec.network().latency()), migrationCosts.dom0SendCyclesPerPage(),
        migrationCosts.dom0ReceiveCyclesPerPage(), spec.network().payloadFraction(), replica), "fabric");
    if (replica != null) {
      replica.host(fabric);
    }
    return fabric;
  }

  /** The run's control network (this member's replica of it over members), with the configured faults. */
  static Network network(ClusterSpec spec) {
    NetworkSpec.Faults f = spec.network().faults();
    return new Network(SimTime.of(spec.network().latency()), new Network.Faults(f.loss(), f.duplicate(), f.reorder()));
  }

  ActorRef<Fabric.Command> fabric() {
    return fabric;
  }

  /** The run's control network (messages between nodes). */
  Network network() {
    return network;
  }

  /** How the operator reaches the nodes and changes the network and the fabric. */
  /** The run's invariant monitor (this member's share over members). */
  InvariantMonitor monitor() {
    return monitor;
  }

  ManagementPlane plane() {
    return plane;
  }

  /** The node the consolidation role is on (the first by name), where its rounds' answers go. */
  String consolidatorNode() {
    return dom0s.keySet().iterator().next();
  }

  /** The nodes' link faults (partitions, degraded links) over the network and the fabric. */
  LinkFaults links() {
    return links;
  }

  /** The booted nodes by name. */
  Map<String, ActorRef<Node.Command>> nodes() {
    return Collections.unmodifiableMap(nodes);
  }

  /** The booted nodes' Dom0s by name. */
  Map<String, ActorRef<Dom0.Command>> dom0s() {
    return Collections.unmodifiableMap(dom0s);
  }

  /** A node has reported in (from whichever member hosts it): from now on it is addressed by the refs it gave. */
  void booted(Node.Booted b) {
    if (spec.nodes().stream().noneMatch(n -> n.name().equals(b.node())) || nodes.containsKey(b.node())) {
      throw new IllegalStateException("node " + b.node() + " reported in, but it is not a node of this run "
          + "or has reported before");
    }
    nodes.put(b.node(), b.nodeRef());
    dom0s.put(b.node(), b.dom0());
    operator.nodeBooted(b.node());
    plane.tell(b.node(), b.dom0(), new Dom0.GetPoolEndpoint(replies.poolEndpoints()));
  }

  void poolEndpointReady(Dom0.PoolEndpoint e) {
    poolHosts.put(e.node(), new PoolMaster.Host(e.node(), e.endpoint()));
    if (poolHosts.size() == spec.nodes().size()) {
      startGuests();
      startConsolidation();
      maybeSetUp();
    }
  }

  /**
   * Over members, the setup at time 0 is over once every node has reported in, the pinned guests have answered
   * and the rest are with the pool master (consolidation started with them): the members' windows may start.
   */
  private void maybeSetUp() {
    if (layout != null && unpinnedPlaced && poolHosts.size() == spec.nodes().size()) {
      layout.setUp().complete(null);
    }
  }

  /**
   * A node's actor name: Akka allows only some ASCII in a path element, a node may be named with any printable
   * text ("rack a/1", "Zürich"), so it is URL-encoded, which keeps plain names as they are and is one-to-one.
   * Only the actor's name changes: its entities, and so its timers and random streams, keep the node's name.
   */
  static String actorName(String node) {
    return node.equals(".") || node.equals("..") ? node.replace(".", "%2E")
        : URLEncoder.encode(node, StandardCharsets.UTF_8);
  }

  /** Pinned guests first, straight to their node's toolstack; then the pool master places the rest. */
  private void startGuests() {
    for (GuestSpec g : spec.guests()) {
      if (g.node().isPresent()) {
        pinnedOutstanding++;
        plane.tell(g.node().get(), dom0s.get(g.node().get()), new Dom0.CreateGuest(g, replies.pinnedCreated()));
      }
    }
    if (pinnedOutstanding == 0) {
      placeUnpinned();
    }
  }

  void pinnedCreated(Dom0.CreateResult result) {
    if (result instanceof Dom0.GuestStarted s) {
      operator.guestStarted(s.guest(), s.node());
    } else if (result instanceof Dom0.GuestRefused r) {
      operator.guestNotStarted(r.guest(), r.reason());
    }
    if (--pinnedOutstanding == 0) {
      placeUnpinned();
      maybeSetUp();
    }
  }

  private void placeUnpinned() {
    unpinnedPlaced = true;
    List<GuestSpec> unpinned = spec.guests().stream().filter(g -> g.node().isEmpty()).toList();
    if (unpinned.isEmpty() || spec.nodes().isEmpty()) {
      unpinned.forEach(g -> operator.guestNotStarted(g.name(), "the cluster has no nodes"));
      return;
    }
    // The pool master is a role of the first node by name (DESIGN.md).
    place(dom0s.keySet().iterator().next(), unpinned, replies.placed());
  }

  /**
   * The node whose Dom0 would place guests now: the first node by name that is up (the role moves when its
   * node has failed; there is no failover of a placement under way). Empty when no node is up or the nodes
   * have not all booted yet.
   */
  java.util.Optional<String> poolMasterNode() {
    if (poolHosts.size() < spec.nodes().size()) {
      return java.util.Optional.empty();
    }
    return dom0s.keySet().stream().filter(operator::isUp).findFirst();
  }

  /**
   * Has the Dom0 of {@code master} place {@code guests} (taking the pool-master role if it does not hold it),
   * over every host in configuration order; the outcome goes to {@code replyTo}.
   */
  void place(String master, List<GuestSpec> guests, ActorRef<PoolMaster.Outcome> replyTo) {
    operator.poolMasterOn(master); // its node stays on while it holds the role
    List<PoolMaster.Host> hosts = spec.nodes().stream().map(n -> poolHosts.get(n.name())).toList();
    plane.tell(master, dom0s.get(master), new Dom0.BecomePoolMaster(hosts,
        plugins.scheduler().placementChoice(spec.scheduler().placement(), spec.settings()),
        PoolSettings.from(spec.settings()), guests, replyTo));
  }

  void placed(PoolMaster.Outcome outcome) {
    for (PoolMaster.Placed p : outcome.placements()) {
      if (p.node().isPresent()) {
        operator.guestStarted(p.guest(), p.node().get());
      } else {
        operator.guestNotStarted(p.guest(), p.reason());
      }
    }
  }

  /** Whether the run consolidates: a policy other than none, or idle hosts switched off. */
  static boolean consolidates(ClusterSpec spec) {
    return !spec.scheduler().consolidation().policy().equals("none") || spec.scheduler().consolidation().switchOffIdle();
  }

  /**
   * Gives the pool master's node (the first by name) the consolidation role, when the run consolidates: its
   * first round is an interval from now, when the guests have long been placed.
   */
  private void startConsolidation() {
    if (!consolidates(spec) || spec.nodes().isEmpty()) {
      return;
    }
    String master = dom0s.keySet().iterator().next();
    operator.poolMasterOn(master);
    long overhead = CostSettings.from(spec.settings()).domainOverheadBytes();
    long migrationCap = spec.migration().userCapOrNone();
    List<Consolidator.HostInfo> hosts = new ArrayList<>();
    SortedMap<String, DataCentre.Power> power = new TreeMap<>();
    for (NodeSpec n : spec.nodes()) {
      long link = migrationCap > 0 ? Math.min(migrationCap, n.nicBitsPerSecond()) : n.nicBitsPerSecond();
      hosts.add(new Consolidator.HostInfo(n.name(), poolHosts.get(n.name()).dom0(), n.cores(), n.ghz() * 1000,
          n.memoryBytes(), overhead, n.hvmSupport(), n.power().curve(), link / 8.0,
          n.memoryBytes() - n.dom0().memoryBytes() - overhead));
      power.put(n.name(), operator.isUp(n.name()) ? DataCentre.Power.ON : DataCentre.Power.UNAVAILABLE);
    }
    ConsolidationChoice policy = plugins.scheduler().consolidationChoice(spec.scheduler().consolidation(),
        spec.settings(), true);
    PoolSettings pool = PoolSettings.from(spec.settings());
    plane.tell(master, dom0s.get(master), new Dom0.StartConsolidation(new Consolidator.Setup(hosts,
        spec.guests().stream().map(GuestSpec::name).toList(), policy,
        SimTime.of(spec.scheduler().consolidation().interval()), pool.hostTimeoutNanos(), pool.retryIntervalNanos(),
        spec.simulation().seed(), master, power, replies.consolidationOrders())));
  }
}
