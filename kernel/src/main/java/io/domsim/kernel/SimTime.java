package io.domsim.kernel;

import java.time.Duration;

/** Simulated time is a long count of nanoseconds since the start of the run. */
public final class SimTime {
  public static final long NANOS_PER_SECOND = 1_000_000_000L;

  private SimTime() {}

  public static long of(Duration d) {
    return d.toNanos();
  }

  public static long seconds(double s) {
    return Math.round(s * NANOS_PER_SECOND);
  }

  public static double toSeconds(long nanos) {
    return nanos / (double) NANOS_PER_SECOND;
  }
}
