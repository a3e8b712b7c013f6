package io.domsim.migration;

import com.typesafe.config.Config;

/** What a migration costs besides memory pages, read once from {@code domsim.migration.costs}. */
public record MigrationCosts(
    long pvSuspendAckNanos, double pvPagetableRewriteCycles, long hvmDeviceStateBytes, long hvmContextBytes,
    long hvmRestoreNanos, long vcpuStateBytes, double postcopyGuestSpeed) {

  public static final long PAGE_BYTES = 4096;
  /** One L1 page-table page maps 512 pages (2 MiB). */
  public static final long PAGES_PER_PAGETABLE_PAGE = 512;

  public static MigrationCosts from(Config domsim) {
    Config c = domsim.getConfig("migration.costs");
    return new MigrationCosts(
        c.getDuration("pv-suspend-ack").toNanos(),
        c.getDouble("pv-pagetable-rewrite-cycles"),
        c.getBytes("hvm-device-state"),
        c.getBytes("hvm-context"),
        c.getDuration("hvm-restore-time").toNanos(),
        c.getBytes("vcpu-state"),
        c.getDouble("postcopy-guest-speed"));
  }
}
