package io.domsim.hypervisor;

import com.typesafe.config.Config;

/**
 * What log-dirty tracking costs the tracked guest ({@code domsim.hypervisor.log-dirty}; sources in this
 * module's reference.conf): each first write to a page since the last clean traps (PV: a shadow page fault;
 * HVM: an EPT write-protect violation, or with PML one VM exit per 512 logged pages), so the guest loses the
 * share of its vCPUs those cycles take while a migration tracks it.
 *
 * @param pvCyclesPerPage cycles a PV guest spends per page it dirties while tracked
 * @param hvmCyclesPerPage the same for an HVM guest
 */
public record LogDirtyCosts(double pvCyclesPerPage, double hvmCyclesPerPage) {

  /** Tracking costs the guest nothing (tests that build a HostModel alone, and domsim before issue 11). */
  public static final LogDirtyCosts NONE = new LogDirtyCosts(0, 0);

  /** At most this share of a guest's speed goes to log-dirty faults. */
  static final double MAX_SLOWDOWN = 0.9;

  public LogDirtyCosts {
    if (!(pvCyclesPerPage >= 0) || !(hvmCyclesPerPage >= 0)) {
      throw new IllegalArgumentException("log-dirty fault cycles must be at least 0: " + pvCyclesPerPage + ", "
          + hvmCyclesPerPage);
    }
  }

  public static LogDirtyCosts from(Config domsim) {
    Config c = domsim.getConfig("hypervisor.log-dirty");
    return new LogDirtyCosts(c.getDouble("pv-cycles-per-page"), c.getDouble("hvm-cycles-per-page"));
  }

  /**
   * The share of its speed a guest of {@code vcpus} loses to {@code pagesPerSecond} first writes, on cores of
   * {@code cyclesPerCoreSecond}: the fault cycles over its vCPUs' capacity, at most {@link #MAX_SLOWDOWN}.
   */
  public double slowdown(boolean pv, double pagesPerSecond, int vcpus, double cyclesPerCoreSecond) {
    double cycles = pv ? pvCyclesPerPage : hvmCyclesPerPage;
    if (cycles == 0 || !(pagesPerSecond > 0)) {
      return 0;
    }
    return Math.min(MAX_SLOWDOWN, pagesPerSecond * cycles / (Math.max(1, vcpus) * cyclesPerCoreSecond));
  }
}
