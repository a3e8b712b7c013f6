package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scenario's network-faults action changes the network's message faults from its instant on. */
@Timeout(60)
class NetworkFaultsActionTest {

  private static MigrationResult migrate(String fault) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 2m, seed = 9 }
          network.latency = 1ms
          node-defaults { cpu { cores = 8 }, memory = 16GiB, nic = 10Gbps }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = g, type = pv, memory = 1GiB, node = a
              workload { cpu = 0.2, dirty-rate = 2000, working-set = 64MiB, io-rate = 0, variability = 0 } } ]
          scenario = [ %s { at = 10s, action = migrate, guest = g, to = b } ]
        }
        """.formatted(fault), "faults.conf", List.of(), Plugins.onClassPath());
    MigrationResult m = ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { }).migrations().get(0);
    assertEquals(MigrationOutcome.COMPLETED, m.outcome(), m::toString);
    return m;
  }

  @Test
  void lossFromAnInstantOnDelaysTheMigrationsMessagesAndNothingElse() throws Exception {
    MigrationResult clean = migrate("");
    MigrationResult lossy = migrate("{ at = 5s, action = network-faults, loss = 0.5 },");
    MigrationResult healed = migrate("{ at = 5s, action = network-faults, loss = 0.5 },"
        + " { at = 9s, action = network-faults, loss = 0 },");
    assertTrue(lossy.finishedAtS() - lossy.requestedAtS() > clean.finishedAtS() - clean.requestedAtS() + 0.2,
        "lost messages wait for a retransmission (200 ms at least): " + lossy + " vs " + clean);
    assertEquals(clean.finishedAtS(), healed.finishedAtS(), 1e-9, "loss off again before the migration");
    assertEquals(lossy, migrate("{ at = 5s, action = network-faults, loss = 0.5 },"), "the same seed, the same run");
  }
}
