package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** QEMU's cpu-throttle steps (migration/ram.c). */
class AutoConvergeTest {
  static final long SENT = 100_000_000;
  static final long HIGH = SENT / 2 + 1; // more than 50% of what was sent
  static final long LOW = SENT / 2; // exactly 50%: not more

  @Test
  void throttlesTwentyPercentThenTenMoreEachTimeUpToNinetyNine() {
    AutoConverge ac = Builtins.autoConverge();
    assertEquals(0.0, ac.throttle());
    List<Integer> steps = new ArrayList<>();
    for (int sync = 1; sync <= 40; sync++) {
      OptionalDouble t = ac.onSync(HIGH, SENT);
      if (sync % 2 == 1) {
        assertFalse(t.isPresent(), "every step takes two high periods; sync " + sync);
      }
      t.ifPresent(x -> steps.add((int) Math.round(x * 100)));
    }
    assertEquals(List.of(20, 30, 40, 50, 60, 70, 80, 90, 99), steps);
    assertEquals(0.99, ac.throttle(), 1e-12);
    assertEquals(99, ac.throttlePercent());
    assertFalse(ac.onSync(HIGH, SENT).isPresent() || ac.onSync(HIGH, SENT).isPresent(), "stays at the max");
  }

  @Test
  void triggersOnlyAboveTheThreshold() {
    AutoConverge ac = Builtins.autoConverge();
    for (int i = 0; i < 10; i++) {
      assertFalse(ac.onSync(LOW, SENT).isPresent(), "50% is not above 50%");
    }
    assertEquals(0.0, ac.throttle());
    assertFalse(ac.onSync(HIGH, SENT).isPresent(), "the first high period only counts");
    assertEquals(0.20, ac.onSync(HIGH, SENT).getAsDouble(), 1e-12, "the second throttles");
    // Nothing sent in a period and something dirtied: high.
    assertFalse(ac.onSync(1, 0).isPresent());
    assertEquals(0.30, ac.onSync(1, 0).getAsDouble(), 1e-12);
    // Nothing dirtied: never high.
    assertFalse(ac.onSync(0, 0).isPresent());
  }

  /**
   * QEMU counts high periods with {@code ++dirty_rate_high_cnt >= 2} and resets the count only when it
   * throttles: a low period in between does not restart the count (the reference's "two consecutive
   * syncs" is looser than the code).
   */
  @Test
  void aLowPeriodBetweenTwoHighOnesDoesNotResetTheCountAsInQemu() {
    AutoConverge ac = Builtins.autoConverge();
    assertFalse(ac.onSync(HIGH, SENT).isPresent());
    assertFalse(ac.onSync(LOW, SENT).isPresent());
    assertFalse(ac.onSync(LOW, SENT).isPresent());
    assertEquals(0.20, ac.onSync(HIGH, SENT).getAsDouble(), 1e-12);
    // After a step the count starts again from zero.
    assertFalse(ac.onSync(HIGH, SENT).isPresent());
    assertEquals(0.30, ac.onSync(HIGH, SENT).getAsDouble(), 1e-12);
  }

  @Test
  void otherSettingsAndNoOverflow() {
    AutoConverge ac = new AutoConverge(50, 25, 90, 80);
    long sent = Long.MAX_VALUE / 10;
    long threshold = sent / 100 * 80 + sent % 100 * 80 / 100;
    assertFalse(ac.onSync(threshold, sent).isPresent());
    assertFalse(ac.onSync(threshold, sent).isPresent(), "at the threshold: not above");
    ac.onSync(threshold + 1, sent);
    assertEquals(0.50, ac.onSync(threshold + 1, sent).getAsDouble(), 1e-12);
    ac.onSync(threshold + 1, sent);
    assertEquals(0.75, ac.onSync(threshold + 1, sent).getAsDouble(), 1e-12);
    ac.onSync(threshold + 1, sent);
    assertEquals(0.90, ac.onSync(threshold + 1, sent).getAsDouble(), 1e-12);
    assertTrue(ac.throttle() <= 0.90);
    assertThrows(IllegalArgumentException.class, () -> new AutoConverge(20, 10, 10, 50));
    assertThrows(IllegalArgumentException.class, () -> new AutoConverge(20, 10, 101, 50));
  }
}
