package io.domsim.migration;

import java.util.OptionalDouble;

/**
 * QEMU's auto-converge (cpu-throttle): when the guest dirties memory faster than a share of what the
 * migration sends, slow its vCPUs down, more each time. Mutable, one per migration.
 *
 * <p>Following qemu/qemu {@code migration/ram.c}: at a bitmap sync that closes a period (QEMU: more than
 * a second since the last one), {@code migration_trigger_throttle} compares the bytes dirtied in the period
 * with {@code bytes sent × throttle-trigger-threshold / 100}; when they exceed it for the second time
 * ({@code ++dirty_rate_high_cnt >= 2}), the counter resets and {@code mig_throttle_guest_down} sets the
 * throttle: {@code cpu-throttle-initial} (20%) the first time, then {@code + cpu-throttle-increment} (10%),
 * at most {@code max-cpu-throttle} (99%).
 *
 * <p>Note on "two consecutive syncs" (the wording in the reference notes): QEMU's counter is not reset by a
 * period below the threshold, only when it throttles, so the second high period need not directly follow
 * the first. This class does what QEMU's code does.
 */
public final class AutoConverge {
  /**
   * QEMU's parameters ({@code migration/options.c}) and the sync period that closes a measurement
   * ({@code migration_bitmap_sync}: more than 1000 ms since the last).
   */
  public record Settings(int initialPercent, int incrementPercent, int maxPercent, int triggerPercent,
      long syncPeriodNanos) {
    public Settings {
      if (syncPeriodNanos <= 0) {
        throw new IllegalArgumentException("the sync period must be positive, was " + syncPeriodNanos + " ns");
      }
    }
  }

  private final int initialPercent;
  private final int incrementPercent;
  private final int maxPercent;
  private final int triggerPercent;
  private final long syncPeriodNanos;
  private int percent; // 0: not throttling yet
  private int highPeriods;
  // The period being measured: what the guest dirtied and the migration sent since the last sync.
  private long periodDirtiedBytes;
  private long periodSentBytes;
  private long periodNanos;

  public AutoConverge(Settings s) {
    this(s.initialPercent(), s.incrementPercent(), s.maxPercent(), s.triggerPercent(), s.syncPeriodNanos());
  }

  /** With QEMU's 1 s sync period. */
  public AutoConverge(int initialPercent, int incrementPercent, int maxPercent, int triggerPercent) {
    this(initialPercent, incrementPercent, maxPercent, triggerPercent, 1_000_000_000L);
  }

  public AutoConverge(int initialPercent, int incrementPercent, int maxPercent, int triggerPercent,
      long syncPeriodNanos) {
    if (initialPercent < 1 || incrementPercent < 1 || maxPercent < initialPercent || maxPercent > 100
        || triggerPercent < 1) {
      throw new IllegalArgumentException("bad throttle settings: initial " + initialPercent + "%, increment "
          + incrementPercent + "%, max " + maxPercent + "%, trigger " + triggerPercent + "%");
    }
    this.initialPercent = initialPercent;
    this.incrementPercent = incrementPercent;
    this.maxPercent = maxPercent;
    this.triggerPercent = triggerPercent;
    this.syncPeriodNanos = syncPeriodNanos;
  }

  /**
   * A pre-copy round has ended (a bitmap sync). When the period since the last decision is longer than
   * the sync period, decide on it ({@link #onSync}) and start a new one; otherwise keep counting.
   */
  public OptionalDouble onRound(long bytesDirtied, long bytesSent, long durationNanos) {
    periodDirtiedBytes += bytesDirtied;
    periodSentBytes += bytesSent;
    periodNanos += durationNanos;
    if (periodNanos <= syncPeriodNanos) {
      return OptionalDouble.empty();
    }
    OptionalDouble decision = onSync(periodDirtiedBytes, periodSentBytes);
    periodDirtiedBytes = 0;
    periodSentBytes = 0;
    periodNanos = 0;
    return decision;
  }

  /**
   * A sync closing a period: the bytes the guest dirtied and the bytes the migration sent in it. Returns
   * the new throttle (a fraction of vCPU time taken away, 0.20 .. 0.99) when it changes, else empty.
   */
  public OptionalDouble onSync(long bytesDirtiedThisPeriod, long bytesSentThisPeriod) {
    long threshold = bytesSentThisPeriod / 100 * triggerPercent
        + bytesSentThisPeriod % 100 * triggerPercent / 100; // = sent × trigger / 100 without overflow
    if (bytesDirtiedThisPeriod > threshold && ++highPeriods >= 2) {
      highPeriods = 0;
      int next = percent == 0 ? initialPercent : Math.min(percent + incrementPercent, maxPercent);
      if (next != percent) {
        percent = next;
        return OptionalDouble.of(throttle());
      }
    }
    return OptionalDouble.empty();
  }

  /** The current throttle as a fraction: the guest's vCPUs run {@code 1 − throttle()} of the time. */
  public double throttle() {
    return percent / 100.0;
  }

  public int throttlePercent() {
    return percent;
  }
}
