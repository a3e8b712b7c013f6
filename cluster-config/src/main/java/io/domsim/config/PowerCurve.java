package io.domsim.config;

import java.util.Arrays;

/**
 * A node's power draw as a function of its CPU utilisation: watts at equally spaced utilisations from 0% to
 * 100%, linear between them. The linear model is the two points (idle, max); a SPECpower_ssj2008 table is the
 * eleven points at 0%, 10%, ..., 100% (as CloudSim's {@code PowerModelSpecPower}).
 */
public final class PowerCurve {

  /** The points of a SPECpower table: 0%, 10%, ..., 100%. */
  public static final int TABLE_POINTS = 11;

  private final String model;
  private final double[] points;

  /**
   * @param model the model's name as the configuration says it ({@code linear}, {@code table}, a named model)
   * @param points watts at 0%, ..., 100% utilisation, equally spaced; at least two, nondecreasing
   */
  public PowerCurve(String model, double[] points) {
    if (points.length < 2) {
      throw new IllegalArgumentException("a power curve has at least two points");
    }
    for (int i = 0; i < points.length; i++) {
      if (!(points[i] >= 0) || (i > 0 && points[i] < points[i - 1])) {
        throw new IllegalArgumentException("power points must be finite, at least 0 and nondecreasing: "
            + Arrays.toString(points));
      }
    }
    this.model = model;
    this.points = points.clone();
  }

  /** The linear model: {@code idle} watts at 0%, {@code max} at 100%. */
  public static PowerCurve linear(double idleWatts, double maxWatts) {
    return new PowerCurve("linear", new double[] {idleWatts, maxWatts});
  }

  public String model() {
    return model;
  }

  /** Watts at 0% CPU. */
  public double idleWatts() {
    return points[0];
  }

  /** Watts at 100% CPU. */
  public double maxWatts() {
    return points[points.length - 1];
  }

  /** The points, watts at equally spaced utilisations from 0% to 100%. */
  public double[] points() {
    return points.clone();
  }

  /**
   * Watts at {@code utilization} (clamped to 0..1), linear between the two points around it. With two points
   * this is {@code idle + (max - idle) × u}, bit for bit.
   */
  public double watts(double utilization) {
    double u = Math.min(1.0, Math.max(0.0, utilization));
    int segments = points.length - 1;
    double position = u * segments;
    int i = Math.min((int) position, segments - 1);
    return points[i] + (points[i + 1] - points[i]) * (position - i);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PowerCurve c && model.equals(c.model) && Arrays.equals(points, c.points);
  }

  @Override
  public int hashCode() {
    return model.hashCode() * 31 + Arrays.hashCode(points);
  }

  @Override
  public String toString() {
    return "PowerCurve[" + model + ", " + Arrays.toString(points) + "]";
  }
}
