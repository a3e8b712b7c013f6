package io.domsim.migration;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The published constants of the pre-copy stop rules, read once from
 * {@code domsim.migration.constants} (sources in this module's reference.conf). The migration
 * algorithms of the live-migration issue are built on these; today the module holds only them.
 */
public record StopRuleConstants(
    int xenMaxRounds, long xenTargetDirtyPages, int xenBatchPages, int legacyMaxRounds, double legacyMaxFactor,
    long legacyTargetDirtyPages, int throttleInitialPercent, int throttleIncrementPercent, int throttleMaxPercent,
    int throttleTriggerPercent, Duration qemuBandwidthPeriod) {

  public static StopRuleConstants from(Config domsim) {
    Config c = domsim.getConfig("migration.constants");
    return new StopRuleConstants(
        c.getInt("xen.max-rounds"),
        c.getLong("xen.target-dirty-pages"),
        c.getInt("xen.batch-pages"),
        c.getInt("xen-legacy.max-rounds"),
        c.getDouble("xen-legacy.max-factor"),
        c.getLong("xen-legacy.target-dirty-pages"),
        c.getInt("qemu.throttle-initial"),
        c.getInt("qemu.throttle-increment"),
        c.getInt("qemu.throttle-max"),
        c.getInt("qemu.throttle-trigger-threshold"),
        c.getDuration("qemu.bandwidth-period"));
  }
}
