package io.domsim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** workload.hot-fraction / hot-write-share: both dirty models count a hot and a cold part alike. */
class WriteSkewDirtyLogTest {
  private static final long MEMORY = 262_144; // 1 GiB
  private static final long WS = 65_536; // 256 MiB
  private static final long HOT = WS / 10;
  private static final double SHARE = 0.9;

  @Test
  void analyticIsTheSumOfTheTwoPartsExpectedCounts() {
    for (double n : new double[] {10, 1_000, 20_000, 200_000, 1e7}) {
      AnalyticDirtyLog log = new AnalyticDirtyLog(MEMORY, WS, MEMORY, HOT, SHARE);
      log.clean();
      log.write(n);
      double hot = HOT * -Math.expm1(-n * SHARE / HOT);
      double cold = (WS - HOT) * -Math.expm1(-n * (1 - SHARE) / (WS - HOT));
      assertEquals(Math.round(hot + cold), log.peek(), "n = " + n);
    }
    // Skewed writes dirty fewer distinct pages than uniform ones: the hot pages are written again and again.
    AnalyticDirtyLog skewed = new AnalyticDirtyLog(MEMORY, WS, MEMORY, HOT, SHARE);
    AnalyticDirtyLog uniform = new AnalyticDirtyLog(MEMORY, WS);
    skewed.clean();
    uniform.clean();
    skewed.write(20_000);
    uniform.write(20_000);
    assertTrue(skewed.peek() < 0.7 * uniform.peek(), skewed.peek() + " vs " + uniform.peek());
  }

  @Test
  void uniformSkewIsExactlyTheUniformModel() {
    // share = fraction, or fraction 1: the old arithmetic, to the last bit.
    for (long hot : new long[] {WS, Long.MAX_VALUE}) {
      AnalyticDirtyLog a = new AnalyticDirtyLog(MEMORY, WS, MEMORY, hot, 0.3);
      AnalyticDirtyLog b = new AnalyticDirtyLog(MEMORY, WS);
      PageDirtyLog p = new PageDirtyLog(MEMORY, WS, MEMORY, hot, 0.3, new SplittableRandom(4));
      PageDirtyLog q = new PageDirtyLog(MEMORY, WS, new SplittableRandom(4));
      for (int i = 0; i < 5; i++) {
        assertEquals(b.clean(), a.clean());
        assertEquals(q.clean(), p.clean());
        a.write(12_345.6);
        b.write(12_345.6);
        p.write(12_345.6);
        q.write(12_345.6);
        assertEquals(b.dropRewrittenUnsent(), a.dropRewrittenUnsent());
        a.markSent(1000);
        b.markSent(1000);
      }
      for (int page = 0; page < MEMORY; page++) {
        assertEquals(q.isDirty(page), p.isDirty(page));
      }
    }
  }

  /**
   * The page model's distinct pages are the analytic count within 3% at each clean (a few thousand random
   * draws: about 1% is one standard deviation) and within 1% summed over the cleans, as a migration sums them.
   */
  @Test
  void theModelsAgreeWithinOnePercent() {
    for (long seed = 1; seed <= 3; seed++) {
      AnalyticDirtyLog a = new AnalyticDirtyLog(MEMORY, WS, MEMORY / 2, HOT, SHARE);
      PageDirtyLog p = new PageDirtyLog(MEMORY, WS, MEMORY / 2, HOT, SHARE, new SplittableRandom(seed));
      assertEquals(a.clean(), p.clean(), "round 1: the resident pages");
      p.delivered();
      long sumA = 0;
      long sumP = 0;
      for (double n : new double[] {30_000, 5_000, 2_000, 800, 100_000, 3e6}) {
        for (int k = 0; k < 4; k++) {
          a.write(n / 4);
          p.write(n / 4);
        }
        long expected = a.clean();
        long drawn = p.clean();
        p.delivered();
        assertEquals(expected, drawn, Math.max(0.03 * expected, 3), "seed " + seed + ", " + n + " writes");
        sumA += expected;
        sumP += drawn;
      }
      assertEquals(sumA, sumP, 0.01 * sumA, "seed " + seed + ": all cleans");
      assertEquals(0, p.pagesMissingAtDestination());
    }
  }

  /** xen-legacy's skip of pages written again before they went: the two models agree within 2%. */
  @Test
  void rewrittenUnsentPagesAgree() {
    AnalyticDirtyLog a = new AnalyticDirtyLog(MEMORY, WS, MEMORY, HOT, SHARE);
    PageDirtyLog p = new PageDirtyLog(MEMORY, WS, MEMORY, HOT, SHARE, new SplittableRandom(9));
    a.clean();
    p.clean();
    p.delivered();
    a.write(40_000);
    p.write(40_000);
    assertEquals(a.clean(), p.clean(), 0.01 * a.peek() + 200);
    long droppedA = 0;
    long droppedP = 0;
    for (int batch = 0; batch < 8; batch++) {
      a.write(3_000);
      p.write(3_000);
      droppedA += a.dropRewrittenUnsent();
      droppedP += p.dropRewrittenUnsent();
      a.markSent(1_500);
      p.markSent(1_500);
    }
    assertTrue(droppedA > 1_000, "hot pages are rewritten before they go: " + droppedA);
    assertEquals(droppedA, droppedP, 0.02 * droppedA, "analytic " + droppedA + ", page " + droppedP);
  }
}
