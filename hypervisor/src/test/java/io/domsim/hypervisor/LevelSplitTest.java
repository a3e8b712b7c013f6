package io.domsim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The split's two heaps and its sums, against a brute-force reading of the same guests. */
class LevelSplitTest {

  /**
   * Random keys changed and guests moved across, side by side with arrays: the held guest of the lowest key and
   * the satisfied guest of the highest key are always at the tops (ties to the lower index).
   */
  @Test
  void theTopsAreTheGuestsNextToTheLevel() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rnd.nextInt(70);
      LevelSplit split = new LevelSplit();
      split.reset(n);
      boolean[] held = new boolean[n];
      for (int i = 0; i < n; i++) {
        // Few distinct keys, so that ties are common.
        split.key[i] = rnd.nextInt(12) / 4.0;
        held[i] = rnd.nextBoolean();
        split.place(i, held[i]);
      }
      split.order();
      for (int step = 0; step < 300; step++) {
        int i = rnd.nextInt(n);
        if (rnd.nextBoolean()) {
          split.rekey(i, rnd.nextInt(12) / 4.0);
        } else {
          split.cross(i);
          held[i] = !held[i];
        }
        int lowest = -1;
        int highest = -1;
        int heldCount = 0;
        for (int j = 0; j < n; j++) {
          assertEquals(held[j], split.held(j));
          if (held[j]) {
            heldCount++;
            if (lowest < 0 || split.key[j] < split.key[lowest]) {
              lowest = j;
            }
          } else if (highest < 0 || split.key[j] > split.key[highest]) {
            highest = j;
          }
        }
        assertEquals(heldCount, split.heldSize(), "trial " + trial + " step " + step);
        if (heldCount > 0) {
          assertEquals(lowest, split.lowestHeld(), "trial " + trial + " step " + step);
        }
        assertEquals(highest, split.highestSatisfied(), "trial " + trial + " step " + step);
      }
    }
  }

  /**
   * Terms of magnitudes from 1e-6 to 1e6 added and taken away at random, 100,000 times: the sum read is the exact
   * sum of the terms present, rounded once (to within a few units of 1e-32 of the largest magnitude).
   */
  @Test
  void aSumTakesATermAwayAsExactlyAsItAddedIt() {
    SplittableRandom rnd = new SplittableRandom(4);
    LevelSplit split = new LevelSplit();
    split.reset(1);
    double[] present = new double[64];
    BigDecimal exact = BigDecimal.ZERO;
    for (int step = 0; step < 100_000; step++) {
      int k = rnd.nextInt(present.length);
      split.add(LevelSplit.SAT_CPU, -present[k]);
      exact = exact.subtract(new BigDecimal(present[k]));
      present[k] = rnd.nextInt(5) == 0 ? 0 : Math.pow(10, -6 + 12 * rnd.nextDouble());
      split.add(LevelSplit.SAT_CPU, present[k]);
      exact = exact.add(new BigDecimal(present[k]));
      if (step % 1_000 == 0) {
        double error = Math.abs(split.sum(LevelSplit.SAT_CPU) - exact.doubleValue());
        assertTrue(error <= Math.ulp(exact.doubleValue()), "step " + step + ": off by " + error);
      }
    }
  }
}
