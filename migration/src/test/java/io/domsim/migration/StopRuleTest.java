package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each policy's stop rule at its boundaries. */
class StopRuleTest {
  static final long MEM = 262_144; // 1 GiB
  static final double BW = 125e6; // 1 Gbit/s

  /** After {@code round}: sent, total sent, dirty now; 1 GiB guest, 1 Gbit/s, 1 s rounds. */
  static RoundStats stats(int round, long sent, long total, long dirty) {
    return new RoundStats(round, sent, total, dirty, MEM, BW, 1_000_000_000L);
  }

  @Test
  void xenStopsAfterFiveRoundsOrBelowFiftyDirtyPages() {
    StopRule rule = Builtins.rule("xen", Duration.ofMillis(300));
    assertEquals(new StopRule.Xen(5, 50), rule);
    assertFalse(rule.stopAndCopy(stats(1, MEM, MEM, 50)), "50 dirty is not fewer than 50");
    assertTrue(rule.stopAndCopy(stats(1, MEM, MEM, 49)), "49 dirty is");
    assertTrue(rule.stopAndCopy(stats(1, MEM, MEM, 0)));
    assertFalse(rule.stopAndCopy(stats(4, 60_000, 500_000, 60_000)), "round 4 of 5");
    assertTrue(rule.stopAndCopy(stats(5, 60_000, 560_000, 60_000)), "SPP_MAX_ITERATIONS");
    assertTrue(rule.stopAndCopy(stats(6, 60_000, 620_000, 60_000)));
    // Nothing else matters: not the total sent, nor the bandwidth.
    assertFalse(rule.stopAndCopy(new RoundStats(2, 1, 100 * MEM, 1_000_000, MEM, 1, 1)));
  }

  @Test
  void xenLegacyStopsAfter29RoundsBelowFiftyPagesInTheRoundOrAboveThreeTimesMemory() {
    StopRule rule = Builtins.rule("xen-legacy", Duration.ofMillis(300));
    assertEquals(new StopRule.XenLegacy(29, 3.0, 50, new StopRule.Batches(1024, 16)), rule);
    assertFalse(rule.stopAndCopy(stats(28, 50, MEM, 1_000)));
    assertTrue(rule.stopAndCopy(stats(29, 50, MEM, 1_000)), "DEF_MAX_ITERS");
    // sent_this_iter + skip_this_iter < 50: the round just finished, not the pages dirty now.
    assertTrue(rule.stopAndCopy(stats(3, 49, MEM, 1_000)));
    assertFalse(rule.stopAndCopy(new RoundStats(3, 30, MEM, 1_000, MEM, BW, 1, 20)), "30 sent + 20 skipped");
    assertTrue(rule.stopAndCopy(new RoundStats(3, 30, MEM, 1_000, MEM, BW, 1, 19)), "30 sent + 19 skipped");
    assertFalse(rule.stopAndCopy(stats(3, 60_000, MEM, 10)), "few dirty now does not stop it");
    // total_sent > p2m_size * max_factor
    assertFalse(rule.stopAndCopy(stats(10, 60_000, 3 * MEM, 60_000)), "exactly 3x memory");
    assertTrue(rule.stopAndCopy(stats(10, 60_000, 3 * MEM + 1, 60_000)), "more than 3x memory");
  }

