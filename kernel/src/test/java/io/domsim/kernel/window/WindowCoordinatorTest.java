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
    for (var g : grants.entrySet()) {
      TreeMap<String, Long> others = new TreeMap<>(Map.of("m1", 0L, "m2", 0L, "m3", 0L));
      others.remove(g.getKey());
      assertEquals(new Grant(1, 600, others, false), g.getValue(),
          "idle from 0 to 500 costs nothing: the window is [500, 600)");
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
    assertEquals(new Grant(2, 250, sent("m2", 0), false), grants.get("m1"));
    assertEquals(new Grant(2, 250, sent("m1", 2), false), grants.get("m2"), "m2 waits for both before it starts");
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
    assertEquals(new Grant(2, 250, sent("m2", 1), true), grants.get("m1"),
        "it ends before 250, once m2's delivery is in");
    assertEquals(new Grant(2, 250, sent("m1", 0), true), grants.get("m2"));
    assertTrue(c.ended());
  }

  @Test
  void theLastWindowStopsAtTheEndAndTheRunEndsWhenNothingIsLeftBeforeIt() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2"), L, 1_000);
    c.report(new Report("m1", 0, 950, NONE, sent()));
    assertEquals(new Grant(1, 1_001, sent("m2", 0), false), c.report(new Report("m2", 0, NONE, NONE, sent())).get("m1"),
        "events at the end itself still run");
    c.report(new Report("m1", 1, 1_200, NONE, sent()));
    Grant last = c.report(new Report("m2", 1, NONE, NONE, sent())).get("m2");
    assertEquals(new Grant(2, 1_001, sent("m1", 0), true), last);
    assertTrue(c.ended());
    assertThrows(IllegalArgumentException.class, () -> c.report(new Report("m1", 2, 1_200, NONE, sent())));
  }

  /**
   * A lost member (its process died) no longer holds the windows: once every live member has reported, the next
   * grants leave it out, and no member waits for what it sent (counted per sender: it may have been lost with it).
   */
  @Test
  void aLostMembersMissingReportNoLongerHoldsTheWindow() {
    WindowCoordinator early = new WindowCoordinator(List.of("m1", "m2", "m3"), L, 10_000);
    early.report(new Report("m1", 0, 0, NONE, sent()));
    WindowCoordinator.Loss beforeItsSetupReport = early.lose("m2");
    assertEquals(-1, beforeItsSetupReport.lastWindow(), "nothing it sent counts");
    assertEquals(List.of("m1", "m3"), List.copyOf(early.report(new Report("m3", 0, 0, NONE, sent("m2", 2))).keySet()));
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2", "m3"), L, 10_000);
    c.report(new Report("m1", 0, 0, NONE, sent()));
    c.report(new Report("m2", 0, 0, NONE, sent()));
    c.report(new Report("m3", 0, 0, NONE, sent()));
    // Window 1: m3 sent m1 two deliveries and m2 one, then died before its report.
    c.report(new Report("m1", 1, 500, NONE, sent("m2", 1)));
    c.report(new Report("m2", 1, 400, 150, sent("m1", 4, "m3", 7)));
    WindowCoordinator.Loss loss = c.lose("m3");
    assertEquals(0, loss.lastWindow(), "its report of window 0 was the last a grant counted");
    assertEquals(new Grant(2, 250, sent("m2", 4), false), loss.grants().get("m1"));
    assertEquals(new Grant(2, 250, sent("m1", 1), false), loss.grants().get("m2"));
    assertEquals(List.of("m1", "m2"), List.copyOf(loss.grants().keySet()));
    assertEquals(Map.of(), c.report(new Report("m3", 1, 0, NONE, sent())), "a report from the lost is ignored");
    assertEquals(null, c.lose("m3"), "lost once");
    assertThrows(IllegalArgumentException.class, () -> c.lose("m1"), "the driver cannot be lost");
    c.report(new Report("m1", 2, 500, NONE, sent("m2", 1)));
    assertEquals(2, c.report(new Report("m2", 2, 400, NONE, sent("m1", 4, "m3", 9))).size(), "two members go on");
  }

  /**
   * A member lost after it reported the window: its report is dropped (what it sent in that window may never arrive,
   * and no grant may wait for it), and so is its barrier; the others' reports still make the window.
   */
  @Test
  void aLostMembersReportOfTheOpenWindowAndItsBarriersAreDropped() {
    WindowCoordinator c = new WindowCoordinator(List.of("m1", "m2", "m3"), L, 10_000);
    c.report(new Report("m1", 0, 0, NONE, sent()));
    c.report(new Report("m2", 0, 0, NONE, sent()));
    c.report(new Report("m3", 0, 0, NONE, sent()));
    c.report(new Report("m3", 1, 120, 130, sent("m1", 3), new TreeMap<>(Map.of("m3",
        new io.domsim.kernel.EventKey(120, "consolidator", 0)))));
    assertEquals(Map.of(), c.lose("m3").grants(), "m1 and m2 have not reported");
    c.report(new Report("m1", 1, 500, NONE, sent()));
    Map<String, Grant> grants = c.report(new Report("m2", 1, 400, NONE, sent()));
    assertEquals(new Grant(2, 500, sent("m2", 0), false), grants.get("m1"),
        "neither m3's delivery due at 130 nor its barrier at 120 bound the window");
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
