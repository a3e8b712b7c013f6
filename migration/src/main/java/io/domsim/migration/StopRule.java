package io.domsim.migration;

import io.domsim.hypervisor.Page;
import java.time.Duration;
import java.util.Objects;

/**
 * When pre-copy stops iterating and goes to stop-and-copy: a pure function of the round just finished,
 * plus how the rule's sender goes through a round and whether the rule has QEMU's auto-converge. Made by
 * a {@link StopRulePlugin}; the built-ins ({@link BuiltInStopRules}) follow their sources:
 *
 * <ul>
 *   <li>{@code xen}: {@code simple_precopy_policy} in xen-project/xen
 *       {@code tools/libs/guest/xg_sr_save.c}: stop when fewer than {@code SPP_TARGET_DIRTY_COUNT} (50)
 *       pages are dirty or after {@code SPP_MAX_ITERATIONS} (5) rounds. When the few dirty pages end it, its
 *       {@code send_memory_live} still sends them live before it suspends ({@link #sendsLastBatchLive}).
 *   <li>{@code xen-legacy}: {@code tools/libxc/xc_domain_save.c} (Xen &le; 4.5): last round when
 *       {@code iter >= max_iters (29) || sent_this_iter + skip_this_iter < 50 || total_sent >
 *       p2m_size * max_factor (3)}. Note that the count is of the round just finished (pages sent plus
 *       pages skipped), not of the pages dirty now. Its sender goes in batches and skips pages written
 *       again since the round's clean.
 *   <li>{@code qemu}: {@code migration_iteration_run} in qemu/qemu {@code migration/migration.c}:
 *       complete when {@code !pending_size || pending_size < threshold_size}, with {@code threshold_size
 *       = bandwidth × downtime-limit} (the bandwidth measured by {@code migration_update_counters}).
 *       QEMU has no cap of rounds: it iterates until that holds or the migration is cancelled. domsim
 *       cancels a pre-copy still iterating after {@code migration.timeout} ({@link #iteratesUntilConverged}).
 *       Its live rounds go at most at {@code max-bandwidth} (128 MiB/s) unless {@code migration.bandwidth}
 *       says otherwise; the switchover is not rate-limited ({@link #capsSwitchover}). Pages the guest
 *       never touched go as zero-page flags ({@link #untouchedPageBytes}); Xen's senders skip them.
 * </ul>
 */
public interface StopRule {

  /** True to suspend the guest and send the rest now; false for another pre-copy round. */
  boolean stopAndCopy(RoundStats s);

  /**
   * When {@link #stopAndCopy} has ended pre-copy after {@code s}: true to send the pages dirty now in one more
   * live round first, then suspend whatever that round leaves; false (the default) to suspend at once.
   */
  default boolean sendsLastBatchLive(RoundStats s) {
    return false;
  }

  /** How the sender goes through a round: whole (the default), or in batches skipping rewritten pages. */
  default java.util.Optional<Batches> batches() {
    return java.util.Optional.empty();
  }

  /** A fresh auto-converge (QEMU's cpu-throttle) for one migration, or null when this rule has none. */
  default AutoConverge newAutoConverge() {
    return null;
  }

  /** A fresh adaptive rate limiter (Xen 2005) for one migration, or null when this rule has none. */
  default AdaptiveRate newAdaptiveRate() {
    return null;
  }

  /**
   * The rule's own cap on the live rounds in bits/s, used when {@code migration.bandwidth} is {@code default};
   * 0 for none.
   */
  default long defaultCapBitsPerSecond() {
    return 0;
  }

  /** Does a cap on the live rounds bind the stop-and-copy too? QEMU lifts it for the switchover. */
  default boolean capsSwitchover() {
    return true;
  }

  /**
   * Bytes on the wire for each page the guest never touched, in the pass over all of memory (round 1, a
   * stop-and-copy, a post-copy push): 0 for Xen's senders, which skip unpopulated pages ({@code
   * XEN_DOMCTL_PFINFO_XTAB}); QEMU scans each and sends a zero page as a flag ({@code save_zero_page}).
   */
  default long untouchedPageBytes() {
    return 0;
  }

