package io.domsim.scheduler.consolidation;

/**
 * The overload detectors of Beloglazov and Buyya 2012, section 6: a static threshold (THR), adaptive
 * thresholds from the spread of the host's history (IQR, MAD), and a prediction by local regression (LR)
 * or robust local regression (LRR). The adaptive ones fall back to THR at {@link #FALLBACK_THRESHOLD}
 * until the history is long enough, as CloudSim 3.0.3's PlanetLab runs configure them.
 *
 * <p>Where domsim and CloudSim 3.0.3 differ (docs/architecture.md, "Consolidation"): LR and LRR fit with
 * the paper's tricube (and bisquare) weights, where CloudSim's weighting is never applied (its weights are
 * inverted and never zero, so it fits plain least squares and LR and LRR agree); and they look ahead by the
 * longest migration time in intervals as it is, where CloudSim rounds it up to whole intervals.
 */
public final class OverloadDetectors {
  private OverloadDetectors() {}

  /** THR's threshold while an adaptive detector's history is too short (CloudSim's PlanetLab runs). */
  public static final double FALLBACK_THRESHOLD = 0.7;
  /** History values IQR and MAD need: "12 has been suggested as a safe value" (CloudSim 3.0.3). */
  public static final int MIN_SPREAD_HISTORY = 12;
  /** The values LR and LRR fit, the most recent: responsive to the latest load (the paper, CloudSim). */
  public static final int REGRESSION_WINDOW = 10;

  /** THR: overloaded when the utilisation now is above {@code threshold}. */
  public static OverloadDetector threshold(double threshold) {
    return load -> load.utilisation() > threshold;
  }

  /** IQR: overloaded when the utilisation now is above 1 - s x IQR(history). */
  public static OverloadDetector interQuartileRange(double s) {
    return load -> {
      double[] h = load.trimmedHistory();
      if (h.length < MIN_SPREAD_HISTORY) {
        return load.utilisation() > FALLBACK_THRESHOLD;
      }
      return load.utilisation() > 1 - s * ConsolidationMath.iqr(h);
    };
  }

  /** MAD: overloaded when the utilisation now is above 1 - s x MAD(history). */
  public static OverloadDetector medianAbsoluteDeviation(double s) {
    return load -> {
      double[] h = load.trimmedHistory();
      if (h.length < MIN_SPREAD_HISTORY) {
        return load.utilisation() > FALLBACK_THRESHOLD;
      }
      return load.utilisation() > 1 - s * ConsolidationMath.mad(h);
    };
  }

  /**
   * LR: fits a line to the last {@link #REGRESSION_WINDOW} history values with tricube weights (loess at
   * the most recent value), predicts the utilisation the longest migration time ahead, and calls the host
   * overloaded when s x the prediction is at least 1.
   */
  public static OverloadDetector localRegression(double s) {
    return load -> predicted(load, false, s);
  }

  /** LRR: as LR, with one robustness iteration (bisquare weights on the residuals) against outliers. */
  public static OverloadDetector robustLocalRegression(double s) {
    return load -> predicted(load, true, s);
  }

  private static boolean predicted(HostLoad load, boolean robust, double s) {
    double[] h = load.trimmedHistory();
    if (h.length < REGRESSION_WINDOW) {
      return load.utilisation() > FALLBACK_THRESHOLD;
    }
    double[] y = java.util.Arrays.copyOfRange(h, h.length - REGRESSION_WINDOW, h.length);
    double[] fit = robust ? ConsolidationMath.robustLoess(y) : ConsolidationMath.loess(y);
    double ahead = REGRESSION_WINDOW + load.maxMigrationSeconds() / load.intervalSeconds();
    return s * (fit[0] + fit[1] * ahead) >= 1;
  }
}
