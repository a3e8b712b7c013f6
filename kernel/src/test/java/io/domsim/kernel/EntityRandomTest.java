package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** EntityRandom draws what the entity's SplittableRandom would, bit for bit, in every kind of draw mixed. */
class EntityRandomTest {
  private static final class Stream extends EntityRandom {
    Stream(long seed, String name) {
      super(seed, name);
    }
  }

  @Test
  void drawsAreTheSplittableRandomsOfTheEntity() {
    String[] names = {"guest/web-1/workload", "guest/db-17/workload", "node-3/xen", "", "\u00e9t\u00e9"};
    long tails = 0;
    for (long seed : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
      for (String name : names) {
        SplittableRandom expected = RandomStreams.forEntity(seed, name);
        Stream actual = new Stream(seed, name);
        SplittableRandom pick = new SplittableRandom(seed);
        for (int i = 0; i < 200_000; i++) {
          String where = "seed " + seed + " " + name + " draw " + i;
          switch (pick.nextInt(5)) {
            case 0 -> assertEquals(expected.nextLong(), actual.nextLong(), where);
            case 1 -> assertEquals(Double.doubleToRawLongBits(expected.nextDouble()),
                Double.doubleToRawLongBits(actual.nextDouble()), where);
            case 2 -> {
              double g = expected.nextGaussian();
              tails += Math.abs(g) > 3.5 ? 1 : 0; // the ziggurat's tail and wedge code is reached too
              assertEquals(Double.doubleToRawLongBits(g), Double.doubleToRawLongBits(actual.nextGaussian()), where);
            }
            case 3 -> assertEquals(Double.doubleToRawLongBits(expected.nextDouble(2.5, 7.0)),
                Double.doubleToRawLongBits(actual.nextDouble(2.5, 7.0)), where);
            default -> assertEquals(Double.doubleToRawLongBits(expected.nextExponential()),
                Double.doubleToRawLongBits(actual.nextExponential()), where);
          }
        }
      }
    }
    assertTrue(tails > 100, "gaussian tails drawn: " + tails);
  }

  @Test
  void drawsItCannotReproduceThrow() {
    Stream s = new Stream(1, "x");
    assertThrows(UnsupportedOperationException.class, s::nextInt);
    assertThrows(UnsupportedOperationException.class, () -> s.nextInt(10));
    assertThrows(UnsupportedOperationException.class, s::nextBoolean);
    assertThrows(UnsupportedOperationException.class, s::nextFloat);
  }
}
