package io.domsim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java port gives StrictMath.log1p's bits (the phase lengths of every run depend on it). */
class Log1pTest {
  private static void same(double x) {
    assertEquals(Double.doubleToRawLongBits(StrictMath.log1p(x)), Double.doubleToRawLongBits(Log1p.of(x)),
        () -> "log1p(" + x + ") = " + StrictMath.log1p(x) + ", port " + Log1p.of(x));
  }

  @Test
  void phaseDrawsAndLevelSpreads() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 3_000_000; i++) {
      same(-r.nextDouble()); // a phase length: -mean × log1p(-u)
      double cv = r.nextDouble() * 4;
      same(cv * cv); // a level's spread
    }
  }

  @Test
  void anyDouble() {
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 3_000_000; i++) {
      same(Double.longBitsToDouble(r.nextLong()));
    }
  }

  @Test
  void edgesOfEveryBranch() {
    double[] xs = {0.0, -0.0, -1.0, -1.0000000000000002, -2, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
        0x1p-29, -0x1p-29, 0x1p-54, -0x1p-54, 0x1p-20, 0.41422, 0.4142135623730950, -0.2929, -0.29289321881345,
        0x1p53, 0x1p54, 0.5, -0.5, 1, 3, 1e300, -0.9999999999999999};
    for (double x : xs) {
      for (int k = -3; k <= 3; k++) {
        double y = x;
        for (int j = 0; j < Math.abs(k); j++) {
          y = k > 0 ? Math.nextUp(y) : Math.nextDown(y);
        }
        same(y);
      }
    }
  }
}
