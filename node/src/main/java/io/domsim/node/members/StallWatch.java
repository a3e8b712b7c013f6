package io.domsim.node.members;

import java.time.Duration;

/**
 * The driver's watch over the windows of a run over members on the virtual clock: a window ends in milliseconds to
 * seconds of wall time, so one that has not ended for {@link #LIMIT} means a message between members was lost
 * (Akka's remoting drops, silently, what overflows its queues) or a member is stuck, and every member would wait for
 * ever. The run then fails with a sentence instead of hanging. (Not on the real clock, where a window waits for the
 * wall clock as long as the simulation is idle.) Pure: the caller feeds it the windows run and the wall time.
 */
public final class StallWatch {
  /** Wall time without a window's end after which the run is taken as stalled. */
  public static final Duration LIMIT = Duration.ofMinutes(2);

  private final long limitNanos;
  private long windows = -1;
  private long sinceNanos;

  public StallWatch(Duration limit) {
    if (limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("a stall limit must be above 0, was " + limit);
    }
    this.limitNanos = limit.toNanos();
  }

  /**
   * At wall instant {@code nowNanos} the driver has run {@code windowsRun} windows: the sentence that ends the run
   * when no window has ended for the limit, or null.
   */
  public String check(long windowsRun, long nowNanos) {
    if (windowsRun != windows) {
      windows = windowsRun;
      sinceNanos = nowNanos;
      return null;
    }
    if (nowNanos - sinceNanos < limitNanos) {
      return null;
    }
    return "no window has ended for " + Duration.ofNanos(nowNanos - sinceNanos).toSeconds() + " s of wall time (the"
        + " driver stands at window " + windowsRun + "): a message between the members was lost (Akka's remoting drops"
        + " what overflows its queues) or a member is stuck, and the members would wait for ever";
  }
}
