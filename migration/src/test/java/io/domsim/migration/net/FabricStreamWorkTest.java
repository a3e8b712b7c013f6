package io.domsim.migration.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.hypervisor.Hypervisor;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A compressing stream's codec costs its sending and its receiving Dom0 beside the fabric's per-page costs. */
@Timeout(60)
class FabricStreamWorkTest {
  static final long GBIT = 1_000_000_000L;
  static final long SECOND = 1_000_000_000L;

  @Test
  void aCodecAddsItsCyclesPerWirePageToEachEndsDom0() throws Exception {
    TreeMap<String, Long> nics = new TreeMap<>();
    nics.put("a", GBIT);
    nics.put("b", GBIT);
    try (FabricHarness h = new FabricHarness(nics, 100_000, 1000, 2000)) {
      h.watch("a");
      h.watch("b");
      h.start("m", "a", "b", 1L << 30, 0, new Fabric.Stream(Fabric.Delivery.ARRIVAL, 500, 300));
      h.runUntil(SECOND);
      List<Double> work = h.received().stream().filter(r -> r.message() instanceof Hypervisor.MigrationWork)
          .map(r -> ((Hypervisor.MigrationWork) r.message()).cyclesPerSecond()).toList();
      double pagesPerSecond = GBIT / (4096 * 8.0);
      // a (sender) then b (receiver), in node order, when the flow's start takes effect (one latency after it was
      // told): each end's cost plus the codec's.
      assertEquals(2, work.size(), work::toString);
      assertEquals(List.of(100_000L, 100_000L), h.received().stream()
          .filter(r -> r.message() instanceof Hypervisor.MigrationWork).map(r -> r.atNanos()).toList());
      assertEquals(pagesPerSecond * 1500, work.get(0), 1e-6);
      assertEquals(pagesPerSecond * 2300, work.get(1), 1e-6);
    }
  }

  @Test
  void aPlainStreamCostsOnlyTheFabricsPerPageCycles() throws Exception {
    TreeMap<String, Long> nics = new TreeMap<>();
    nics.put("a", GBIT);
    nics.put("b", GBIT);
    try (FabricHarness h = new FabricHarness(nics, 100_000, 1000, 2000)) {
      h.watch("a");
      h.start("m", "a", "b", 1L << 30, 0);
      h.runUntil(SECOND);
      List<Double> work = h.received().stream().filter(r -> r.message() instanceof Hypervisor.MigrationWork)
          .map(r -> ((Hypervisor.MigrationWork) r.message()).cyclesPerSecond()).toList();
      assertEquals(List.of(GBIT / (4096 * 8.0) * 1000), work);
    }
  }
}
