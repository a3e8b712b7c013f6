package io.domsim.migration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
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

  /**
   * Reads {@code domsim.migration.constants}.
   *
   * @throws ConfigException.BadValue for a value out of its range (a user's mistake, reported before a run
   *     starts, not a failure in the middle of a migration)
   */
  public static StopRuleConstants from(Config domsim) {
    Config c = domsim.getConfig("migration.constants");
    int throttleInitial = intIn(c, "qemu.throttle-initial", 1, 100, "a percentage");
    return new StopRuleConstants(
        intIn(c, "xen.max-rounds", 1, Integer.MAX_VALUE, "a number of rounds"),
        atLeastZero(c, "xen.target-dirty-pages"),
        intIn(c, "xen.batch-pages", 1, Integer.MAX_VALUE, "a number of pages"),
        intIn(c, "xen-legacy.max-rounds", 1, Integer.MAX_VALUE, "a number of rounds"),
        positive(c, "xen-legacy.max-factor"),
        atLeastZero(c, "xen-legacy.target-dirty-pages"),
        throttleInitial,
        intIn(c, "qemu.throttle-increment", 1, 100, "a percentage"),
        intIn(c, "qemu.throttle-max", throttleInitial, throttleInitial + " (qemu.throttle-initial)", 100,
            "a percentage"),
        intIn(c, "qemu.throttle-trigger-threshold", 1, 100, "a percentage"),
        positiveDuration(c, "qemu.bandwidth-period"));
  }

  private static int intIn(Config c, String path, int min, int max, String what) {
    return intIn(c, path, min, Integer.toString(min), max, what);
  }

  private static int intIn(Config c, String path, int min, String minText, int max, String what) {
    int v = c.getInt(path);
    if (v < min || v > max) {
      throw bad(c, path, v + " is out of range; use " + what + " from " + minText
          + (max == Integer.MAX_VALUE ? " up" : " to " + max));
    }
    return v;
  }

  private static long atLeastZero(Config c, String path) {
    long v = c.getLong(path);
    if (v < 0) {
      throw bad(c, path, v + " is negative; use a number of pages, 0 or more");
    }
    return v;
  }

  private static double positive(Config c, String path) {
    double v = c.getDouble(path);
    if (!(v > 0)) {
      throw bad(c, path, v + " is not positive; use a factor above 0, such as 3");
    }
    return v;
  }

  private static Duration positiveDuration(Config c, String path) {
    Duration v = c.getDuration(path);
    if (v.isNegative() || v.isZero()) {
      throw bad(c, path, c.getValue(path).unwrapped() + " is not positive; use a duration such as 100ms");
    }
    return v;
  }

  private static ConfigException.BadValue bad(Config c, String path, String reason) {
    return new ConfigException.BadValue(c.getValue(path).origin(), path, reason);
  }
}
