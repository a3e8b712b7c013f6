package io.domsim.migration;

import io.domsim.hypervisor.DirtyLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Pre-copy, round by round, in closed form over a constant bandwidth: a pure model for tests and for
 * comparing the analytic and exact dirty logs. It drives the {@link DirtyLog} as the real sender does:
 *
 * <ol>
 *   <li>log-dirty enabled (the caller passes a fresh log: every page dirty);
 *   <li>each round: {@code clean()} gives the pages to send; sending them takes {@code pages × 4096 /
 *       bandwidth} (round 1 also the rule's flag for each page the guest never touched, {@link
 *       StopRule#untouchedPageBytes}); meanwhile the guest writes {@code rate × (1 − throttle) × duration} pages
 *       ({@code log.write}); then {@code peek()} is what the stop rule sees;
 *   <li>on stop: the guest is suspended (no more writes), the last {@code clean()} is the final copy, and
 *       the downtime is its transfer time (CPU and device state are the sender's business, not this
 *       model's).
 * </ol>
 *
 * <p>xen-legacy's sender also skips pages dirtied again during a round ({@link StopRule#legacySkipped});
 * they stay dirty in the log and go in the next round. Auto-converge is consulted as QEMU does: at the sync
 * that closes a period longer than {@link #QEMU_SYNC_PERIOD_NANOS} ({@code migration_bitmap_sync} in
 * {@code ram.c}), with the bytes dirtied and sent in the period; a new throttle applies from the next round.
 */
public final class PrecopyModel {
  public static final long PAGE_BYTES = io.domsim.hypervisor.Page.BYTES;
  /** QEMU checks the throttle trigger at syncs more than 1000 ms apart (ram.c migration_bitmap_sync). */
  public static final long QEMU_SYNC_PERIOD_NANOS = 1_000_000_000L;

  private PrecopyModel() {}

  /**
   * One pre-copy round.
   *
   * @param pagesSent pages that crossed the wire
   * @param pagesSkipped pages of the send set left for the next round (xen-legacy only)
   * @param pagesDirtied pages dirty when the round ended (the peek the stop rule saw)
   * @param throttle the auto-converge throttle during the round (0 without)
   */
  public record Round(int round, long pagesSent, long pagesSkipped, long pagesDirtied, long durationNanos,
      double throttle) {}

  /**
   * @param rounds pre-copy rounds (the final copy is not counted)
   * @param totalPagesSent every page sent, the final copy included
   * @param finalCopyPages pages sent with the guest suspended
   * @param totalTimeNanos all rounds plus the final copy
   * @param downtimeNanos the final copy's transfer time
   * @param throttle the auto-converge throttle at the end (0 without)
   * @param pagesMissingAtDestination from the log after the final copy: 0 when nothing was lost (the
   *     analytic log always says 0)
   */
  public record Result(int rounds, List<Round> roundLog, long totalPagesSent, long finalCopyPages,
      long totalTimeNanos, long downtimeNanos, double throttle, long pagesMissingAtDestination) {

    public List<Long> pagesPerRound() {
      return roundLog.stream().map(Round::pagesSent).toList();
    }

    public double totalTimeSeconds() {
      return totalTimeNanos / 1e9;
    }

    public double downtimeSeconds() {
      return downtimeNanos / 1e9;
    }
  }

  /**
   * Runs pre-copy to the end.
   *
   * @param memoryPages the guest's memory (must match {@code log.memoryPages()})
   * @param workingSetPages where its writes fall (for xen-legacy's skip estimate)
   * @param dirtyPagesPerSecond the guest's page writes per second, unthrottled
   * @param bandwidthBytesPerSecond the constant transfer rate
   * @param rule when to stop
   * @param autoConverge QEMU's cpu-throttle, or null for none
   * @param log a freshly enabled dirty log of the guest (analytic or page-level)
   */
  public static Result run(long memoryPages, long workingSetPages, double dirtyPagesPerSecond,
      double bandwidthBytesPerSecond, StopRule rule, AutoConverge autoConverge, DirtyLog log) {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(log, "log");
    if (log.memoryPages() != memoryPages) {
      throw new IllegalArgumentException("the log covers " + log.memoryPages() + " pages, the guest has "
          + memoryPages);
    }
    if (!(bandwidthBytesPerSecond > 0) || dirtyPagesPerSecond < 0) {
      throw new IllegalArgumentException("bandwidth must be positive and the dirty rate not negative: "
          + bandwidthBytesPerSecond + " B/s, " + dirtyPagesPerSecond + " pages/s");
    }
    long ws = Math.max(1, Math.min(workingSetPages, memoryPages));
    List<Round> rounds = new ArrayList<>();
    long totalSent = 0;
    long timeNanos = 0;
    double throttle = 0;
    long periodDirtiedBytes = 0;
    long periodSentBytes = 0;
    long periodNanos = 0;
    for (int round = 1; ; round++) {
      long toSend = log.clean();
      log.delivered(); // at constant bandwidth every round arrives; the writes below land after the clean
      double rate = dirtyPagesPerSecond * (1 - throttle);
      long skipped = rule instanceof StopRule.XenLegacy ? legacySkip(toSend, rate, ws, bandwidthBytesPerSecond) : 0;
      long sent = toSend - skipped;
      // Round 1 passes over all of memory: the pages the guest never touched are skipped (Xen) or flagged (QEMU).
      long flagBytes = round == 1 ? log.untouchedPages() * rule.untouchedPageBytes() : 0;
      long durationNanos = transferNanos(sent, flagBytes, bandwidthBytesPerSecond);
      log.write(rate * durationNanos / 1e9);
      long dirty = log.peek();
      totalSent += sent;
      timeNanos += durationNanos;
      rounds.add(new Round(round, sent, skipped, dirty, durationNanos, throttle));
      double measured = durationNanos > 0 ? (sent * PAGE_BYTES + flagBytes) / (durationNanos / 1e9)
          : bandwidthBytesPerSecond;
      RoundStats stats = new RoundStats(round, sent, totalSent, dirty, memoryPages, measured, durationNanos, skipped);
      if (rule.stopAndCopy(stats)) {
        break;
      }
      if (autoConverge != null) {
        periodDirtiedBytes += dirty * PAGE_BYTES;
        periodSentBytes += sent * PAGE_BYTES;
        periodNanos += durationNanos;
        if (periodNanos > QEMU_SYNC_PERIOD_NANOS) {
          var changed = autoConverge.onSync(periodDirtiedBytes, periodSentBytes);
          if (changed.isPresent()) {
            throttle = changed.getAsDouble();
          }
          periodDirtiedBytes = 0;
          periodSentBytes = 0;
          periodNanos = 0;
        }
      }
    }
    // Suspended: no more writes. The final clean is the last copy.
    long finalPages = log.clean();
    log.delivered();
    long downtime = transferNanos(finalPages, bandwidthBytesPerSecond);
    return new Result(rounds.size(), List.copyOf(rounds), totalSent + finalPages, finalPages, timeNanos + downtime,
        downtime, throttle, log.pagesMissingAtDestination());
  }

  static long transferNanos(long pages, double bandwidthBytesPerSecond) {
    return transferNanos(pages, 0, bandwidthBytesPerSecond);
  }

  static long transferNanos(long pages, long extraBytes, double bandwidthBytesPerSecond) {
    return Math.round((pages * PAGE_BYTES + extraBytes) / bandwidthBytesPerSecond * 1e9);
  }

  /**
   * xen-legacy: pages of the send set skipped, where the round's length depends on what is skipped
   * (skipped pages are not sent) and the skips on the round's length: the fixed point, by bisection
   * ({@code skipped − expected(skipped)} grows with {@code skipped}).
   */
  static long legacySkip(long toSend, double rate, long ws, double bandwidth) {
    long inWs = Math.min(toSend, ws);
    if (rate <= 0 || inWs == 0) {
      return 0;
    }
    double lo = 0;
    double hi = inWs;
    for (int i = 0; i < 100 && hi - lo > 0.25; i++) {
      double mid = (lo + hi) / 2;
      double writes = rate * (toSend - mid) * PAGE_BYTES / bandwidth;
      double expected = inWs * StopRule.skippedFraction(writes / ws);
      if (expected > mid) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.min(toSend, Math.round((lo + hi) / 2));
  }
}
