package io.domsim.migration;

/**
 * What a stop rule sees after a pre-copy round: the facts the sender has when the round's last page has
 * crossed the wire.
 *
 * @param round the round just finished, 1-based (round 1 sends all of memory)
 * @param pagesSent pages sent in that round
 * @param totalPagesSent pages sent in all rounds so far, this one included
 * @param dirtyNow pages dirty now (SHADOW_OP_PEEK): what the next round, or the final copy, would send
 * @param memoryPages the guest's memory in pages
 * @param bandwidthBytesPerSecond the bandwidth measured over that round
 * @param durationNanos how long that round took
 * @param pagesSkipped pages of the round's send set not sent because they were dirtied again during the
 *     round (xen-legacy's sender only; 0 otherwise): they stay dirty for the next round
 */
public record RoundStats(
    int round, long pagesSent, long totalPagesSent, long dirtyNow, long memoryPages,
    double bandwidthBytesPerSecond, long durationNanos, long pagesSkipped) {

  /** Without skipped pages (every sender but xen-legacy's). */
  public RoundStats(int round, long pagesSent, long totalPagesSent, long dirtyNow, long memoryPages,
      double bandwidthBytesPerSecond, long durationNanos) {
    this(round, pagesSent, totalPagesSent, dirtyNow, memoryPages, bandwidthBytesPerSecond, durationNanos, 0);
  }
}
