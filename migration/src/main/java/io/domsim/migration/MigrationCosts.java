package io.domsim.migration;

import io.domsim.hypervisor.Page;
import com.typesafe.config.Config;

/**
 * What a migration costs besides memory pages on the wire, read once from {@code domsim.migration.costs}:
 * suspend, page-table rewriting, device state, restart at the destination, building the destination's domain,
 * and the CPU each page costs the sending and the receiving Dom0.
 */
public record MigrationCosts(
    long pvSuspendAckNanos, double pvPagetableRewriteCycles, long hvmDeviceStateBytes, long hvmContextBytes,
    long hvmRestoreNanos, long vcpuStateBytes, double postcopyFaultFraction, long pvRestartNanos,
    long destinationBuildNanos, double dom0SendCyclesPerPage, double dom0ReceiveCyclesPerPage,
    double sendThreadCyclesPerPage) {

  /** Without a bound from the sending thread's CPU (before issue 11's CPU-bound stream). */
  public MigrationCosts(long pvSuspendAckNanos, double pvPagetableRewriteCycles, long hvmDeviceStateBytes,
      long hvmContextBytes, long hvmRestoreNanos, long vcpuStateBytes, double postcopyFaultFraction,
      long pvRestartNanos, long destinationBuildNanos, double dom0SendCyclesPerPage, double dom0ReceiveCyclesPerPage) {
    this(pvSuspendAckNanos, pvPagetableRewriteCycles, hvmDeviceStateBytes, hvmContextBytes, hvmRestoreNanos,
        vcpuStateBytes, postcopyFaultFraction, pvRestartNanos, destinationBuildNanos, dom0SendCyclesPerPage,
        dom0ReceiveCyclesPerPage, 0);
  }

  /** One L1 page-table page maps 512 pages (2 MiB). */
  public static final long PAGES_PER_PAGETABLE_PAGE = 512;

  /**
   * The share of its time a post-copy guest spends stalled on faults while its memory is pushed: the
   * faulting pages ({@code postcopy-fault-fraction} of the working set) times a round trip plus a page,
   * spread over the time the push takes; at most 0.99.
   */
  public double postcopyStall(long workingSetPages, long memoryPages, long latencyNanos, double linkBitsPerSecond) {
    double pageSeconds = Page.BYTES * 8 / linkBitsPerSecond;
    double faultSeconds = 2 * latencyNanos / 1e9 + pageSeconds;
    double pushSeconds = Math.max(1, memoryPages) * pageSeconds;
    double stall = postcopyFaultFraction * workingSetPages * faultSeconds / pushSeconds;
    return Math.min(0.99, stall);
  }

  /**
   * How fast the sender's threads can put pages on the wire, in bits/s of wire bytes (0: no bound): each of
   * {@code threads} (at most {@code cpus}, the sending Dom0's vCPUs) spends {@code send-thread-cycles-per-page}
   * plus the compression's cycles on a page, on a core of {@code coreCyclesPerSecond}; a page then takes {@code
   * 1 / ratio} of its size on the wire.
   */
  public long senderCapBitsPerSecond(double coreCyclesPerSecond, int threads, int cpus, Compression compression) {
    double cyclesPerPage = sendThreadCyclesPerPage + compression.compressCyclesPerPage();
    if (cyclesPerPage <= 0) {
      return 0;
    }
    double pagesPerSecond = Math.max(1, Math.min(threads, cpus)) * coreCyclesPerSecond / cyclesPerPage;
    return Math.max(1, Math.round(pagesPerSecond * Page.BYTES * 8 / compression.ratio()));
  }

  public static MigrationCosts from(Config domsim) {
    Config c = domsim.getConfig("migration.costs");
    return new MigrationCosts(
        c.getDuration("pv-suspend-ack").toNanos(),
        c.getDouble("pv-pagetable-rewrite-cycles"),
        c.getBytes("hvm-device-state"),
        c.getBytes("hvm-context"),
        c.getDuration("hvm-restore-time").toNanos(),
        c.getBytes("vcpu-state"),
        c.getDouble("postcopy-fault-fraction"),
        c.getDuration("pv-restart-time").toNanos(),
        c.getDuration("destination-build-time").toNanos(),
        c.getDouble("dom0-send-cycles-per-page"),
        c.getDouble("dom0-receive-cycles-per-page"),
        new io.domsim.config.plugin.Settings(c).atLeastZero("send-thread-cycles-per-page", "a number of cycles"));
  }
}
