package io.domsim.hypervisor;

/**
 * The water level of one host's credit scheduler: the cores one unit of weight gets when the host is
 * oversubscribed. A guest held to its weighted share gets {@code weight x level} cores, and with them
 * every rate it has (work, I/O, hypercalls, VM exits, dirty writes) is a fixed multiple of the level
 * (HostRates derives the multiples). Such a guest <em>follows</em> the level: when the level moves, its
 * {@link Domain} is not touched, and its integrals are brought up to date from the level's own integral
 * when someone reads them ({@link Domain#accrue}). On a dense host almost every workload phase moves the
 * level and almost every guest is held to its share, so this is what keeps a phase from touching every
 * domain of its host.
 *
 * <p>The integral is kept as a double-double (a sum {@code hi + lo} of two doubles, Dekker's two-sum), so
 * that what a domain accrues, a difference of two readings of it, is as exact as the piece of time it
 * covers, however long the host has run.
 */
final class CreditLevel {
  /** Cores per unit of weight since {@link #sinceNanos}. */
  private double value;
  /** The level integrated over time up to {@link #sinceNanos}, in level-seconds: hi + lo. */
  private double hi;
  private double lo;
  private long sinceNanos;

  double value() {
    return value;
  }

  /** The level integrated since its last change, up to {@code nowNanos}. */
  private double open(long nowNanos) {
    if (nowNanos < sinceNanos) {
      throw new IllegalStateException("the credit level was read at " + nowNanos + " ns, before its last change at "
          + sinceNanos + " ns");
    }
    return nowNanos == sinceNanos ? 0 : value * ((nowNanos - sinceNanos) / 1e9);
  }

  /** The high part of the level's integral from the start up to {@code nowNanos}. */
  double integralHi(long nowNanos) {
    return hi + open(nowNanos);
  }

  /** The low part of the level's integral up to {@code nowNanos} (what {@link #integralHi} rounded away). */
  double integralLo(long nowNanos) {
    double inc = open(nowNanos);
    double s = hi + inc;
    double b = s - hi;
    return lo + ((hi - (s - b)) + (inc - b));
  }

  /** From {@code nowNanos} on the level is {@code level}; what it was holds up to then. */
  void set(double level, long nowNanos) {
    double h = integralHi(nowNanos);
    double l = integralLo(nowNanos);
    hi = h + l;
    lo = l - (hi - h);
    sinceNanos = nowNanos;
    value = level;
  }
}
