package io.domsim.migration;

import io.domsim.config.PrecopyPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * When pre-copy stops iterating and goes to stop-and-copy: a pure function of the round just finished.
 * One implementation per {@link PrecopyPolicy}, each following its source:
 *
 * <ul>
 *   <li>{@code xen}: {@code simple_precopy_policy} in xen-project/xen
 *       {@code tools/libs/guest/xg_sr_save.c}: stop when fewer than {@code SPP_TARGET_DIRTY_COUNT} (50)
 *       pages are dirty or after {@code SPP_MAX_ITERATIONS} (5) rounds.
 *   <li>{@code xen-legacy}: {@code tools/libxc/xc_domain_save.c} (Xen &le; 4.5): last round when
 *       {@code iter >= max_iters (29) || sent_this_iter + skip_this_iter < 50 || total_sent >
 *       p2m_size * max_factor (3)}. Note that the count is of the round just finished (pages sent plus
 *       pages skipped), not of the pages dirty now.
 *   <li>{@code qemu}: {@code migration_iteration_run} in qemu/qemu {@code migration/migration.c}:
 *       complete when {@code !pending_size || pending_size < threshold_size}, with {@code threshold_size
 *       = bandwidth × downtime-limit} (the bandwidth measured by {@code migration_update_counters}).
 *       QEMU itself never gives up; a safety cap of rounds (default {@value #DEFAULT_QEMU_MAX_ROUNDS},
 *       a parameter of {@link #of(PrecopyPolicy, StopRuleConstants, Duration, int)}) ends a migration
 *       that cannot converge, so that a simulation always finishes.
 * </ul>
 */
public sealed interface StopRule permits StopRule.Xen, StopRule.XenLegacy, StopRule.Qemu {

  /** The qemu policy's safety cap on rounds when none is given (domsim's choice, not QEMU's). */
  int DEFAULT_QEMU_MAX_ROUNDS = 1000;

  /** True to suspend the guest and send the rest now; false for another pre-copy round. */
  boolean stopAndCopy(RoundStats s);

  /** The rule for {@code policy}, with qemu's safety cap at {@value #DEFAULT_QEMU_MAX_ROUNDS} rounds. */
  static StopRule of(PrecopyPolicy policy, StopRuleConstants constants, Duration downtimeLimit) {
    return of(policy, constants, downtimeLimit, DEFAULT_QEMU_MAX_ROUNDS);
  }

  /**
   * @param downtimeLimit QEMU's {@code downtime-limit} (used by {@code qemu} only)
   * @param qemuMaxRounds safety cap for {@code qemu}: stop-and-copy after this many rounds whatever is dirty
   */
  static StopRule of(PrecopyPolicy policy, StopRuleConstants constants, Duration downtimeLimit, int qemuMaxRounds) {
    Objects.requireNonNull(policy, "policy");
    return switch (policy) {
      case XEN -> new Xen(constants.xenMaxRounds(), constants.xenTargetDirtyPages());
      case XEN_LEGACY -> new XenLegacy(constants.legacyMaxRounds(), constants.legacyMaxFactor(),
          constants.legacyTargetDirtyPages());
      case QEMU -> new Qemu(downtimeLimit, qemuMaxRounds);
    };
  }

  /** Xen 4.6+ ({@code xg_sr_save.c}): {@code round >= maxRounds || dirtyNow < targetDirtyPages}. */
  record Xen(int maxRounds, long targetDirtyPages) implements StopRule {
    @Override
    public boolean stopAndCopy(RoundStats s) {
      return s.round() >= maxRounds || s.dirtyNow() < targetDirtyPages;
    }
  }

  /**
   * Xen &le; 4.5 ({@code xc_domain_save.c}): {@code round >= maxRounds || pagesSent + pagesSkipped <
   * targetDirtyPages || totalPagesSent > memoryPages × maxFactor}.
   */
  record XenLegacy(int maxRounds, double maxFactor, long targetDirtyPages) implements StopRule {
    @Override
    public boolean stopAndCopy(RoundStats s) {
      return s.round() >= maxRounds
          || s.pagesSent() + s.pagesSkipped() < targetDirtyPages
          || s.totalPagesSent() > s.memoryPages() * maxFactor;
    }
  }

  /**
   * QEMU ({@code migration.c}): stop when nothing is dirty or the dirty bytes are below
   * {@code bandwidth × downtimeLimit} (strictly, as QEMU), or after {@code maxRounds} rounds.
   */
  record Qemu(Duration downtimeLimit, int maxRounds) implements StopRule {
    public Qemu {
      Objects.requireNonNull(downtimeLimit, "downtimeLimit");
      if (maxRounds < 1) {
        throw new IllegalArgumentException("maxRounds must be at least 1: " + maxRounds);
      }
    }

    /** Bytes that fit in the downtime limit at {@code bandwidthBytesPerSecond}. */
    public double thresholdBytes(double bandwidthBytesPerSecond) {
      return bandwidthBytesPerSecond * (downtimeLimit.toNanos() / 1e9);
    }

    @Override
    public boolean stopAndCopy(RoundStats s) {
      double pendingBytes = (double) s.dirtyNow() * PrecopyModel.PAGE_BYTES;
      return s.dirtyNow() == 0 || pendingBytes < thresholdBytes(s.bandwidthBytesPerSecond())
          || s.round() >= maxRounds;
    }
  }

  /**
   * xen-legacy's sender skips a page of its send set when the page was dirtied again since the round
   * began (it PEEKs the log before each batch; {@code xc_domain_save.c}): the page stays dirty and goes in
   * the next round. Expected number skipped, for writes uniform over the working set and in time:
   *
   * <p>a page of the working set is visited at a uniformly random instant {@code u·T} of the round; with
   * {@code x = writes / W} writes per working-set page over the round, it has been written before its
   * visit with probability {@code 1 − e^(−x·u)}; averaged over {@code u} in [0, 1] that is
   * {@code 1 − (1 − e^(−x)) / x}. Pages of the send set outside the working set are never rewritten.
   *
   * @param toSend the round's send set (what the clean returned)
   * @param writesDuringRound page writes while the round is sent
   * @param workingSetPages W
   * @param pagesInWorkingSetToSend how many of the send set lie in the working set
   * @return expected pages skipped, at most {@code toSend}
   */
  static long legacySkipped(long toSend, double writesDuringRound, long workingSetPages, long pagesInWorkingSetToSend) {
    if (!(writesDuringRound > 0) || toSend <= 0 || pagesInWorkingSetToSend <= 0) {
      return 0;
    }
    return Math.min(toSend, Math.round(pagesInWorkingSetToSend
        * skippedFraction(writesDuringRound / Math.max(1, workingSetPages))));
  }

  /** {@code 1 − (1 − e^(−x)) / x}, accurate for small {@code x} too. */
  static double skippedFraction(double x) {
    if (x < 1e-4) {
      return x / 2 - x * x / 6 + x * x * x / 24; // series: the closed form cancels catastrophically
    }
    return 1 + Math.expm1(-x) / x;
  }
}
