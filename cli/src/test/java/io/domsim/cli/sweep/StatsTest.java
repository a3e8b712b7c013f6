package io.domsim.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void meanAndStudentHalfWidth() {
    // 1, 2, 3: mean 2, sample sd 1; t(0.975, 2 dof) = 4.302653 (tables): half-width 4.302653 / sqrt(3).
    Stats s = Stats.of(new double[] {1, 2, 3});
    assertEquals(3, s.n());
    assertEquals(2, s.mean(), 1e-15);
    assertEquals(4.302653 / Math.sqrt(3), s.halfWidth95(), 1e-6);
    // Five replications, sd sqrt(2.5): t(0.975, 4) = 2.776445.
    Stats five = Stats.of(new double[] {10, 11, 12, 13, 14});
    assertEquals(12, five.mean(), 1e-15);
    assertEquals(2.776445 * Math.sqrt(2.5) / Math.sqrt(5), five.halfWidth95(), 1e-6);
  }

  @Test
  void oneReplicationHasNoInterval() {
    Stats s = Stats.of(new double[] {4.5});
    assertEquals(4.5, s.mean());
    assertTrue(Double.isNaN(s.halfWidth95()));
  }

  @Test
  void identicalReplicationsHaveAZeroWideInterval() {
    assertEquals(0, Stats.of(new double[] {3, 3, 3}).halfWidth95());
  }
}
