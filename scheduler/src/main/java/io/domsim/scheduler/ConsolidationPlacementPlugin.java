package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.Plugin;
import io.domsim.scheduler.consolidation.ConsolidationPlacement;

/**
 * Where guests moved by consolidation go, as a plug-in: named by {@code scheduler.consolidation.placement},
 * found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.domsim.scheduler.ConsolidationPlacementPlugin}.
 */
public interface ConsolidationPlacementPlugin extends Plugin {

  /**
   * The placement for one run.
   *
   * @param settings its own subtree, {@code domsim.scheduler.consolidation-placements.<name>} (empty when
   *     absent)
   */
  ConsolidationPlacement create(Config settings);
}