  @Test
  void qemuStopsWhenTheDirtyBytesFitInTheDowntimeLimitAtTheMeasuredBandwidth() {
    StopRule rule = Builtins.rule("qemu", Duration.ofSeconds(1));
    assertEquals(128L * 1024 * 1024 * 8, rule.defaultCapBitsPerSecond(), "MAX_THROTTLE, 128 MiB/s");
    assertFalse(rule.capsSwitchover(), "RATE_LIMIT_DISABLED at the switchover");
    assertTrue(rule.iteratesUntilConverged());
    assertEquals(Duration.ofSeconds(1), ((StopRule.Qemu) rule).downtimeLimit());
    // 1,000 pages/s measured: threshold = 4,096,000 bytes = 1,000 pages.
    double bw = 1000 * 4096.0;
    assertFalse(rule.stopAndCopy(new RoundStats(3, 500, MEM, 1000, MEM, bw, 1)), "1,000 pages is not below it");
    assertTrue(rule.stopAndCopy(new RoundStats(3, 500, MEM, 999, MEM, bw, 1)), "999 is");
    assertTrue(rule.stopAndCopy(new RoundStats(3, 500, MEM, 0, MEM, 0, 1)), "nothing pending, whatever bandwidth");
    // The threshold follows the bandwidth measured over the round.
    assertFalse(rule.stopAndCopy(new RoundStats(3, 500, MEM, 999, MEM, bw / 2, 1)));
    // 300 ms at 1 Gbit/s: 37,500,000 bytes = 9,155.27 pages.
    StopRule dflt = Builtins.rule("qemu", Duration.ofMillis(300));
    assertTrue(dflt.stopAndCopy(stats(2, 60_000, MEM, 9_155)));
    assertFalse(dflt.stopAndCopy(stats(2, 60_000, MEM, 9_156)));
    // No cap of rounds nor of bytes sent: QEMU iterates on (until migration.timeout cancels it).
    assertFalse(dflt.stopAndCopy(stats(1000, 60_000, 100 * MEM, 60_000)), "no hidden cap at 1,000 rounds");
    assertFalse(dflt.stopAndCopy(stats(1_000_000, 60_000, 10_000 * MEM, 60_000)));
    assertThrows(IllegalArgumentException.class, () -> new StopRule.Qemu(Duration.ofMillis(300), null, 0));
    // Xen's rules end by themselves.
    assertFalse(Builtins.rule("xen", Duration.ofMillis(300)).iteratesUntilConverged());
    assertFalse(Builtins.rule("xen-legacy", Duration.ofMillis(300)).iteratesUntilConverged());
    assertEquals(0, Builtins.rule("xen", Duration.ofMillis(300)).defaultCapBitsPerSecond(), "Xen: no rate limit");
  }

  @Test
  void theConstantsComeFromTheConfig() {
    com.typesafe.config.Config c = ConfigFactory.parseString(
        "domsim.migration.stop-rules.xen { max-rounds = 8, target-dirty-pages = 10 }")
        .withFallback(ConfigFactory.load()).getConfig("domsim");
    StopRule rule = Builtins.plugins(c, Duration.ofMillis(300), false).stopRule("xen");
    assertFalse(rule.stopAndCopy(stats(7, 1, 1, 10)));
    assertTrue(rule.stopAndCopy(stats(8, 1, 1, 10)));
    assertTrue(rule.stopAndCopy(stats(2, 1, 1, 9)));
    assertInstanceOf(StopRule.Qemu.class, Builtins.rule("qemu", Duration.ofMillis(300)));
  }

  @Test
  void legacySkippedFormula() {
    assertEquals(0, StopRule.legacySkipped(1000, 0, 1000, 1000), "no writes, no skips");
    assertEquals(0, StopRule.legacySkipped(0, 1e6, 1000, 0));
    // x = 1: 1 − (1 − e^−1) = e^−1 of the working-set pages.
    assertEquals(Math.round(10_000 * Math.exp(-1)), StopRule.legacySkipped(10_000, 10_000, 10_000, 10_000));
    // Few writes: each hits a page before its visit half the time.
    assertEquals(50, StopRule.legacySkipped(10_000, 100, 10_000, 10_000), 1);
    // Many writes: nearly every working-set page is skipped, and never more than the send set.
    assertEquals(9_990, StopRule.legacySkipped(10_000, 1e7, 10_000, 10_000), 1);
    assertEquals(5_000, StopRule.legacySkipped(262_144, 1e9, 65_536, 5_000), 1, "only the send set's WS pages");
    // The small-x series joins the closed form.
    assertEquals(1 + Math.expm1(-1.0001e-4) / 1.0001e-4, StopRule.skippedFraction(0.9999e-4), 1e-8);
  }

  /**
   * The formula against a direct simulation: a round visits the W working-set pages in order at a
   * steady pace; n writes arrive uniformly in time and over the pages; a page written before its visit
   * is skipped.
   */
  @Test
  void legacySkippedMatchesASimulatedRound() {
    int w = 20_000;
    SplittableRandom random = new SplittableRandom(17);
    for (int n : new int[] {2_000, 20_000, 60_000}) {
      double[] firstWrite = new double[w];
      java.util.Arrays.fill(firstWrite, Double.POSITIVE_INFINITY);
      for (int i = 0; i < n; i++) {
        double t = random.nextDouble();
        int p = random.nextInt(w);
        firstWrite[p] = Math.min(firstWrite[p], t);
      }
      int skipped = 0;
      for (int p = 0; p < w; p++) {
        if (firstWrite[p] < (p + 0.5) / w) { // page p is visited at (p + ½)/W of the round
          skipped++;
        }
      }
      long expected = StopRule.legacySkipped(w, n, w, w);
      assertEquals(expected, skipped, 0.03 * expected + 30, n + " writes");
    }
  }
}
