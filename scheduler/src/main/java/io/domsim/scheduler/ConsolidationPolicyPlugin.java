package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.Plugin;

/**
 * A consolidation policy as a plug-in: named by {@code scheduler.consolidation}, found with
 * {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.domsim.scheduler.ConsolidationPolicyPlugin}.
 */
public interface ConsolidationPolicyPlugin extends Plugin {

  /**
   * The policy for one run.
   *
   * @param settings this policy's own subtree, {@code domsim.scheduler.consolidation-policies.<name>}
   *     (empty when the configuration has none)
   */
  ConsolidationPolicy create(Config settings);
}
