package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {
  private static long[] draw(SplittableRandom r) {
    long[] out = new long[64];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.nextLong();
    }
    return out;
  }

  @Test
  void sameSeedAndNameGiveTheSameSequence() {
    assertArrayEquals(draw(RandomStreams.forEntity(7, "node-1")), draw(RandomStreams.forEntity(7, "node-1")));
  }

  @Test
  void differentNamesOrSeedsGiveDifferentSequences() {
    long[] base = draw(RandomStreams.forEntity(7, "node-1"));
    assertFalse(Arrays.equals(base, draw(RandomStreams.forEntity(7, "node-2"))));
    assertFalse(Arrays.equals(base, draw(RandomStreams.forEntity(7, "node-10"))));
    assertFalse(Arrays.equals(base, draw(RandomStreams.forEntity(8, "node-1"))));
    assertFalse(Arrays.equals(draw(RandomStreams.forEntity(0, "")), draw(RandomStreams.forEntity(0, "a"))));
  }

  @Test
  void fixedValueIsStableAcrossJvmsAndVersions() {
    // Pinned: if this changes, every recorded run's report changes too.
    long v = RandomStreams.forEntity(42, "node-1").nextLong();
    org.junit.jupiter.api.Assertions.assertEquals(PINNED, v);
  }

  static final long PINNED = -8076194587524544521L;
}
