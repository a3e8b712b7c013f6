package io.domsim.migration;

import com.typesafe.config.Config;
import io.domsim.config.MigrationSpec;
import io.domsim.config.plugin.Plugin;

/**
 * A pre-copy stop rule as a plug-in: named by {@code migration.policy} (or a scenario action's
 * {@code policy}), found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.domsim.migration.StopRulePlugin}.
 */
public interface StopRulePlugin extends Plugin {

  /**
   * The rule for a run.
   *
   * @param settings its own subtree, {@code domsim.migration.stop-rules.<name>} (empty when absent)
   * @param cluster the cluster's migration settings ({@code downtime-limit}, {@code auto-converge}, ...)
   */
  StopRule create(Config settings, MigrationSpec cluster);
}
