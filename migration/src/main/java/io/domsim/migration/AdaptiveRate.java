package io.domsim.migration;

import io.domsim.hypervisor.Page;

/**
 * Xen 2005's dynamic rate limiting of pre-copy: each round is sent at a rate that follows how fast the guest
 * dirties memory, so that a migration takes little bandwidth from a quiet guest's neighbours and converges
 * against a busy one. Mutable, one per migration; the {@code xen-legacy} rule's option
 * {@code adaptive-rate}.
 *
 * <p>Clark et al., "Live Migration of Virtual Machines", NSDI 2005, section 5.1: the first round goes at a
 * minimum rate (100 Mbit/s); after each round the rate for the next is the dirtying rate of the round just
 * sent plus a constant increment (50 Mbit/s), at most a maximum (500 Mbit/s); pre-copy ends once the rate
 * would exceed the maximum, and the stop-and-copy goes at the maximum. The code behind the paper
 * ({@code tools/libxc/xc_linux_save.c}, later {@code xc_domain_save.c}, under {@code ADAPTIVE_SAVE}:
 * {@code START_MBIT_RATE 100}, {@code MAX_MBIT_RATE 500}) does it so: {@code print_stats} raises
 * {@code mbit_rate} to the round's dirtying rate + 50 only when that dirtying rate exceeds the current rate
 * (the rate never falls), capped at the maximum; and the last round begins when
 * {@code sent_this_iter > sent_last_iter && RATE_IS_MAX()}: the rate is at the maximum and the round sent
 * more than the one before it (sending no longer shrinks). This class follows the code.
 */
public final class AdaptiveRate {

  /** The limiter's constants in bits per second. */
  public record Settings(long startBitsPerSecond, long incrementBitsPerSecond, long maxBitsPerSecond) {
    public Settings {
      if (startBitsPerSecond <= 0 || incrementBitsPerSecond < 0 || maxBitsPerSecond < startBitsPerSecond) {
        throw new IllegalArgumentException("adaptive rate: start " + startBitsPerSecond + " b/s, increment "
            + incrementBitsPerSecond + " b/s, max " + maxBitsPerSecond + " b/s; need 0 < start <= max");
      }
    }
  }

  private final Settings settings;
  private long rate;
  // xc_domain_save starts sent_last_iter at the guest's page count: round 1 never "sends more".
  private long sentLastRound = Long.MAX_VALUE;

  public AdaptiveRate(Settings settings) {
    this.settings = settings;
    this.rate = settings.startBitsPerSecond();
  }

  /** The cap on the round being sent, in bits per second. */
  public long rateBitsPerSecond() {
    return rate;
  }

  /** The cap on the stop-and-copy: the maximum (Clark: "at the maximum allowable rate"). */
  public long finalCopyBitsPerSecond() {
    return settings.maxBitsPerSecond();
  }

  public boolean atMax() {
    return rate == settings.maxBitsPerSecond();
  }

  /**
   * A round has been sent: {@code pagesSent} of it, and the guest dirtied {@code pagesDirtied} pages while it
   * went, in {@code durationNanos}. True when pre-copy should stop (the rate in force was the maximum and
   * this round sent more than the last); otherwise the rate for the next round is set.
   */
  public boolean roundSent(long pagesSent, long pagesDirtied, long durationNanos) {
    boolean stop = pagesSent > sentLastRound && atMax();
    sentLastRound = pagesSent;
    double seconds = Math.max(1, durationNanos) / 1e9;
    double dirtying = pagesDirtied * (double) Page.BYTES * 8 / seconds;
    if (dirtying > rate) {
      rate = (long) Math.min(settings.maxBitsPerSecond(), dirtying + settings.incrementBitsPerSecond());
    }
    return stop;
  }
}
