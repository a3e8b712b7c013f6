package io.domsim.scheduler;

import io.domsim.config.plugin.PluginChoice;
import io.domsim.scheduler.consolidation.ConsolidationOptions;
import java.util.OptionalDouble;

/**
 * A consolidation policy as a message names it (its Dom0 makes the policy through its own registries,
 * {@link SchedulerPlugins#consolidation}): the policy, its guest selection and its placement for moved guests,
 * each with its settings, the policy's parameter and what the step may do besides moving guests.
 */
public record ConsolidationChoice(PluginChoice policy, OptionalDouble parameter, PluginChoice selection,
    PluginChoice placement, ConsolidationOptions options) {}
