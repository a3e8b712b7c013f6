package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
}
