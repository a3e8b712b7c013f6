package io.domsim.scheduler.consolidation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each detector against the paper's definition on histories small enough to follow by hand. */
class OverloadDetectorsTest {

  private static HostLoad load(double now, double... history) {
    return new HostLoad(now, history, 0, 300);
  }

  /** The values 0.05, 0.10, ..., 0.60 shuffled: IQR 0.35 (see ConsolidationMathTest). */
  private static final double[] SPREAD = {0.30, 0.05, 0.60, 0.15, 0.45, 0.10, 0.55, 0.20, 0.40, 0.25, 0.50, 0.35};

  @Test
  void thrIsOverloadedStrictlyAboveTheThreshold() {
    OverloadDetector thr = OverloadDetectors.threshold(0.8);
    assertTrue(thr.overloaded(load(0.85)));
    assertFalse(thr.overloaded(load(0.8)));
    assertFalse(thr.overloaded(load(0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)), "THR reads only the utilisation now");
  }

  @Test
  void iqrThresholdIsOneMinusSTimesTheIqr() {
    // 1 - 1.5 x 0.35 = 0.475.
    OverloadDetector iqr = OverloadDetectors.interQuartileRange(1.5);
    assertTrue(iqr.overloaded(load(0.48, SPREAD)));
    assertFalse(iqr.overloaded(load(0.47, SPREAD)));
    // With s = 1 the threshold is 0.65.
    assertFalse(OverloadDetectors.interQuartileRange(1).overloaded(load(0.6, SPREAD)));
  }

  @Test
  void madThresholdIsOneMinusSTimesTheMad() {
    // MAD 0.05 (see ConsolidationMathTest): 1 - 2.5 x 0.05 = 0.875.
    double[] h = {0.5, 0.5, 0.6, 0.4, 0.5, 0.7, 0.3, 0.5, 0.8, 0.2, 0.5, 0.5};
    OverloadDetector mad = OverloadDetectors.medianAbsoluteDeviation(2.5);
    assertTrue(mad.overloaded(load(0.88, h)));
    assertFalse(mad.overloaded(load(0.87, h)));
  }

  @Test
  void iqrAndMadFallBackToThrPointSevenUntilTwelveValuesFromTheFirstNonZero() {
    double[] eleven = java.util.Arrays.copyOf(SPREAD, 11);
    // 0.5 is above IQR's threshold (0.475 with twelve values) but below the fallback's 0.7.
    assertFalse(OverloadDetectors.interQuartileRange(1.5).overloaded(load(0.5, eleven)));
    assertTrue(OverloadDetectors.interQuartileRange(1.5).overloaded(load(0.71, eleven)));
    assertFalse(OverloadDetectors.medianAbsoluteDeviation(2.5).overloaded(load(0.69, eleven)));
    // Zeros before the first load are the time before the guests existed: not history.
    double[] leadingZeros = new double[13];
    System.arraycopy(eleven, 0, leadingZeros, 2, 11);
    assertFalse(OverloadDetectors.interQuartileRange(1.5).overloaded(load(0.5, leadingZeros)));
    // A zero after the first load counts: twelve values, sorted 0, 0.05, ..., 0.30, 0.40, ..., 0.60:
    // Q1 = s3 = 0.10, Q3 = s10 = 0.50, IQR 0.40, threshold 1 - 1.5 x 0.4 = 0.4.
    double[] zeroInside = new double[12];
    System.arraycopy(eleven, 0, zeroInside, 0, 11);
    assertTrue(OverloadDetectors.interQuartileRange(1.5).overloaded(load(0.5, zeroInside)));
  }

  /** y = 0.3 + 0.05 x at x = 1..10 (0.35 ... 0.80): every weighted fit is the line itself. */
  private static final double[] RISING = {0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80};

  @Test
  void lrPredictsTheLongestMigrationTimeAhead() {
    // 150 s migrations, 300 s intervals: half an interval ahead, x = 10.5: 0.3 + 0.05 x 10.5 = 0.825.
    // s = 1.2: 0.99 < 1, not overloaded; s = 1.25: 1.03 >= 1.
    HostLoad half = new HostLoad(0.8, RISING, 150, 300);
    assertFalse(OverloadDetectors.localRegression(1.2).overloaded(half));
    assertTrue(OverloadDetectors.localRegression(1.25).overloaded(half));
    // 300 s migrations: x = 11, 0.85 x 1.2 = 1.02: a longer migration makes the same host overloaded.
    assertTrue(OverloadDetectors.localRegression(1.2).overloaded(new HostLoad(0.8, RISING, 300, 300)));
  }

  @Test
  void lrFitsTheLastTenValuesOnly() {
    // Older values before the last ten do not move the line.
    double[] longer = new double[14];
    longer[0] = longer[1] = longer[2] = longer[3] = 0.99;
    System.arraycopy(RISING, 0, longer, 4, 10);
    assertFalse(OverloadDetectors.localRegression(1.2).overloaded(new HostLoad(0.8, longer, 150, 300)));
  }

  @Test
  void lrWeighsByTricubeWhereCloudSimFitsPlainLeastSquares() {
    // (1.0, 0.5 x9): loess gives 0.5 at x = 10; 2.1 x 0.5 = 1.05 >= 1: overloaded. Plain least squares
    // (CloudSim 3.0.3, whose weights are never applied) gives 0.427 and 0.897: not overloaded.
    double[] h = {1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    assertTrue(OverloadDetectors.localRegression(2.1).overloaded(new HostLoad(0.5, h, 0, 300)));
  }

  @Test
  void lrrIgnoresASpikeThatMakesLrCallTheHostOverloaded() {
    // RISING with 0.4 added at x = 8 (see ConsolidationMathTest): LR predicts 0.895 at x = 10, LRR 0.80.
    // s = 1.15: LR 1.029 >= 1, overloaded; LRR 0.92, not.
    double[] h = RISING.clone();
    h[7] += 0.4;
    HostLoad spiky = new HostLoad(0.8, h, 0, 300);
    assertTrue(OverloadDetectors.localRegression(1.15).overloaded(spiky));
    assertFalse(OverloadDetectors.robustLocalRegression(1.15).overloaded(spiky));
  }

  @Test
  void lrAndLrrFallBackToThrPointSevenWithFewerThanTenValues() {
    double[] nine = java.util.Arrays.copyOfRange(RISING, 1, 10);
    // A fit would call the host overloaded (the last value alone is 0.8, and 2 x 0.8 >= 1); the fallback
    // compares the utilisation now with 0.7.
    assertFalse(OverloadDetectors.localRegression(2).overloaded(new HostLoad(0.69, nine, 0, 300)));
    assertTrue(OverloadDetectors.robustLocalRegression(2).overloaded(new HostLoad(0.71, nine, 0, 300)));
  }
}
