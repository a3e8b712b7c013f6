package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.ConsolidationSpec;
import io.domsim.config.plugin.Registry;
import io.domsim.scheduler.consolidation.ConsolidationOptions;

/** Builds a run's consolidation policy from {@code scheduler.consolidation} and the plug-in registries. */
public final class Consolidations {
  private Consolidations() {}

  /**
   * The configured policy, its selection and placement each made from its own settings subtree.
   *
   * @param settings the merged configuration under {@code domsim} ({@code ClusterSpec.settings()})
   * @param powerOnWhenNothingFits whether a guest leaving an overloaded host may have a host powered on for it
   */
  public static ConsolidationPolicy create(ConsolidationSpec spec, Registry<ConsolidationPolicyPlugin> policies,
      Registry<GuestSelectionPlugin> selections, Registry<ConsolidationPlacementPlugin> placements, Config settings,
      boolean powerOnWhenNothingFits) {
    var selection = selections.get(spec.selection()).create(selections.settingsOf(spec.selection(), settings));
    var placement = placements.get(spec.placement()).create(placements.settingsOf(spec.placement(), settings));
    ConsolidationOptions options = new ConsolidationOptions(spec.switchOffIdle(), powerOnWhenNothingFits);
    return policies.get(spec.policy()).create(new ConsolidationPolicyPlugin.Setup(
        policies.settingsOf(spec.policy(), settings), spec.parameter(), selection, placement, options));
  }
}
