package io.domsim.scheduler.consolidation;

import static io.domsim.scheduler.consolidation.Views.GIB;
import static io.domsim.scheduler.consolidation.Views.dc;
import static io.domsim.scheduler.consolidation.Views.guest;
import static io.domsim.scheduler.consolidation.Views.host;
import static io.domsim.scheduler.consolidation.Views.migrating;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationTest {
  private static final OverloadDetector THR = OverloadDetectors.threshold(0.8);

  @Test
  void aHostsHistoryIsItsGuestsDemandOverItsCapacityAlignedAtTheMostRecent() {
    // Capacity 2,000 MHz. a: 400, 600, 800 MHz; b (younger): 200, 200. Sums 400, 800, 1000 -> 0.2, 0.4, 0.5.
    DataCentre view = dc(List.of(host("h")), guest("a", "h", GIB, 800, 400, 600, 800), guest("b", "h", 2 * GIB, 200,
        200, 200));
    HostLoad load = new Allocation(view, THR).load(0);
    assertArrayEquals(new double[] {0.2, 0.4, 0.5}, load.history(), 1e-12);
    assertEquals(0.5, load.utilisation(), 1e-12);
    // The longest migration: b's 2 GiB at 125,000,000 B/s.
    assertEquals(2.0 * GIB / 125_000_000, load.maxMigrationSeconds(), 1e-9);
    assertEquals(300, load.intervalSeconds());
  }

  @Test
  void onlyTheLastThirtyValuesCount() {
    double[] long40 = new double[40];
    java.util.Arrays.fill(long40, 1000);
    DataCentre view = dc(List.of(host("h")), guest("a", "h", GIB, 1000, long40));
    assertEquals(DataCentre.HISTORY_LENGTH, new Allocation(view, THR).load(0).history().length);
  }

  @Test
  void aDetachedGuestNoLongerLoadsItsHostAndAnAttachedOneTakesMemoryElsewhere() {
    DataCentre view = dc(List.of(host("a"), host("b").free(3 * GIB - 1)),
        guest("g1", "a", GIB, 900, 900), guest("g2", "a", 2 * GIB, 800, 800));
    Allocation alloc = new Allocation(view, THR);
    assertTrue(alloc.overloaded(0)); // 1,700 / 2,000 = 0.85
    alloc.detach(0);
    assertFalse(alloc.overloaded(0)); // 800 / 2,000
    assertEquals(8 * GIB, alloc.freeMemory(0), "the source's memory is freed only when the migration completes");
    alloc.attach(0, 1);
    assertEquals(2 * GIB - 1, alloc.freeMemory(1));
    assertEquals(0.45, alloc.utilisation(1), 1e-12);
    assertFalse(alloc.fits(1, 1), "2 GiB more does not fit in the 2 GiB - 1 byte left");
    alloc.detach(0);
    assertEquals(3 * GIB - 1, alloc.freeMemory(1), "undoing a trial placement gives the memory back");
    assertTrue(alloc.fits(1, 1));
  }

  @Test
  void aMigratingGuestLoadsBothHostsAndCannotBeDetached() {
    DataCentre view = dc(List.of(host("a"), host("b")), migrating("m", "a", "b", GIB, 1700));
    Allocation alloc = new Allocation(view, THR);
    assertTrue(alloc.overloaded(0));
    assertTrue(alloc.overloaded(1));
    assertTrue(alloc.hasIncoming(1));
    assertThrows(IllegalStateException.class, () -> alloc.detach(0));
  }

  @Test
  void fitChecksHvmMemoryAndCpu() {
    DataCentre view = new DataCentre(List.of(host("plain").noHvm().build(), host("small").free(GIB / 2).build(),
        host("busy").build()),
        List.of(new DataCentre.Guest("hvm", "busy", GIB, true, 1000, 100, new double[0], null),
            guest("pv", "busy", GIB, 1500), guest("big", "busy", GIB / 4, 600)), 300);
    Allocation alloc = new Allocation(view, THR);
    assertFalse(alloc.fits(0, 0), "HVM needs HVM support");
    assertFalse(alloc.fits(1, 1), "1 GiB does not fit in 512 MiB");
    assertTrue(alloc.fits(2, 1), "256 MiB does");
    alloc.detach(2);
    assertFalse(alloc.fits(2, 2), "100 + 1,500 + 600 MHz > 2,000 MHz");
    assertTrue(alloc.fits(2, 1));
  }

  @Test
  void powerIncreaseOfAnOffHostCountsItsWholeDraw() {
    DataCentre view = dc(List.of(host("on"), host("off").power(DataCentre.Power.OFF)), guest("g", "on", GIB, 500));
    Allocation alloc = new Allocation(view, THR);
    alloc.detach(0);
    // Linear 100-200 W: on, 0 -> 0.25 is 25 W more; off, nothing -> 125 W.
    assertEquals(25, alloc.powerIncrease(0, 0), 1e-9);
    assertEquals(125, alloc.powerIncrease(1, 0), 1e-9);
  }

  @Test
  void theViewRefusesInconsistentStates() {
    assertThrows(IllegalArgumentException.class, () -> dc(List.of(host("a")), guest("g", "b", GIB, 1)));
    assertThrows(IllegalArgumentException.class,
        () -> dc(List.of(host("a").power(DataCentre.Power.OFF)), guest("g", "a", GIB, 1)));
    assertThrows(IllegalArgumentException.class, () -> dc(List.of(host("a"), host("a"))));
    assertThrows(IllegalArgumentException.class, () -> dc(List.of(host("a")), migrating("g", "a", "a", GIB, 1)));
  }

  @Test
  void aPowerTableInterpolatesBetweenItsPoints() {
    // HP ProLiant ML110 G4 (SPECpower): 86, 89.4, ..., 117 W at 0, 10, ..., 100%.
    PowerCurve g4 = PowerCurve.table(86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117);
    assertEquals(86, g4.watts(0), 1e-9);
    assertEquals(117, g4.watts(1), 1e-9);
    assertEquals((92.6 + 96) / 2, g4.watts(0.25), 1e-9);
  }
}
