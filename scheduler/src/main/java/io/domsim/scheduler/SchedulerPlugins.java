package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.ConsolidationSpec;
import io.domsim.config.plugin.PluginChoice;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.Registry;
import io.domsim.scheduler.consolidation.ConsolidationOptions;

/**
 * The registries of the pool master's and the consolidator's plug-ins: what names the operator sends (a
 * {@link PluginChoice}, a {@link ConsolidationChoice}), and what a Dom0 makes its roles' policies from, on
 * whichever member it runs.
 */
public record SchedulerPlugins(Registry<PlacementPolicyPlugin> placement,
    Registry<ConsolidationPolicyPlugin> consolidation, Registry<GuestSelectionPlugin> selection,
    Registry<ConsolidationPlacementPlugin> consolidationPlacement) {

  /** The plug-ins on domsim's class path. */
  public static SchedulerPlugins onClassPath() {
    return new SchedulerPlugins(Registry.load(PluginKind.PLACEMENT, PlacementPolicyPlugin.class),
        Registry.load(PluginKind.CONSOLIDATION, ConsolidationPolicyPlugin.class),
        Registry.load(PluginKind.GUEST_SELECTION, GuestSelectionPlugin.class),
        Registry.load(PluginKind.CONSOLIDATION_PLACEMENT, ConsolidationPlacementPlugin.class));
  }

  /**
   * The placement policy {@code name} with its settings.
   *
   * @param settings the merged configuration under {@code domsim} ({@code ClusterSpec.settings()})
   */
  public PluginChoice placementChoice(String name, Config settings) {
    return PluginChoice.of(placement, name, settings);
  }

  /** The placement policy a message names, made afresh. */
  public PlacementPolicy placement(PluginChoice choice) {
    return placement.get(choice).create(choice.settings());
  }

  /**
   * The configured consolidation, as names and settings.
   *
   * @param settings the merged configuration under {@code domsim} ({@code ClusterSpec.settings()})
   * @param powerOnWhenNothingFits whether a guest leaving an overloaded host may have a host powered on for it
   */
  public ConsolidationChoice consolidationChoice(ConsolidationSpec spec, Config settings,
      boolean powerOnWhenNothingFits) {
    return new ConsolidationChoice(PluginChoice.of(consolidation, spec.policy(), settings), spec.parameter(),
        PluginChoice.of(selection, spec.selection(), settings),
        PluginChoice.of(consolidationPlacement, spec.placement(), settings),
        new ConsolidationOptions(spec.switchOffIdle(), powerOnWhenNothingFits));
  }

  /** The consolidation policy a message names, made afresh (as {@link Consolidations#create} makes it). */
  public ConsolidationPolicy consolidation(ConsolidationChoice choice) {
    var guestSelection = selection.get(choice.selection()).create(choice.selection().settings());
    var placementOfMoved = consolidationPlacement.get(choice.placement()).create(choice.placement().settings());
    return consolidation.get(choice.policy()).create(new ConsolidationPolicyPlugin.Setup(
        choice.policy().settings(), choice.parameter(), guestSelection, placementOfMoved, choice.options()));
  }
}
