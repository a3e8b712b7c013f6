package io.domsim.node;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.PluginParameter;
import io.domsim.config.plugin.Registry;
import io.domsim.migration.MigrationAlgorithm;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.StopRulePlugin;
import io.domsim.scheduler.ConsolidationPlacementPlugin;
import io.domsim.scheduler.ConsolidationPolicyPlugin;
import io.domsim.scheduler.GuestSelectionPlugin;
import io.domsim.scheduler.PlacementPolicyPlugin;
import io.domsim.scheduler.SchedulerPlugins;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Every plug-in registry of a run, found on the class path (domsim's built-ins and the jars named in
 * {@code DOMSIM_PLUGINS}): what a configuration may name, and what the run is then built from.
 */
public record Plugins(Registry<PlacementPolicyPlugin> placement, Registry<ConsolidationPolicyPlugin> consolidation,
    Registry<GuestSelectionPlugin> selection, Registry<ConsolidationPlacementPlugin> consolidationPlacement,
    Registry<MigrationAlgorithm> algorithms, Registry<StopRulePlugin> stopRules) implements PluginCatalog {

  /** The plug-ins on domsim's class path. */
  public static Plugins onClassPath() {
    return new Plugins(Registry.load(PluginKind.PLACEMENT, PlacementPolicyPlugin.class),
        Registry.load(PluginKind.CONSOLIDATION, ConsolidationPolicyPlugin.class),
        Registry.load(PluginKind.GUEST_SELECTION, GuestSelectionPlugin.class),
        Registry.load(PluginKind.CONSOLIDATION_PLACEMENT, ConsolidationPlacementPlugin.class),
        MigrationPlugins.algorithmRegistry(), MigrationPlugins.stopRuleRegistry());
  }

  /** The pool master's and the consolidator's registries, which every Dom0 makes its roles' policies from. */
  public SchedulerPlugins scheduler() {
    return new SchedulerPlugins(placement, consolidation, selection, consolidationPlacement);
  }

  @Override
  public SortedSet<String> names(PluginKind kind) {
    return switch (kind) {
      case PLACEMENT -> placement.names();
      case CONSOLIDATION -> consolidation.names();
      case GUEST_SELECTION -> selection.names();
      case CONSOLIDATION_PLACEMENT -> consolidationPlacement.names();
      case MIGRATION_ALGORITHM -> algorithms.names();
      case STOP_RULE -> stopRules.names();
    };
  }

  @Override
  public Optional<PluginParameter> parameter(PluginKind kind, String name) {
    return kind == PluginKind.CONSOLIDATION
        ? consolidation.find(name).flatMap(ConsolidationPolicyPlugin::parameter) : Optional.empty();
  }
}
