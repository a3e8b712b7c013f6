package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.Plugin;
import io.domsim.config.plugin.PluginParameter;
import io.domsim.scheduler.consolidation.ConsolidationOptions;
import io.domsim.scheduler.consolidation.ConsolidationPlacement;
import io.domsim.scheduler.consolidation.GuestSelection;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A consolidation policy as a plug-in: named by {@code scheduler.consolidation.policy}, found with
 * {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.domsim.scheduler.ConsolidationPolicyPlugin}.
 */
public interface ConsolidationPolicyPlugin extends Plugin {

  /**
   * The number this policy takes from {@code scheduler.consolidation.parameter}, its default and range, so
   * that the configuration check fills in the default and refuses a value out of range; empty for none.
   */
  default Optional<PluginParameter> parameter() {
    return Optional.empty();
  }

  /** The policy for one run. */
  ConsolidationPolicy create(Setup setup);

  /**
   * What a policy is made from.
   *
   * @param settings this policy's own subtree, {@code domsim.scheduler.consolidation-policies.<name>} (empty
   *     when the configuration has none)
   * @param parameter {@code scheduler.consolidation.parameter}, or its {@link #parameter()} default; empty
   *     when the policy declares none
   * @param selection the configured guest selection
   * @param placement the configured placement for moved guests
   * @param options what the step may do besides moving guests off overloaded hosts
   */
  record Setup(Config settings, OptionalDouble parameter, GuestSelection selection, ConsolidationPlacement placement,
      ConsolidationOptions options) {}
}
