package io.domsim.scheduler.consolidation;

/**
 * A host's power draw as a function of its CPU utilisation: what PABFD compares when it asks which host's
 * power rises least. The pool master adapts whatever power model the host has (a SPECpower table, a line).
 */
@FunctionalInterface
public interface PowerCurve {

  /**
   * Watts drawn while switched on at {@code utilisation}, from 0 (idle) to 1 (every core busy); callers
   * never pass more than 1 (demand beyond the host's capacity draws the 100% figure).
   */
  double watts(double utilisation);

  /** A straight line from {@code idleWatts} at 0 to {@code busyWatts} at 1 (tests, simple models). */
  static PowerCurve linear(double idleWatts, double busyWatts) {
    return u -> idleWatts + (busyWatts - idleWatts) * u;
  }

  /**
   * SPECpower's form: {@code watts[i]} at {@code i / (watts.length - 1)}, linear between the points (the
   * HP ProLiant tables of the PlanetLab studies have 11 points, at 0, 10, ..., 100%).
   */
  static PowerCurve table(double... watts) {
    if (watts.length < 2) {
      throw new IllegalArgumentException("a power table needs at least 2 points, got " + watts.length);
    }
    double[] points = watts.clone();
    int steps = points.length - 1;
    return u -> {
      double at = Math.max(0, Math.min(1, u)) * steps;
      int i = Math.min((int) at, steps - 1);
      return points[i] + (points[i + 1] - points[i]) * (at - i);
    };
  }
}
