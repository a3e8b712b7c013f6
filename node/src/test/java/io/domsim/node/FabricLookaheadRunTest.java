package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the fabric's inputs take effect one network latency after their cause, so each flow of a migration
 * adds one latency to it. An idle PV guest (nothing dirtied) migrates in two flows, round 1 and the final copy: its
 * migration takes exactly two latencies longer than it did when flows started at once, and its downtime (the final
 * copy's) one latency longer.
 */
@Timeout(120)
class FabricLookaheadRunTest {

  private static RunResult.MigrationResult migrate(String latency) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 60s, seed = 7 }
          network.latency = %s
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = idle, type = pv, vcpus = 2, memory = 2GiB, node = a
                       workload { cpu = 0.1, dirty-rate = 0, working-set = 0, io-rate = 0 } } ]
          scenario = [ { at = 10s, action = migrate, guest = idle, to = b } ]
        }
        """.formatted(latency), "idle.conf", List.of(), Plugins.onClassPath());
    RunResult.MigrationResult m = ClusterRun.run(spec, null, t -> { }).migrations().get(0);
    assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(), m.toString());
    assertEquals(1, m.roundLog().size(), "one round, then the final copy: " + m);
    return m;
  }

  /**
   * The figures before the change (flows took effect when told) were 1.893608168 s total and 0.060206961 s downtime
   * at 100 µs, 1.908308168 s and 0.070006961 s at 5 ms; the bytes on the wire do not change (nothing is dirtied).
   */
  @Test
  void anIdleGuestsMigrationTakesOneLatencyMorePerFlow() throws Exception {
    RunResult.MigrationResult fast = migrate("100us");
    assertEquals(1.893608168 + 2 * 100e-6, fast.totalTimeS(), 1e-9, fast.toString());
    assertEquals(0.060206961 + 100e-6, fast.downtimeS(), 1e-9, fast.toString());
    RunResult.MigrationResult slow = migrate("5ms");
    assertEquals(1.908308168 + 2 * 5e-3, slow.totalTimeS(), 1e-9, slow.toString());
    assertEquals(0.070006961 + 5e-3, slow.downtimeS(), 1e-9, slow.toString());
    assertEquals(fast.bytesTransferred(), slow.bytesTransferred());
    // Across latencies: the three hops the migration waited for before (the final copy's last byte, the GO and
    // its acknowledgement; the prepare's two come before it starts), and now one per flow too.
    assertEquals(5 * (5e-3 - 100e-6), slow.totalTimeS() - fast.totalTimeS(), 1e-9);
  }
}
