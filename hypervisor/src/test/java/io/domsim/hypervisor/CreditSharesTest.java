package io.domsim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Weighted max-min sharing of cores, as Xen's credit scheduler does it (work-conserving, no caps). */
class CreditSharesTest {
  private static final double EPS = 1e-9;

  @Test
  void undersubscribedEveryoneGetsTheirDemand() {
    double[] demand = {0.5, 2.0, 1.25, 0.0};
    double[] grant = CreditShares.allocate(8, demand, new double[] {256, 512, 128, 256});
    assertArrayEquals(demand, grant, EPS);
  }

  @Test
  void demandExactlyEqualToCapacityIsGrantedInFull() {
    double[] demand = {1.0, 2.0, 1.0};
    double[] grant = CreditShares.allocate(4, demand, new double[] {256, 256, 1024});
    assertArrayEquals(demand, grant, EPS);
  }

  @Test
  void oversubscribedWithEqualWeightsSplitsEqually() {
    double[] grant = CreditShares.allocate(4, new double[] {4, 4, 4}, new double[] {256, 256, 256});
    assertArrayEquals(new double[] {4.0 / 3, 4.0 / 3, 4.0 / 3}, grant, EPS);
  }

  @Test
  void weights256And512SplitOneToTwo() {
    double[] grant = CreditShares.allocate(3, new double[] {4, 4}, new double[] {256, 512});
    assertEquals(1.0, grant[0], EPS);
    assertEquals(2.0, grant[1], EPS);
    assertEquals(2.0, grant[1] / grant[0], 1e-12);
  }

  @Test
  void smallDemandIsSatisfiedAndTheRestIsRedistributed() {
    // Fair share would be 6/3 = 2 each; domain 0 wants only 0.5, so the others split 5.5 equally.
    double[] grant = CreditShares.allocate(6, new double[] {0.5, 8, 8}, new double[] {256, 256, 256});
    assertEquals(0.5, grant[0], EPS);
    assertEquals(2.75, grant[1], EPS);
    assertEquals(2.75, grant[2], EPS);
    assertEquals(6.0, sum(grant), EPS);
  }

  @Test
  void redistributionCascadesOverSeveralRounds() {
    // Level 10/4 = 2.5 satisfies only the 1.0; then (9)/3 = 3 satisfies the 2.9; then 6.1/2 each.
    double[] grant = CreditShares.allocate(10, new double[] {1.0, 2.9, 8, 8}, new double[] {256, 256, 256, 256});
    assertArrayEquals(new double[] {1.0, 2.9, 3.05, 3.05}, grant, EPS);
  }

  @Test
  void redistributionRespectsWeights() {
    // Capacity 7: the 256-weight domain wants 1 (< its 7*256/1024 share), the rest go 1:2 between 256 and 512.
    double[] grant = CreditShares.allocate(7, new double[] {1, 8, 8}, new double[] {256, 256, 512});
    assertEquals(1.0, grant[0], EPS);
    assertEquals(2.0, grant[1], EPS);
    assertEquals(4.0, grant[2], EPS);
  }

  /**
   * Property check over many seeded random inputs: never more than the capacity, never more than a
   * domain's demand, work-conserving (min(capacity, total demand) is handed out), and weighted max-min
   * fair (a domain that gets less than its demand has the largest grant/weight of all).
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2024, 0xDEADBEEFL})
  void randomizedPropertiesHold(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + rnd.nextInt(12);
      double capacity = 0.25 + rnd.nextDouble() * 32;
      double[] demand = new double[n];
      double[] weight = new double[n];
      for (int i = 0; i < n; i++) {
        demand[i] = rnd.nextInt(5) == 0 ? 0 : rnd.nextDouble() * 8;
        weight[i] = 1 + rnd.nextInt(1024);
      }
      String where = "seed " + seed + " trial " + trial + ": capacity " + capacity + " demand "
          + Arrays.toString(demand) + " weight " + Arrays.toString(weight);
      double[] grant = CreditShares.allocate(capacity, demand.clone(), weight.clone());

      assertEquals(n, grant.length, where);
      double total = sum(grant);
      assertTrue(total <= capacity + EPS, "sum " + total + " exceeds capacity; " + where);
      assertEquals(Math.min(capacity, sum(demand)), total, 1e-9 * Math.max(1, capacity),
          "not work-conserving; " + where);
      double maxNormalized = 0;
      for (int i = 0; i < n; i++) {
        assertTrue(grant[i] >= -EPS, "negative grant " + grant[i] + "; " + where);
        assertTrue(grant[i] <= demand[i] + EPS, "grant " + grant[i] + " above demand " + demand[i] + "; " + where);
        maxNormalized = Math.max(maxNormalized, grant[i] / weight[i]);
      }
      for (int i = 0; i < n; i++) {
        if (grant[i] < demand[i] - 1e-7) {
          assertEquals(maxNormalized, grant[i] / weight[i], 1e-9,
              "domain " + i + " is short of its demand but not at the top share level; " + where);
        }
      }
    }
  }

  private static double sum(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s;
  }
}
