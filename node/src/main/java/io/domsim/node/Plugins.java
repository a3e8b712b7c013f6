package io.domsim.node;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.Registry;
import io.domsim.migration.MigrationAlgorithm;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.StopRulePlugin;
import io.domsim.scheduler.ConsolidationPolicyPlugin;
import io.domsim.scheduler.PlacementPolicyPlugin;
import java.util.SortedSet;

/**
 * Every plug-in registry of a run, found on the class path (domsim's built-ins and the jars named in
 * {@code DOMSIM_PLUGINS}): what a configuration may name, and what the run is then built from.
 */
public record Plugins(Registry<PlacementPolicyPlugin> placement, Registry<ConsolidationPolicyPlugin> consolidation,
    Registry<MigrationAlgorithm> algorithms, Registry<StopRulePlugin> stopRules) implements PluginCatalog {

  /** The plug-ins on domsim's class path. */
  public static Plugins onClassPath() {
    return new Plugins(Registry.load(PluginKind.PLACEMENT, PlacementPolicyPlugin.class),
        Registry.load(PluginKind.CONSOLIDATION, ConsolidationPolicyPlugin.class),
        MigrationPlugins.algorithmRegistry(), MigrationPlugins.stopRuleRegistry());
  }

  @Override
  public SortedSet<String> names(PluginKind kind) {
    return switch (kind) {
      case PLACEMENT -> placement.names();
      case CONSOLIDATION -> consolidation.names();
      case MIGRATION_ALGORITHM -> algorithms.names();
      case STOP_RULE -> stopRules.names();
    };
  }
}
