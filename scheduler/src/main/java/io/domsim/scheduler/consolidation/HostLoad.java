package io.domsim.scheduler.consolidation;

/**
 * What an overload detector judges: one host's load, as it is or as it would be after a guest left or
 * arrived.
 *
 * @param utilisation the CPU demand of its guests now over its capacity (may exceed 1)
 * @param history its utilisation per interval, oldest first, the last value the interval that just ended
 *     (derived from its guests' histories, at most {@link DataCentre#HISTORY_LENGTH} values; do not modify)
 * @param maxMigrationSeconds how long the longest migration of one of its guests would take
 * @param intervalSeconds the time between two history values
 */
public record HostLoad(double utilisation, double[] history, double maxMigrationSeconds, double intervalSeconds) {

  /** The history from its first non-zero value on: the zeros before it are the time before its guests existed. */
  public double[] trimmedHistory() {
    int first = 0;
    while (first < history.length && history[first] == 0) {
      first++;
    }
    return java.util.Arrays.copyOfRange(history, first, history.length);
  }
}
