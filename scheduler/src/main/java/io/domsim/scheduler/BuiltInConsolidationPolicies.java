package io.domsim.scheduler;

import io.domsim.config.plugin.NamedPlugin;
import io.domsim.config.plugin.PluginParameter;
import io.domsim.scheduler.consolidation.ConsolidationStep;
import io.domsim.scheduler.consolidation.OverloadDetector;
import io.domsim.scheduler.consolidation.OverloadDetectors;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * domsim's own consolidation policies, registered as plug-ins like anyone's: {@code none}, and Beloglazov
 * and Buyya's overload detectors, each composed with the configured selection and placement into a
 * {@link ConsolidationStep}. The default parameters are the paper's, as in CloudSim 3.0.3's PlanetLab runs.
 */
public final class BuiltInConsolidationPolicies {
  private BuiltInConsolidationPolicies() {}

  /** Moves no guest: the default, and what every run did before consolidation. */
  public static final class None extends NamedPlugin implements ConsolidationPolicyPlugin {
    public None() {
      super("none", "never migrates a guest; with switch-off-idle, switches off the hosts that hold none");
    }

    @Override
    public ConsolidationPolicy create(Setup setup) {
      return setup.options().switchOffIdle()
          ? (dataCentre, random) -> ConsolidationStep.switchOffIdle(dataCentre)
          : ConsolidationPolicy.NONE;
    }
  }

  /** A detector with one parameter, run through the full step. */
  private abstract static class Detecting extends NamedPlugin implements ConsolidationPolicyPlugin {
    private final PluginParameter parameter;
    private final DoubleFunction<OverloadDetector> detector;

    Detecting(String name, String description, PluginParameter parameter, DoubleFunction<OverloadDetector> detector) {
      super(name, description);
      this.parameter = parameter;
      this.detector = detector;
    }

    @Override
    public final Optional<PluginParameter> parameter() {
      return Optional.of(parameter);
    }

    @Override
    public final ConsolidationPolicy create(Setup setup) {
      double p = setup.parameter().orElse(parameter.defaultValue());
      if (!parameter.accepts(p)) {
        throw new IllegalArgumentException("scheduler.consolidation.parameter " + p + " is out of range for " + name()
            + "; use " + parameter.range());
      }
      ConsolidationStep step = new ConsolidationStep(detector.apply(p), setup.selection(), setup.placement(),
          setup.options());
      return step::decide;
    }
  }

  private static PluginParameter safety(double defaultValue, boolean zeroAllowed) {
    return new PluginParameter("safety parameter", defaultValue, 0, zeroAllowed, Double.POSITIVE_INFINITY);
  }

  public static final class Thr extends Detecting {
    public Thr() {
      super("thr", "static threshold: a host is overloaded when its CPU utilisation is above the parameter",
          new PluginParameter("CPU utilisation threshold", 0.8, 0, false, 1), OverloadDetectors::threshold);
    }
  }

  public static final class Iqr extends Detecting {
    public Iqr() {
      super("iqr", "interquartile range: overloaded above 1 - parameter x the IQR of the host's CPU history",
          safety(1.5, true), OverloadDetectors::interQuartileRange);
    }
  }

  public static final class Mad extends Detecting {
    public Mad() {
      super("mad", "median absolute deviation: overloaded above 1 - parameter x the MAD of the host's CPU history",
          safety(2.5, true), OverloadDetectors::medianAbsoluteDeviation);
    }
  }

  public static final class Lr extends Detecting {
    public Lr() {
      super("lr", "local regression: overloaded when parameter x the CPU utilisation predicted a migration ahead"
          + " reaches 100%", safety(1.2, false), OverloadDetectors::localRegression);
    }
  }

  public static final class Lrr extends Detecting {
    public Lrr() {
      super("lrr", "robust local regression: as lr, with outliers of the history weighed down",
          safety(1.2, false), OverloadDetectors::robustLocalRegression);
    }
  }
}
