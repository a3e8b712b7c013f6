package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.MigrationObserver;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.hypervisor.ObservationLog;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.window.MemberRoute;
import io.domsim.kernel.window.WindowedMember;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FabricReplica;
import io.domsim.node.series.KeyedRow;
import io.domsim.node.series.RunSeries;
import io.domsim.node.series.SeriesRow;
import io.domsim.scheduler.SchedulerPlugins;
import io.micrometer.core.instrument.MeterRegistry;
import io.domsim.kernel.window.ReplicaBroadcast;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A serving member's part of a run spread over members (docs/architecture.md, "Members"), as the root of its
 * simulation: its replicas of the control network (spanning the members) and of the fabric, its share of the
 * invariant monitor (it records its nodes' facts, answered at the end: {@link Gather}), and its nodes, which it spawns when the driver's cluster says where they report in. The operator's
 * changes of the network and the fabric reach it at the operator's barriers and are applied to its replicas.
 */
public final class MemberHost extends AbstractBehavior<MemberHost.Command> {

  public sealed interface Command {}

  /**
   * Spawn this member's nodes; each reports in to {@code bootedTo} (the driver's cluster). With {@code series}, the
   * run keeps time series: the nodes' rows go to the driver with each window's report, the rest at the end
   * ({@link GatherSeries}).
   */
  public record HostNodes(ActorRef<Node.Booted> bootedTo, boolean series) implements Command, CrossJvm {}

  /** The operator's change of the network and the fabric, for this member's replicas. */
  public record Change(ReplicaChange change) implements Command, CrossJvm {}

  /**
   * At the end: answer what this member counted and recorded ({@link Gathered}), the facts from index {@code from},
   * at most {@code max} of them (the answer goes through the members' links, which carry any size; pages keep each
   * answer, and the driver's wait for it, moderate).
   */
  public record Gather(int from, int max, ActorRef<Gathered> replyTo) implements Command, CrossJvm {}

  /**
   * At the end ({@code endNanos}): answer the rest of this member's time series ({@link GatheredSeries}), from index
   * {@code from} of the rows made after its last report followed by the rows that close the run, at most {@code max}.
   */
  public record GatherSeries(long endNanos, int from, int max, ActorRef<GatheredSeries> replyTo)
      implements Command, CrossJvm {}

  /**
   * Part of the rest of a member's time series: the rows made after its last report ({@code rows}, keyed for the
   * driver's merge) and then those that close the run ({@code closing}, node by node), from index {@code from} of
   * {@code total} in all.
   */
  public record GatheredSeries(String member, java.util.List<KeyedRow> rows, java.util.List<SeriesRow> closing,
      int from, int total) implements Page, CrossJvm {
    @Override
    public int size() {
      return rows.size() + closing.size();
    }
  }

  /** A page of a member's answer at the end: it starts at {@code from}, holds {@code size}, of {@code total}. */
  public interface Page {
    int from();

    int size();

    int total();
  }

  /**
   * Some of the facts this member's nodes reported to its monitor (from index {@code from}, of {@code total}), for
   * the driver to merge and check, and the events it adds to the run's count (its timers, less those one JVM does
   * not have: its fabric replica's and the barrier batches).
   */
  public record Gathered(String member, java.util.List<ObservationLog.Entry> observations, int from, int total,
      long events) implements Page, CrossJvm {
    @Override
    public int size() {
      return observations.size();
    }
  }

  private final ClusterSpec spec;
  private final String self;
  private final String driver;
  private final SortedMap<String, String> memberOfNode;
  private final Network network;
  private final ActorRef<Fabric.Command> fabric;
  private final MigrationContext migration;
  /** Where its nodes' meters go; null for none. */
  private final MeterRegistry registry;
  private final SchedulerPlugins roles;
  /** The time series of its nodes, keyed for the driver; null when the run keeps none (or before its nodes). */
  private RunSeries series;
  /** At the end: the rows made after the last report (those that close the run are the series' own); null before. */
  private java.util.List<KeyedRow> seriesTail;
  private final ObservationLog observations;
  private final FabricReplica replica;
  private final SimKernel kernel;
  private final WindowedMember member;
  private boolean hosted;

  private MemberHost(ActorContext<Command> ctx, SimKernel kernel, ClusterSpec spec, String self, String driver,
      java.util.List<String> members, SortedMap<String, String> memberOfNode, WindowedMember member,
      MeterRegistry registry) {
    super(ctx);
    this.registry = registry;
    this.observations = ObservationLog.of(kernel);
    this.kernel = kernel;
    this.member = member;
    // Its nodes' facts only: it records them, and the driver checks every member's merged.
    InvariantMonitor monitor = InvariantMonitor.recordOnly(observations);
    this.spec = spec;
    this.self = self;
    this.driver = driver;
    this.memberOfNode = new TreeMap<>(memberOfNode);
    this.replica = new FabricReplica(new ReplicaBroadcast(member, members), false);
    this.fabric = ClusterWiring.spawnFabric(ctx, kernel, spec, replica);
    this.network = ClusterWiring.network(spec);
    network.spanMembers(new MemberRoute(member, memberOfNode, driver));
    Plugins plugins = Plugins.onClassPath();
    MigrationPlugins migrationPlugins = new MigrationPlugins(plugins.algorithms(), plugins.stopRules(),
        spec.settings(), spec.migration());
    MigrationContext migration = new MigrationContext(fabric, migrationPlugins, MigrationCosts.from(spec.settings()),
        MigrationObserver.NONE, monitor);
    this.migration = migration;
    this.roles = plugins.scheduler();
    // Its facts (and its series' rows) go to the driver with each window's report: if this member is lost, the
    // driver still has them.
    member.record(window -> {
      java.util.List<ObservationLog.Entry> facts = observations.entries(factsSent, Integer.MAX_VALUE);
      factsSent += facts.size();
      if (series == null) {
        return facts;
      }
      java.util.List<Object> records = new java.util.ArrayList<>(facts);
      records.addAll(series.drain());
      return records;
    });
  }

  /** Facts sent to the driver with the window reports so far. */
  private int factsSent;

  /**
   * @param members every member of the run (each runs a replica of the fabric)
   * @param started completes with the host's reference once its replicas exist (the driver's cluster needs it)
   */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, String self, String driver,
      java.util.List<String> members, SortedMap<String, String> memberOfNode, WindowedMember member,
      CompletableFuture<ActorRef<Command>> started) {
    return create(kernel, spec, self, driver, members, memberOfNode, member, null, started);
  }

  /** As the other, its nodes' meters in {@code registry} (null: none), which this member serves to Prometheus. */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, String self, String driver,
      java.util.List<String> members, SortedMap<String, String> memberOfNode, WindowedMember member,
      MeterRegistry registry, CompletableFuture<ActorRef<Command>> started) {
    return Behaviors.setup(ctx -> {
      MemberHost h = new MemberHost(ctx, kernel, spec, self, driver, members, memberOfNode, member, registry);
      started.complete(ctx.getSelf());
      return h;
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostNodes.class, this::onHostNodes)
        .onMessage(Change.class, c -> {
          c.change().applyTo(network, fabric);
          return this;
        })
        .onMessage(GatherSeries.class, this::onGatherSeries)
        .onMessage(Gather.class, g -> {
          // Its timers, less its fabric replica's (the driver's replica fired the same) and the barrier batches.
          // (A page is copied, not the whole log: most of it went to the driver with the reports.)
          int from = Math.min(g.from(), observations.size());
          // Through the link to the driver (in parts, if many facts are asked for at once).
          member.tellAtOnce(driver, g.replyTo(), new Gathered(self, observations.entries(from, g.max()), from,
              observations.size(), replica.eventsCounted(kernel.timersFired()) - member.barrierBatchesFired()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onHostNodes(HostNodes h) {
    if (hosted) {
      throw new IllegalStateException(self + " was asked twice to host its nodes");
    }
    hosted = true;
    series = h.series() ? RunSeries.keyed(spec.metrics().series().guests(), SimTime.of(spec.simulation()
        .sampleInterval()), kernel::currentEvent) : null;
    NodeHost host = new NodeHost(kernel, spec, network, migration, roles, registry, series);
    for (NodeSpec n : spec.nodes()) {
      if (self.equals(memberOfNode.get(n.name()))) {
        host.spawn(getContext(), n, h.bootedTo());
      }
    }
    return this;
  }

  private Behavior<Command> onGatherSeries(GatherSeries g) {
    if (series == null) {
      throw new IllegalStateException(self + " was asked for its time series, and keeps none");
    }
    if (seriesTail == null) {
      seriesTail = series.drain();
      series.close(g.endNanos());
    }
    java.util.List<SeriesRow> closing = series.closing();
    int total = seriesTail.size() + closing.size();
    int from = Math.min(g.from(), total);
    int to = (int) Math.min(total, (long) from + g.max());
    int split = seriesTail.size();
    java.util.List<KeyedRow> rows = java.util.List.copyOf(seriesTail.subList(Math.min(from, split), Math.min(to, split)));
    java.util.List<SeriesRow> closed = java.util.List.copyOf(closing.subList(Math.max(from, split) - split,
        Math.max(to, split) - split));
    member.tellAtOnce(driver, g.replyTo(), new GatheredSeries(self, rows, closed, from, total));
    return this;
  }
}
