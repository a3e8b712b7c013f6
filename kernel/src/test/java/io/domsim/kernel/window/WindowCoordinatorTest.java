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

  /**
   * A run stopped from outside (launch's stop, Ctrl-C) ends every member at one boundary: the next grants are the
   * end, before the next window's start, so that no member runs past another (ClusterRun.stop over members set the
   * driver's kernel alone to stop, mid-window or while the others went on).
   */
  @Test
  void aStoppedRunEndsEveryMemberAtTheNextBoundary() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2"), L, 10_000);
    c.report(new Report("m1", 0, 0, NONE, sent()));
    c.report(new Report("m2", 0, 0, NONE, sent()));
    c.report(new Report("m1", 1, 500, NONE, sent()));
    c.stop();
    Map<String, Grant> grants = c.report(new Report("m2", 1, 300, 250, sent("m1", 1)));
    assertEquals(new Grant(2, 250, 1, true), grants.get("m1"), "it ends before 250, once m2's delivery is in");
    assertEquals(new Grant(2, 250, 0, true), grants.get("m2"));
    assertTrue(c.ended());
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

}