  /**
   * The sender's time per never-touched page in that pass, before the stream may go: 0 for Xen's senders (they
   * skip unpopulated pages unread); QEMU reads each to find it zero ({@code buffer_is_zero}).
   */
  default long untouchedPageScanNanos() {
    return 0;
  }

  /**
   * Bytes on the wire for {@code pages} dirty pages in live round {@code round} (the final copy counting as the
   * round after the last), of a guest whose writes fall in {@code workingSetPages}: every page as {@link
   * #pageBytes} sends it, unless the sender sends some as a difference to what it sent before (QEMU's XBZRLE).
   */
  default long dirtyPageBytes(long pages, int round, long workingSetPages) {
    return pageBytes(pages);
  }

  /** Bytes on the wire for {@code pages} pages sent whole: compressed when the sender compresses. */
  default long pageBytes(long pages) {
    return compression().wireBytes(pages);
  }

  /**
   * How many threads send the pages in parallel: 1 for Xen's save helper and QEMU's migration thread; QEMU's
   * multifd channels. Each needs a CPU of the sending Dom0 ({@link MigrationCosts#senderCapBitsPerSecond}).
   */
  default int senderThreads() {
    return 1;
  }

  /** How the sender compresses pages: {@link Compression#NONE} but for QEMU's multifd compression. */
  default Compression compression() {
    return Compression.NONE;
  }

  /**
   * True when the rule alone may never end pre-copy (QEMU's: no round cap). Such a pre-copy still iterating
   * after {@code migration.timeout} is cancelled: aborted, the guest runs on at the source.
   */
  default boolean iteratesUntilConverged() {
    return false;
  }

  /**
   * xen-legacy's sender ({@code xc_domain_save}) goes through a round in batches and, before each,
   * takes out of the round's unsent pages those written again since the clean; they go in the next round.
   *
   * @param minPages {@code MAX_BATCH_SIZE}: a batch carries at least this many pages
   * @param maxPerRound at most this many batches to a round (domsim's bound on events per round: a batch
   *     is then more than {@code MAX_BATCH_SIZE} pages)
   */
  record Batches(long minPages, int maxPerRound) {
    public Batches {
      if (minPages < 1 || maxPerRound < 1) {
        throw new IllegalArgumentException("batches need at least one page and one batch per round");
      }
    }

    /** Pages per batch for a round of {@code roundPages}. */
    public long pagesPerBatch(long roundPages) {
      return Math.max(minPages, (roundPages + maxPerRound - 1) / maxPerRound);
    }
  }

  /** Xen 4.6+ ({@code xg_sr_save.c}): {@code round >= maxRounds || dirtyNow < targetDirtyPages}. */
  record Xen(int maxRounds, long targetDirtyPages) implements StopRule {
    @Override
    public boolean stopAndCopy(RoundStats s) {
      return s.round() >= maxRounds || s.dirtyNow() < targetDirtyPages;
    }

    /**
     * {@code send_memory_live}: after round {@code x} it stops at once when {@code iteration >= SPP_MAX_ITERATIONS}
     * (the policy asked with {@code dirty_count = -1}); otherwise it cleans the log, asks the policy with the dirty
     * count, and sends those pages ({@code send_dirty_pages}) whatever the answer, breaking out only after: the
     * last fewer-than-50 pages go with the guest running, and the suspend sends what was written meanwhile.
     */
    @Override
    public boolean sendsLastBatchLive(RoundStats s) {
      return s.round() < maxRounds && s.dirtyNow() > 0 && s.dirtyNow() < targetDirtyPages;
    }
  }

