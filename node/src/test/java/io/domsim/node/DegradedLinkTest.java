package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A degraded link slows what crosses it: streams to its NIC's new rate, messages to its latency. */
@Timeout(60)
class DegradedLinkTest {

  private static MigrationResult migrate(String fault) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 3m, seed = 5 }
          network.latency = 1ms
          node-defaults { cpu { cores = 8 }, memory = 16GiB, nic = 1Gbps }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = idle, type = pv, memory = 1GiB, node = a
              workload { cpu = 0.1, dirty-rate = 0, working-set = 0, io-rate = 0, variability = 0 } } ]
          scenario = [ { at = 10s, action = migrate, guest = idle, to = b } %s ]
        }
        """.formatted(fault), "degrade.conf", List.of(), Plugins.onClassPath());
    MigrationResult m = ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { }).migrations().get(0);
    assertEquals(MigrationOutcome.COMPLETED, m.outcome(), m::toString);
    return m;
  }

  @Test
  void aStreamTakesTheDegradedNicsRate() throws Exception {
    // The data a link carries: 1,448 bytes of TCP payload per 1,538 bytes of line time (network.mtu = 1500).
    double memoryBits = 8.0 * (1L << 30) * 1538 / 1448;
    MigrationResult normal = migrate("");
    // Plus the PV guest's restart at the destination (migration.costs.pv-restart-time, 40 ms).
    assertEquals(memoryBits / 1e9 + 0.040, normal.totalTimeS(), 0.05, "1 GiB at 1 Gbit/s");
    MigrationResult slow = migrate(", { at = 5s, action = degrade-link, node = b, bandwidth = 100Mbps }");
    assertEquals(memoryBits / 1e8, slow.totalTimeS(), 0.1, "1 GiB at 100 Mbit/s");
    // Degraded for 20 s of the 91 s it would take: 2 GB at 100 Mbit/s, the rest at 1 Gbit/s.
    MigrationResult healed = migrate(", { at = 10s, action = degrade-link, node = a, bandwidth = 100Mbps,"
        + " duration = 20s }");
    assertEquals(20 + (memoryBits - 20 * 1e8) / 1e9, healed.totalTimeS(), 0.1);
  }

  @Test
  void messagesTakeTheDegradedLinksLatency() throws Exception {
    MigrationResult normal = migrate("");
    MigrationResult far = migrate(", { at = 0s, action = degrade-link, node = b, latency = 200ms }");
    // Prepare and its answer cross the link before the first round: two one-way trips.
    double handshake = far.startedAtS() - far.requestedAtS();
    assertEquals(normal.startedAtS() - normal.requestedAtS() + 2 * (0.200 - 0.001), handshake, 1e-6);
  }
}
