package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StopRuleConstantsTest {

  @Test
  void defaultsAreThePublishedConstants() {
    StopRuleConstants c = StopRuleConstants.from(ConfigFactory.load().getConfig("domsim"));
    assertEquals(5, c.xenMaxRounds(), "SPP_MAX_ITERATIONS");
    assertEquals(50, c.xenTargetDirtyPages(), "SPP_TARGET_DIRTY_COUNT");
    assertEquals(1024, c.xenBatchPages(), "MAX_BATCH_SIZE");
    assertEquals(29, c.legacyMaxRounds(), "DEF_MAX_ITERS");
    assertEquals(3.0, c.legacyMaxFactor(), "DEF_MAX_FACTOR");
    assertEquals(20, c.throttleInitialPercent());
    assertEquals(10, c.throttleIncrementPercent());
    assertEquals(99, c.throttleMaxPercent());
    assertEquals(50, c.throttleTriggerPercent());
    assertEquals(Duration.ofMillis(100), c.qemuBandwidthPeriod());
  }

  @Test
  void aClusterFileCanOverrideThem() {
    StopRuleConstants c = StopRuleConstants.from(ConfigFactory.parseString(
        "domsim.migration.constants.xen.max-rounds = 8").withFallback(ConfigFactory.load()).getConfig("domsim"));
    assertEquals(8, c.xenMaxRounds());
  }

  /** AutoConverge refuses such values: left to it, a typo would end a Dom0 in the middle of a migration. */
  @ParameterizedTest
  @CsvSource({
      "qemu.throttle-max, 150", "qemu.throttle-max, 10", "qemu.throttle-initial, 0", "qemu.throttle-increment, 0",
      "qemu.throttle-trigger-threshold, 0", "xen.max-rounds, 0", "xen-legacy.max-rounds, -1",
      "xen-legacy.max-factor, 0", "xen.target-dirty-pages, -5", "xen.batch-pages, 0", "qemu.bandwidth-period, 0s"})
  void aValueOutOfRangeIsABadValueNamingTheSetting(String key, String value) {
    ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class, () -> StopRuleConstants.from(
        ConfigFactory.parseString("domsim.migration.constants." + key + " = " + value)
            .withFallback(ConfigFactory.load()).getConfig("domsim")));
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("; use "), e.getMessage());
  }

  @Test
  void theEdgesOfTheRangesAreAccepted() {
    StopRuleConstants c = StopRuleConstants.from(ConfigFactory.parseString(
        "domsim.migration.constants { qemu { throttle-initial = 100, throttle-max = 100 }, xen.max-rounds = 1,"
            + " xen.target-dirty-pages = 0 }").withFallback(ConfigFactory.load()).getConfig("domsim"));
    assertEquals(100, c.throttleMaxPercent());
    new AutoConverge(c); // accepts what was read
  }
}
