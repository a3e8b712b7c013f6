package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.net.Fabric;

/**
 * What a Dom0 needs to migrate guests: the network fabric, the run's algorithms and stop rules (with the
 * cluster's migration settings), the costs, where to report for its node's meters, and the run's
 * invariant monitor (told when a migration starts, sends GO, ends, and what the final copy left behind).
 */
public record MigrationContext(
    ActorRef<Fabric.Command> fabric, MigrationPlugins plugins, MigrationCosts costs, MigrationObserver observer,
    InvariantMonitor monitor) {

  /** The same context reporting to {@code other}. */
  public MigrationContext withObserver(MigrationObserver other) {
    return new MigrationContext(fabric, plugins, costs, other, monitor);
  }

  /** The user's per-migration bandwidth cap in bits/s (0 = none, also when unset): a post-copy push's. */
  long bandwidthCap() {
    return plugins.defaults().userCapOrNone();
  }
}