  /**
   * Xen &le; 4.5 ({@code xc_domain_save.c}): {@code round >= maxRounds || pagesSent + pagesSkipped <
   * targetDirtyPages || totalPagesSent > memoryPages × maxFactor}.
   */
  record XenLegacy(int maxRounds, double maxFactor, long targetDirtyPages, Batches sender,
      AdaptiveRate.Settings adaptive) implements StopRule {

    /** Without the adaptive rate limiter (the default). */
    public XenLegacy(int maxRounds, double maxFactor, long targetDirtyPages, Batches sender) {
      this(maxRounds, maxFactor, targetDirtyPages, sender, null);
    }

    @Override
    public AdaptiveRate newAdaptiveRate() {
      return adaptive == null ? null : new AdaptiveRate(adaptive);
    }

    @Override
    public boolean stopAndCopy(RoundStats s) {
      return s.round() >= maxRounds
          || s.pagesSent() + s.pagesSkipped() < targetDirtyPages
          || s.totalPagesSent() > s.memoryPages() * maxFactor;
    }

    @Override
    public java.util.Optional<Batches> batches() {
      return java.util.Optional.of(sender);
    }
  }

  /**
   * QEMU ({@code migration.c}): stop when nothing is dirty or the dirty bytes are below
   * {@code bandwidth × downtimeLimit} (strictly, as QEMU); never otherwise.
   *
   * @param autoConverge QEMU's cpu-throttle settings, or null when {@code migration.auto-converge} is off
   * @param maxBandwidthBitsPerSecond QEMU's {@code max-bandwidth}: the live rounds' cap when the user sets none
   * @param zeroPageBytes what a zero page (one the guest never touched) costs on the wire
   * @param zeroPageScanNanos what reading it to find it zero costs the migration thread
   * @param xbzrle QEMU's XBZRLE capability, or {@link Xbzrle#OFF}
   * @param multifd QEMU's multifd capability, or {@link Multifd#OFF}
   */
  record Qemu(Duration downtimeLimit, AutoConverge.Settings autoConverge, long maxBandwidthBitsPerSecond,
      long zeroPageBytes, long zeroPageScanNanos, Xbzrle xbzrle, Multifd multifd) implements StopRule {
    /** QEMU's {@code save_zero_page}: an 8-byte page header (offset | RAM_SAVE_FLAG_ZERO) and one byte. */
    public static final long ZERO_PAGE_BYTES = 9;

    /**
     * QEMU's XBZRLE ({@code migration/xbzrle.c}, {@code ram.c save_xbzrle_page}): the source keeps a cache of
     * pages it sent after the bulk stage (round 1 fills none of it) and sends a dirty page found there as the
     * run-length-encoded difference to the cached copy. A page of round 2 is not cached yet (it goes whole and
     * is cached); from round 3 on a dirty page is in the cache with the chance that the cache holds it, about
     * cache pages over working-set pages (a slot per page address, QEMU's {@code page_cache.c}), and then goes
     * as {@code encodedFraction} of a page.
     *
     * @param cacheBytes {@code xbzrle-cache-size}; 0 when the capability is off
     * @param encodedFraction the encoded size of a cached dirty page, as a fraction of a page (0 to 1)
     */
    public record Xbzrle(long cacheBytes, double encodedFraction) {
      public static final Xbzrle OFF = new Xbzrle(0, 1);

      public Xbzrle {
        if (cacheBytes < 0 || !(encodedFraction >= 0 && encodedFraction <= 1)) {
          throw new IllegalArgumentException("xbzrle cache must be at least 0 and the encoded fraction in [0, 1]: "
              + cacheBytes + ", " + encodedFraction);
        }
      }

      /** What {@code pages} dirty pages of live round {@code round} take on the wire. */
      long bytes(long pages, int round, long workingSetPages) {
        long whole = pages * Page.BYTES;
        if (cacheBytes == 0 || round < 3 || pages == 0) {
          return whole;
        }
        double hit = Math.min(1, (double) (cacheBytes / Page.BYTES) / Math.max(1, workingSetPages));
        double cached = pages * hit;
        return Math.round((pages - cached) * Page.BYTES + cached * Page.BYTES * encodedFraction);
      }
    }

    /**
     * QEMU's multifd capability ({@code migration/multifd.c}): {@code channels} threads, each with its own
     * connection, send the pages in parallel, each compressing its pages as {@code compression} says. QEMU
     * refuses it together with XBZRLE.
     */
    public record Multifd(int channels, Compression compression) {
      public static final Multifd OFF = new Multifd(1, Compression.NONE);

      public Multifd {
        Objects.requireNonNull(compression, "compression");
        if (channels < 1) {
          throw new IllegalArgumentException("multifd needs at least one channel: " + channels);
        }
      }
    }

    public Qemu {
      Objects.requireNonNull(downtimeLimit, "downtimeLimit");
      Objects.requireNonNull(multifd, "multifd");
      if (!multifd.equals(Multifd.OFF) && xbzrle.cacheBytes() > 0) {
        throw new IllegalArgumentException("QEMU refuses XBZRLE with multifd");
      }
      if (maxBandwidthBitsPerSecond <= 0) {
        throw new IllegalArgumentException("max-bandwidth must be above 0: " + maxBandwidthBitsPerSecond);
      }
      if (zeroPageBytes < 0 || zeroPageBytes > Page.BYTES) {
        throw new IllegalArgumentException("zero-page-bytes must be 0.." + Page.BYTES + ": " + zeroPageBytes);
      }
      if (zeroPageScanNanos < 0) {
        throw new IllegalArgumentException("zero-page-scan-time must not be negative: " + zeroPageScanNanos);
      }
      Objects.requireNonNull(xbzrle, "xbzrle");
    }

    /** Zero pages scanned at no cost, no XBZRLE. */
    public Qemu(Duration downtimeLimit, AutoConverge.Settings autoConverge, long maxBandwidthBitsPerSecond,
        long zeroPageBytes) {
      this(downtimeLimit, autoConverge, maxBandwidthBitsPerSecond, zeroPageBytes, 0, Xbzrle.OFF, Multifd.OFF);
    }

    /** Without multifd. */
    public Qemu(Duration downtimeLimit, AutoConverge.Settings autoConverge, long maxBandwidthBitsPerSecond,
        long zeroPageBytes, long zeroPageScanNanos, Xbzrle xbzrle) {
      this(downtimeLimit, autoConverge, maxBandwidthBitsPerSecond, zeroPageBytes, zeroPageScanNanos, xbzrle,
          Multifd.OFF);
    }

    @Override
    public int senderThreads() {
      return multifd.channels();
    }

    @Override
    public Compression compression() {
      return multifd.compression();
    }

    @Override
    public long dirtyPageBytes(long pages, int round, long workingSetPages) {
      return xbzrle.cacheBytes() == 0 ? pageBytes(pages) : xbzrle.bytes(pages, round, workingSetPages);
    }

    /** With QEMU's zero-page flag ({@link #ZERO_PAGE_BYTES}). */
    public Qemu(Duration downtimeLimit, AutoConverge.Settings autoConverge, long maxBandwidthBitsPerSecond) {
      this(downtimeLimit, autoConverge, maxBandwidthBitsPerSecond, ZERO_PAGE_BYTES);
    }

    @Override
    public long untouchedPageBytes() {
      return zeroPageBytes;
    }

    @Override
    public long untouchedPageScanNanos() {
      return zeroPageScanNanos;
    }

    @Override
    public long defaultCapBitsPerSecond() {
      return maxBandwidthBitsPerSecond;
    }

    @Override
    public boolean capsSwitchover() {
      return false;
    }

    @Override
    public boolean iteratesUntilConverged() {
      return true;
    }

    /** Bytes that fit in the downtime limit at {@code bandwidthBytesPerSecond}. */
    public double thresholdBytes(double bandwidthBytesPerSecond) {
      return bandwidthBytesPerSecond * (downtimeLimit.toNanos() / 1e9);
    }

    @Override
    public boolean stopAndCopy(RoundStats s) {
      double pendingBytes = (double) s.dirtyNow() * Page.BYTES;
      return s.dirtyNow() == 0 || pendingBytes < thresholdBytes(s.bandwidthBytesPerSecond());
    }

    @Override
    public AutoConverge newAutoConverge() {
      return autoConverge == null ? null : new AutoConverge(autoConverge);
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
