package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class PostcopyStallTest {
  private static final MigrationCosts COSTS = MigrationCosts.from(ConfigFactory.load().getConfig("domsim"));
  private static final long GIB_PAGES = (1L << 30) / 4096;

  @Test
  void stallIsFaultsTimesRoundTripOverThePush() {
    // 1 GiB working set of a 4 GiB guest over 1 Gbit/s with 100 us latency: 20% of 262,144 pages fault,
    // each 200 us + 32.8 us, over a push of 4 GiB (34.4 s).
    double page = 4096 * 8 / 1e9;
    double expected = 0.2 * GIB_PAGES * (200e-6 + page) / (4 * GIB_PAGES * page);
    assertEquals(expected, COSTS.postcopyStall(GIB_PAGES, 4 * GIB_PAGES, 100_000, 1e9), 1e-9);
    assertEquals(0.355, expected, 0.01);
  }

  @Test
  void aLongerRoundTripStallsMoreAndTheStallIsCapped() {
    double lan = COSTS.postcopyStall(GIB_PAGES, 4 * GIB_PAGES, 100_000, 1e9);
    double wan = COSTS.postcopyStall(GIB_PAGES, 4 * GIB_PAGES, 2_000_000, 1e9);
    assertTrue(wan > lan);
    assertEquals(0.99, COSTS.postcopyStall(GIB_PAGES, 4 * GIB_PAGES, 20_000_000, 1e9), 1e-12);
    assertEquals(0.0, COSTS.postcopyStall(0, 4 * GIB_PAGES, 100_000, 1e9), 1e-12, "no working set, no faults");
  }
}
