package io.domsim.scheduler.consolidation;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What an overload detector judges: one host's load, as it is or as it would be after a guest left or
 * arrived. The history is derived only if a detector asks for it (THR never does; PABFD asks often).
 */
public final class HostLoad {
  private final double utilisation;
  private final double maxMigrationSeconds;
  private final double intervalSeconds;
  private Supplier<double[]> derive;
  private double[] history;

  /**
   * @param utilisation the CPU demand of its guests now over its capacity (may exceed 1)
   * @param history its utilisation per interval, oldest first, the last value the interval that just ended
   * @param maxMigrationSeconds how long the longest migration of one of its guests would take
   * @param intervalSeconds the time between two history values
   */
  public HostLoad(double utilisation, double[] history, double maxMigrationSeconds, double intervalSeconds) {
    this(utilisation, () -> history.clone(), maxMigrationSeconds, intervalSeconds);
  }

  HostLoad(double utilisation, Supplier<double[]> history, double maxMigrationSeconds, double intervalSeconds) {
    this.utilisation = utilisation;
    this.derive = history;
    this.maxMigrationSeconds = maxMigrationSeconds;
    this.intervalSeconds = intervalSeconds;
  }

  public double utilisation() {
    return utilisation;
  }

  /**
   * The utilisation per interval, oldest first, the last value the interval that just ended: derived from
   * its guests' histories, at most {@link DataCentre#HISTORY_LENGTH} values (do not modify).
   */
  public double[] history() {
    if (history == null) {
      history = derive.get();
      derive = null;
    }
    return history;
  }

  /** The history from its first non-zero value on: the zeros before it are the time before its guests existed. */
  public double[] trimmedHistory() {
    double[] h = history();
    int first = 0;
    while (first < h.length && h[first] == 0) {
      first++;
    }
    return Arrays.copyOfRange(h, first, h.length);
  }

  public double maxMigrationSeconds() {
    return maxMigrationSeconds;
  }

  public double intervalSeconds() {
    return intervalSeconds;
  }

  @Override
  public String toString() {
    return "HostLoad[utilisation " + utilisation + ", history " + Arrays.toString(history()) + ", longest migration "
        + maxMigrationSeconds + " s, interval " + intervalSeconds + " s]";
  }
}
