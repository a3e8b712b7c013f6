package io.domsim.scheduler;

import com.typesafe.config.Config;

/** domsim's own consolidation policies, registered as plug-ins like anyone's. */
public final class BuiltInConsolidationPolicies {
  private BuiltInConsolidationPolicies() {}

  /** Leaves every guest where it was placed: the default, and what every run did before consolidation. */
  public static final class None implements ConsolidationPolicyPlugin {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public String description() {
      return "never migrates a guest: each stays where it was placed";
    }

    @Override
    public ConsolidationPolicy create(Config settings) {
      return ConsolidationPolicy.NONE;
    }
  }
}
