package io.domsim.scheduler.consolidation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.domsim.scheduler.consolidation.SlaMetrics.GuestDemand;
import io.domsim.scheduler.consolidation.SlaMetrics.HostTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlaMetricsTest {
  private static final double EPS = 1e-12;

  // h1: 10 s of 100 s at 100%; h2: none of 300 s; h3 never on (no ratio).
  private static final List<HostTime> HOSTS = List.of(new HostTime(100, 10), new HostTime(300, 0), new HostTime(0, 0));
  // g1: 20 of 1,000 lost while migrating (50 in all); g2: 30 of 3,000 (60 in all); g3 never asked.
  private static final List<GuestDemand> GUESTS = List.of(new GuestDemand(1000, 50, 20), new GuestDemand(3000, 60, 30),
      new GuestDemand(0, 0, 0));

  @Test
  void thePapersMeansOfRatios() {
    // SLATAH = (10/100 + 0/300) / 2 = 0.05; PDM = (20/1000 + 30/3000) / 2 = 0.015; SLAV = 0.00075;
    // ESV with 200 kWh = 0.15.
    SlaMetrics.Sla sla = SlaMetrics.paper(HOSTS, GUESTS, 200);
    assertEquals(0.05, sla.slatah(), EPS);
    assertEquals(0.015, sla.pdm(), EPS);
    assertEquals(0.00075, sla.slav(), EPS);
    assertEquals(0.15, sla.esv(), EPS);
  }

  @Test
  void cloudSimsRatiosOfTotals() {
    // SLATAH = 10 / 400 = 0.025; PDM = 50 / 4000 = 0.0125; SLAV = 0.0003125; ESV = 0.0625.
    SlaMetrics.Sla sla = SlaMetrics.pooled(HOSTS, GUESTS, 200);
    assertEquals(0.025, sla.slatah(), EPS);
    assertEquals(0.0125, sla.pdm(), EPS);
    assertEquals(0.0003125, sla.slav(), EPS);
    assertEquals(0.0625, sla.esv(), EPS);
    // Overall: (50 + 60) / 4000.
    assertEquals(0.0275, SlaMetrics.overall(GUESTS), EPS);
  }

  @Test
  void nothingMeasuredIsNoViolation() {
    assertEquals(new SlaMetrics.Sla(0, 0, 0, 0), SlaMetrics.paper(List.of(), List.of(), 5));
    assertEquals(new SlaMetrics.Sla(0, 0, 0, 0), SlaMetrics.pooled(List.of(new HostTime(0, 0)), List.of(), 5));
  }

  @Test
  void impossibleMeasurementsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new HostTime(10, 11));
    assertThrows(IllegalArgumentException.class, () -> new GuestDemand(10, 5, 6));
    assertThrows(IllegalArgumentException.class, () -> new GuestDemand(10, 11, 0));
  }
}
