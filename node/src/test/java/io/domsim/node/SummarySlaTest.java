package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.GuestType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's SLA figures from the nodes' and guests' totals, by the paper's definitions, by hand. */
class SummarySlaTest {

  static RunResult.NodeResult node(String name, double joules, double active, double full) {
    return new RunResult.NodeResult(name, 4, 1L << 30, true, 0, 0, 0, 0, 0, 0, joules, 0, active, false, null, full);
  }

  static RunResult.GuestResult guest(String name, double requested, double unserved, double migrating) {
    return new RunResult.GuestResult(name, GuestType.PV, 1, 1L << 30, "a", "a", RunResult.GuestState.RUNNING, 0, 0, 0,
        0, 0, null, null, null, requested, unserved, migrating);
  }

  @Test
  void slatahPdmSlavAndEsvFollowThePaper() {
    // a: 100 s active, 10 s at 100% -> 0.1; b: 50 s active, none -> 0; c: never active (left out). SLATAH 0.05.
    // g1: 100 requested, 4 unserved of which 2 migrating -> 0.02; g2: 50 requested, none -> 0. PDM 0.01.
    // Energy 3.6 MJ = 1 kWh. SLAV 0.0005, ESV 0.0005. Overall: 4 of 150.
    RunResult r = new RunResult(1, "virtual", 100, 0,
        List.of(node("a", 1.8e6, 100, 10), node("b", 1.8e6, 50, 0), node("c", 0, 0, 0)),
        List.of(guest("g1", 100, 4, 2), guest("g2", 50, 0, 0)), List.of());
    RunResult.Summary s = r.summary();
    assertEquals(1.0, s.energyKwh(), 1e-12);
    assertEquals(0.05, s.slatah(), 1e-12);
    assertEquals(0.01, s.pdm(), 1e-12);
    assertEquals(0.0005, s.slav(), 1e-12);
    assertEquals(0.0005, s.esv(), 1e-12);
    assertEquals(4.0 / 150, s.slaOverall(), 1e-12);
    assertEquals(1.5, s.nodesActiveAvg(), 1e-12);
  }
}
