package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.net.Fabric;

/**
 * What a Dom0 needs to migrate guests: the network fabric, the run's algorithms and stop rules (with the
 * cluster's migration settings), the costs, and where to report for its node's meters.
 */
public record MigrationContext(
    ActorRef<Fabric.Command> fabric, MigrationPlugins plugins, MigrationCosts costs, MigrationObserver observer) {

  /** The same context reporting to {@code other}. */
  public MigrationContext withObserver(MigrationObserver other) {
    return new MigrationContext(fabric, plugins, costs, other);
  }

  /** The per-migration bandwidth cap in bits/s; 0 = none. */
  long bandwidthCap() {
    return plugins.defaults().bandwidthBitsPerSecond();
  }
}
