package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.NamedPlugin;
import io.domsim.scheduler.consolidation.ConsolidationPlacement;
import io.domsim.scheduler.consolidation.Pabfd;

/** domsim's own placements for moved guests, registered as plug-ins like anyone's. */
public final class BuiltInConsolidationPlacements {
  private BuiltInConsolidationPlacements() {}

  public static final class PowerAwareBestFitDecreasing extends NamedPlugin implements ConsolidationPlacementPlugin {
    public PowerAwareBestFitDecreasing() {
      super("pabfd", "power-aware best-fit decreasing: largest demand first, each to the host whose power rises"
          + " least");
    }

    @Override
    public ConsolidationPlacement create(Config settings) {
      return new Pabfd();
    }
  }
}
