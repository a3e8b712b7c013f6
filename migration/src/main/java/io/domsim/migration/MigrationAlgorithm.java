package io.domsim.migration;

import com.typesafe.config.Config;
import io.domsim.config.plugin.Plugin;

/**
 * A live-migration algorithm as a plug-in: named by {@code migration.algorithm} (or a scenario action's
 * {@code algorithm}), found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.domsim.migration.MigrationAlgorithm}.
 *
 * <p>An algorithm is a {@link MigrationShape}: the one protocol machine ({@link SourceProtocol},
 * {@link TargetProtocol}) and the Dom0's sender carry out any shape, so the safety rules (one running
 * copy, nothing resumed after GO) hold for every algorithm, built in or not.
 */
public interface MigrationAlgorithm extends Plugin {

  /**
   * How this algorithm goes through the protocol.
   *
   * @param settings its own subtree, {@code domsim.migration.algorithms.<name>} (empty when absent)
   */
  MigrationShape shape(Config settings);
}
