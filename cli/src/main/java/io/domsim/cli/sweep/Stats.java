package io.domsim.cli.sweep;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * The mean of a figure over a combination's seeds and the half-width of its 95% confidence interval
 * (Student's t with n - 1 degrees of freedom, the usual interval for a few independent replications).
 *
 * @param n replications
 * @param mean their mean
 * @param halfWidth95 the interval's half-width; NaN for a single replication (no spread to estimate)
 */
public record Stats(int n, double mean, double halfWidth95) {

  public static Stats of(double[] values) {
    int n = values.length;
    if (n == 0) {
      throw new IllegalArgumentException("no values");
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / n;
    if (n == 1) {
      return new Stats(1, mean, Double.NaN);
    }
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(squares / (n - 1));
    double t = new TDistribution(null, n - 1).inverseCumulativeProbability(0.975);
    return new Stats(n, mean, t * sd / Math.sqrt(n));
  }
}
