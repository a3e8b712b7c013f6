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
    long destinationBuildNanos, double dom0SendCyclesPerPage, double dom0ReceiveCyclesPerPage) {

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
        c.getDouble("dom0-receive-cycles-per-page"));
  }
}
