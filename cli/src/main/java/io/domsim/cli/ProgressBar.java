package io.domsim.cli;

import java.io.PrintWriter;

/**
 * Simulated time out of the run's duration, redrawn in place on stderr. Silent for short runs (it only
 * appears after half a second) and when stderr is not a terminal, so logs and pipes stay clean.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long SHOW_AFTER_NANOS = 500_000_000L;

  private final PrintWriter err;
  private final long totalNanos;
  private final boolean enabled;
  private final boolean forced;
  private final long startWall = System.nanoTime();
  private boolean drawn;

  /**
   * @param wanted false with --no-progress
   * @param forced true with --progress: draw even when stderr is not a terminal, from the start
   */
  ProgressBar(PrintWriter err, long totalNanos, boolean wanted, boolean forced) {
    this.err = err;
    this.totalNanos = Math.max(1, totalNanos);
    this.forced = forced && wanted;
    this.enabled = this.forced || (wanted && System.console() != null);
  }

  void update(long simulatedNanos) {
    if (!enabled || (!forced && System.nanoTime() - startWall < SHOW_AFTER_NANOS)) {
      return;
    }
    double fraction = Math.min(1.0, simulatedNanos / (double) totalNanos);
    int filled = (int) Math.round(fraction * WIDTH);
    err.print(String.format("\r[%s%s] %5.1f%%  %s / %s simulated", "#".repeat(filled), ".".repeat(WIDTH - filled),
        fraction * 100, RunTable.duration(simulatedNanos / 1e9), RunTable.duration(totalNanos / 1e9)));
    err.flush();
    drawn = true;
  }

  void finish() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
      err.flush();
    }
  }
}
