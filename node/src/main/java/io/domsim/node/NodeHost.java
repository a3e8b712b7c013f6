package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.ActorContext;
import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.ShutdownTimes;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.DirtyModel;
import io.domsim.hypervisor.LogDirtyCosts;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.node.series.RunSeries;
import io.domsim.scheduler.SchedulerPlugins;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What one member needs to host simulated nodes, and their spawning: the run's settings read once, the
 * member's control network, fabric and invariant monitor (in {@code migration}), the registries its Dom0s make
 * their roles' policies from, and where its meters and series go. A hosted node reports in with
 * {@link Node.Booted} (its own ref and its Dom0's, which cross members) to the ref it is given, and that report
 * is all the {@link Cluster} knows of it: it never holds a ref from the spawn, so a node spawned by another
 * member's host reports in the same way.
 */
final class NodeHost {
  private final SimKernel kernel;
  private final CostSettings costs;
  private final Network network;
  private final long sampleIntervalNanos;
  private final MeterRegistry registry;
  private final RunSeries series;
  private final MigrationContext migration;
  private final DirtyModel dirtyModel;
  private final LogDirtyCosts logDirtyCosts;
  private final ShutdownTimes shutdownTimes;
  private final SchedulerPlugins roles;

  /**
   * @param registry the meters' registry, null for none
   * @param series the run's time series, null for none
   */
  NodeHost(SimKernel kernel, ClusterSpec spec, Network network, MigrationContext migration, SchedulerPlugins roles,
      MeterRegistry registry, RunSeries series) {
    this.kernel = kernel;
    this.costs = CostSettings.from(spec.settings());
    this.network = network;
    this.sampleIntervalNanos = SimTime.of(spec.simulation().sampleInterval());
    this.registry = registry;
    this.series = series;
    this.migration = migration;
    this.dirtyModel = DirtyModel.from(spec.settings());
    this.logDirtyCosts = LogDirtyCosts.from(spec.settings());
    this.shutdownTimes = ShutdownTimes.from(spec.settings());
    this.roles = roles;
  }

  /** Spawns node {@code n} as a child of {@code ctx}'s actor; it boots at once and reports to {@code bootedTo}. */
  void spawn(ActorContext<?> ctx, NodeSpec n, ActorRef<Node.Booted> bootedTo) {
    NodeMeters meters = registry == null ? null : new NodeMeters(registry, n);
    kernel.spawn(ctx, Node.create(kernel, n, costs, network, sampleIntervalNanos, meters,
        series == null ? null : series.node(n, kernel.now()), migration, dirtyModel, logDirtyCosts, shutdownTimes,
        roles, bootedTo), ClusterWiring.actorName(n.name()));
  }
}
