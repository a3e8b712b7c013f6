package io.domsim.node.members;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWatchTest {
  static final long S = 1_000_000_000L;

  @Test
  void windowsThatMoveAreNeverAStall() {
    StallWatch w = new StallWatch(Duration.ofSeconds(10));
    for (long t = 0; t < 1000; t++) {
      assertNull(w.check(t / 5, t * S)); // a window every 5 s of wall time, for 1000 s
    }
  }

  @Test
  void noWindowForTheLimitIsAStallWithASentence() {
    StallWatch w = new StallWatch(Duration.ofSeconds(10));
    assertNull(w.check(7, 0));
    assertNull(w.check(7, 9 * S));
    String why = w.check(7, 10 * S);
    assertTrue(why != null && why.contains("no window has ended for 10 s") && why.contains("window 7"), why);
    assertNull(w.check(8, 11 * S), "a window that ends starts the count again");
    assertNull(w.check(8, 20 * S));
    assertThrows(IllegalArgumentException.class, () -> new StallWatch(Duration.ZERO));
  }
}
