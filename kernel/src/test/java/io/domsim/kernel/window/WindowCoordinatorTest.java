package io.domsim.kernel.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.kernel.window.WindowCoordinator.Grant;
import io.domsim.kernel.window.WindowCoordinator.Report;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WindowCoordinatorTest {
  static final long L = 100;
  static final long NONE = Long.MAX_VALUE;

  private static TreeMap<String, Long> sent(Object... toAndCount) {
    TreeMap<String, Long> m = new TreeMap<>();
    for (int i = 0; i < toAndCount.length; i += 2) {
      m.put((String) toAndCount[i], ((Number) toAndCount[i + 1]).longValue());
    }
    return m;
  }

  @Test
  void aWindowStartsAtTheEarliestEventAnywhereAndLastsOneLookahead() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2", "m3"), L, 10_000);
    assertEquals(Map.of(), c.report(new Report("m2", 0, 700, NONE, sent())));
    assertEquals(Map.of(), c.report(new Report("m1", 0, 500, NONE, sent())));
    Map<String, Grant> grants = c.report(new Report("m3", 0, NONE, NONE, sent()));
    assertEquals(List.of("m1", "m2", "m3"), List.copyOf(grants.keySet()));
    for (Grant g : grants.values()) {
      assertEquals(new Grant(1, 600, 0, false), g, "idle from 0 to 500 costs nothing: the window is [500, 600)");
    }
  }

  @Test
  void aDeliveryInFlightBoundsTheNextWindowAndIsAwaitedByItsReceiver() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2"), L, 10_000);
    c.report(new Report("m1", 0, 0, NONE, sent()));
    c.report(new Report("m2", 0, 0, NONE, sent()));
    // In window 1 ([0, 100)), m1 sent two deliveries to m2, the earliest due at 150; m2's own next event is at 900.
    c.report(new Report("m1", 1, 1_000, 150, sent("m2", 2)));
    Map<String, Grant> grants = c.report(new Report("m2", 1, 900, NONE, sent()));
    assertEquals(new Grant(2, 250, 0, false), grants.get("m1"));
    assertEquals(new Grant(2, 250, 2, false), grants.get("m2"), "m2 waits for both before it starts");
    // Counts are cumulative: one more in window 2 makes three in all.
    c.report(new Report("m1", 2, 1_000, 300, sent("m2", 3)));
    assertEquals(3, c.report(new Report("m2", 2, 900, NONE, sent())).get("m2").deliveriesToReceive());
  }

  @Test
  void theLastWindowStopsAtTheEndAndTheRunEndsWhenNothingIsLeftBeforeIt() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2"), L, 1_000);
    c.report(new Report("m1", 0, 950, NONE, sent()));
    assertEquals(new Grant(1, 1_001, 0, false), c.report(new Report("m2", 0, NONE, NONE, sent())).get("m1"),
        "events at the end itself still run");
    c.report(new Report("m1", 1, 1_200, NONE, sent()));
    Grant last = c.report(new Report("m2", 1, NONE, NONE, sent())).get("m2");
    assertEquals(new Grant(2, 1_001, 0, true), last);
    assertTrue(c.ended());
    assertThrows(IllegalArgumentException.class, () -> c.report(new Report("m1", 2, 1_200, NONE, sent())));
  }

  @Test
  void protocolErrorsAreRefused() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2"), L, 1_000);
    assertThrows(IllegalArgumentException.class, () -> c.report(new Report("m9", 0, 0, NONE, sent())));
    assertThrows(IllegalArgumentException.class, () -> c.report(new Report("m1", 3, 0, NONE, sent())));
    c.report(new Report("m1", 0, 0, NONE, sent()));
    assertThrows(IllegalArgumentException.class, () -> c.report(new Report("m1", 0, 0, NONE, sent())));
    assertThrows(IllegalArgumentException.class, () -> c.report(new Report("m2", 0, 0, NONE, sent("m2", 1))),
        "a delivery to itself");
    assertThrows(IllegalArgumentException.class, () -> new WindowCoordinator(List.of("m1"), 0, 1_000),
        "no lookahead, no window");
  }

  /** The operator stops the run: it ends at the boundary it was told, every event at it still running. */
  @Test
  void aRunStoppedAtABoundaryEndsThere() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2"), L, 10_000);
    c.report(new Report("m1", 0, 0, NONE, sent()));
    c.report(new Report("m2", 0, 0, NONE, sent()));
    c.endAt(100); // told at the end of window 1 ([0, 100))
    c.report(new Report("m1", 1, 100, NONE, sent()));
    assertEquals(new Grant(2, 101, 0, false), c.report(new Report("m2", 1, 150, NONE, sent())).get("m1"),
        "the events at 100 run");
    c.report(new Report("m1", 2, 170, NONE, sent()));
    Grant last = c.report(new Report("m2", 2, 150, NONE, sent())).get("m2");
    assertEquals(new Grant(3, 101, 0, true), last, "nothing is left at or before 100: the run ends there");
    c.endAt(50_000);
    assertTrue(c.ended());
  }
}
