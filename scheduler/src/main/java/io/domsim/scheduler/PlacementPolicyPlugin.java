package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.Plugin;

/**
 * A placement policy as a plug-in: named by {@code scheduler.placement}, found with
 * {@link java.util.ServiceLoader} through {@code META-INF/services/io.domsim.scheduler.PlacementPolicyPlugin}.
 */
public interface PlacementPolicyPlugin extends Plugin {

  /**
   * The policy for one run.
   *
   * @param settings this policy's own subtree, {@code domsim.scheduler.placement-policies.<name>} (empty
   *     when the configuration has none)
   */
  PlacementPolicy create(Config settings);
}
