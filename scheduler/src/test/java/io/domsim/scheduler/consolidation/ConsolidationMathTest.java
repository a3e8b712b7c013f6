package io.domsim.scheduler.consolidation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConsolidationMathTest {
  private static final double EPS = 1e-12;

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(3, ConsolidationMath.median(new double[] {5, 1, 3}), EPS);
    assertEquals(2.5, ConsolidationMath.median(new double[] {4, 1, 3, 2}), EPS);
  }

  @Test
  void iqrTakesTheQuartilesAtRoundedPositionsAsCloudSimDoes() {
    // n = 12: Q1 at round(0.25 x 13) = round(3.25) = 3, Q3 at round(9.75) = 10 (counting from 1).
    // The values 0.05, 0.10, ..., 0.60 shuffled: Q1 = 0.15, Q3 = 0.50, IQR = 0.35.
    double[] h = {0.30, 0.05, 0.60, 0.15, 0.45, 0.10, 0.55, 0.20, 0.40, 0.25, 0.50, 0.35};
    assertEquals(0.35, ConsolidationMath.iqr(h), EPS);
    // n = 5: Q1 at round(1.5) = 2, Q3 at round(4.5) = 5 (half up): of 1..5, 5 - 2 = 3.
    assertEquals(3, ConsolidationMath.iqr(new double[] {5, 4, 3, 2, 1}), EPS);
  }

  @Test
  void madIsTheMedianOfTheAbsoluteDeviationsFromTheMedian() {
    // Median of {0.2, 0.3, 0.4, 0.5 x6, 0.6, 0.7, 0.8} is 0.5; the deviations are 0 x6, 0.1, 0.1, 0.2, 0.2,
    // 0.3, 0.3, whose median is (0 + 0.1) / 2 = 0.05.
    double[] h = {0.5, 0.5, 0.6, 0.4, 0.5, 0.7, 0.3, 0.5, 0.8, 0.2, 0.5, 0.5};
    assertEquals(0.05, ConsolidationMath.mad(h), EPS);
  }

  @Test
  void tricubeWeighsTheLastPointOneAndTheFirstZero() {
    double[] w = ConsolidationMath.tricubeWeights(10);
    assertEquals(0, w[0], EPS);
    assertEquals(1, w[9], EPS);
    // u = 1/9 for the ninth: (1 - 1/729)^3 = (728/729)^3.
    assertEquals(Math.pow(728.0 / 729, 3), w[8], EPS);
    for (int i = 1; i < 10; i++) {
      assertTrue(w[i] > w[i - 1], "weights rise towards the most recent value");
    }
  }

  @Test
  void aWeightedLineThroughPointsOnALineIsThatLine() {
    // y = 0.3 + 0.05 x at x = 1..10: any positive weights give a = 0.3, b = 0.05.
    double[] y = new double[10];
    for (int i = 0; i < 10; i++) {
      y[i] = 0.3 + 0.05 * (i + 1);
    }
    assertArrayEquals(new double[] {0.3, 0.05}, ConsolidationMath.loess(y), EPS);
    assertArrayEquals(new double[] {0.3, 0.05}, ConsolidationMath.robustLoess(y), EPS);
  }

  @Test
  void loessIgnoresTheOldestValueWhichPlainLeastSquaresDoesNot() {
    // y = (1.0, 0.5 x9): the tricube weight of x = 1 is 0, so the line is y = 0.5 exactly. Unweighted least
    // squares (what CloudSim 3.0.3 fits): mean x 5.5, mean y 0.55, Sxy = -4.5 x 0.45 - 0.05 x 4.5 = -2.25,
    // Sxx = 82.5, b = -0.0272..., a = 0.55 + 0.15 = 0.7, so 0.427 at x = 10.
    double[] y = {1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    assertArrayEquals(new double[] {0.5, 0}, ConsolidationMath.loess(y), EPS);
    double[] ols = ConsolidationMath.weightedLine(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, y,
        new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    assertEquals(0.7, ols[0], EPS);
    assertEquals(-2.25 / 82.5, ols[1], EPS);
  }

  @Test
  void robustLoessDropsASpikeThatLoessFollows() {
    // The line y = 0.3 + 0.05 x with 0.4 added at x = 8. Loess is pulled up (0.895 at x = 10, computed);
    // the spike's residual (0.326) exceeds six times the median absolute residual (0.288), so its bisquare
    // weight is 0, and the nine other points, on the line, give the line back: 0.8 at x = 10.
    double[] y = new double[10];
    for (int i = 0; i < 10; i++) {
      y[i] = 0.3 + 0.05 * (i + 1);
    }
    y[7] += 0.4;
    double[] lr = ConsolidationMath.loess(y);
    assertEquals(0.8949, lr[0] + 10 * lr[1], 1e-4);
    double[] lrr = ConsolidationMath.robustLoess(y);
    assertEquals(0.3, lrr[0], 1e-9);
    assertEquals(0.05, lrr[1], 1e-9);
  }

  @Test
  void aLineNeedsTwoDistinctWeightedPoints() {
    assertNull(ConsolidationMath.weightedLine(new double[] {1, 2}, new double[] {1, 2}, new double[] {0, 1}));
  }

  @Test
  void rSquaredOfAMultipleRegressionByHand() {
    // Centred: u = (1,-1,0,0,0), v = (0,0,1,-1,0), e = (1,1,1,1,-4), all orthogonal; B = u, C = v,
    // A = u + v + e (each + 10, which the intercept absorbs).
    // R2(A | B, C) = |u + v|^2 / |A|^2 = 4 / (4 + 20) = 1/6.
    // R2(B | A, C): span{A, C} = span{u + e, v}; B's projection on it is (u.(u+e) / |u+e|^2)(u+e), of squared
    // length 2^2 / 22, over |B|^2 = 2: 2/22 = 1/11. Likewise R2(C | A, B) = 1/11.
    double[] a = {12, 10, 12, 10, 6};
    double[] b = {11, 9, 10, 10, 10};
    double[] c = {10, 10, 11, 9, 10};
    assertEquals(1.0 / 6, ConsolidationMath.rSquared(a, new double[][] {b, c}), EPS);
    assertEquals(1.0 / 11, ConsolidationMath.rSquared(b, new double[][] {a, c}), EPS);
    assertEquals(1.0 / 11, ConsolidationMath.rSquared(c, new double[][] {a, b}), EPS);
  }

  @Test
  void rSquaredIsUndeterminedWithoutDegreesOfFreedomOrVariance() {
    // 3 observations, 2 regressors and an intercept: nothing left over.
    assertTrue(Double.isNaN(ConsolidationMath.rSquared(new double[] {1, 2, 4}, new double[][] {{1, 2, 3}, {3, 1, 2}})));
    assertTrue(Double.isNaN(ConsolidationMath.rSquared(new double[] {5, 5, 5, 5}, new double[][] {{1, 2, 3, 4}})));
    // Two identical regressors: singular.
    assertTrue(Double.isNaN(ConsolidationMath.rSquared(new double[] {1, 3, 2, 5, 4},
        new double[][] {{1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}})));
  }
}
