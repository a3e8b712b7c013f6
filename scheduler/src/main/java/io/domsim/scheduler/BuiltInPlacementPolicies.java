package io.domsim.scheduler;

import com.typesafe.config.Config;
import io.domsim.config.plugin.NamedPlugin;

/** domsim's own placement policies, registered as plug-ins like anyone's. */
public final class BuiltInPlacementPolicies {
  private BuiltInPlacementPolicies() {}

  /** A stateless built-in: its name, its sentence, its policy. */
  private abstract static class Stateless extends NamedPlugin implements PlacementPolicyPlugin {
    private final PlacementPolicy policy;

    Stateless(String name, String description, PlacementPolicy policy) {
      super(name, description);
      this.policy = policy;
    }

    @Override
    public PlacementPolicy create(Config settings) {
      return policy;
    }
  }

  public static final class FirstFit extends Stateless {
    public FirstFit() {
      super("first-fit", "the first node, in configuration order, where the guest fits", PlacementPolicy.FIRST_FIT);
    }
  }

  public static final class BestFit extends Stateless {
    public BestFit() {
      super("best-fit", "the node left with the least free memory: packs guests tightly", PlacementPolicy.BEST_FIT);
    }
  }

  public static final class WorstFit extends Stateless {
    public WorstFit() {
      super("worst-fit", "the node left with the most free memory: spreads guests out", PlacementPolicy.WORST_FIT);
    }
  }
}
