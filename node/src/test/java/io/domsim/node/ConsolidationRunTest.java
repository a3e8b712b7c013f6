package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dynamic consolidation through whole runs: the pool master's node measures, decides and the operator
 * carries the decisions out as live migrations and power switches, under the invariant monitor.
 */
@Timeout(120)
class ConsolidationRunTest {

  /**
   * Six 4-core hosts, eight light guests spread by worst-fit (two hosts with two, four with one): THR with
   * switch-off-idle packs them and switches the emptied hosts off; nothing is overloaded.
   */
  static final String CONFIG = """
      domsim {
        simulation { duration = 20m, seed = 5, sample-interval = 10s }
        node-defaults {
          cpu { cores = 4, ghz = 2.0 }
          memory = 16GiB
          nic = 1Gbps
          power { model = hp-proliant-ml110-g5, off = 0W, shutdown-time = 10s, boot-time = 60s }
          dom0 { vcpus = 1, memory = 1GiB }
        }
        node-groups = [ { prefix = "h", count = 6 } ]
        guest-defaults { type = pv, vcpus = 1, memory = 1GiB, workload { cpu = 0.3, dirty-rate = 500, io-rate = 10 } }
        guest-groups = [ { prefix = "g", count = 8 } ]
        scheduler {
          placement = worst-fit
          consolidation { policy = %s, selection = mmt, switch-off-idle = %s, interval = 2m }
        }
      }
      """;

  static RunResult run(String policy, boolean switchOff) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG.formatted(policy, switchOff), "consolidation.conf", List.of(),
        Plugins.onClassPath());
    return ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
  }

  static long count(RunResult r, RunResult.OperationAction action) {
    return r.operations().stream()
        .filter(o -> o.action() == action && o.outcome() == RunResult.OperationOutcome.COMPLETED).count();
  }

  @Test
  void thrPacksTheGuestsSwitchesEmptiedHostsOffAndSavesEnergy() throws Exception {
    RunResult none = run("none", false);
    RunResult thr = run("thr", true);
    assertEquals(0, none.migrations().size());
    assertEquals(0, none.operations().size());
    assertTrue(thr.summary().migrations() > 0, thr.migrations().toString());
    assertTrue(count(thr, RunResult.OperationAction.POWER_OFF) >= 3, thr.operations().toString());
    assertTrue(thr.migrations().stream().allMatch(m -> m.outcome() == RunResult.MigrationOutcome.COMPLETED),
        thr.migrations().toString());
    assertTrue(thr.guests().stream().allMatch(g -> g.stateEnd() == RunResult.GuestState.RUNNING));
    assertTrue(thr.summary().energyKwh() < none.summary().energyKwh() * 0.8,
        thr.summary() + " vs " + none.summary());
    assertTrue(thr.summary().nodesActiveAvg() < 5, thr.summary().toString());
    // Nothing runs on a node that is off at the end.
    for (RunResult.NodeResult n : thr.nodes()) {
      if (n.activeSeconds() < 20 * 60) {
        assertTrue(n.guestsEnd() == 0 || thr.operations().stream().anyMatch(o -> o.node().equals(n.name())
            && o.action() == RunResult.OperationAction.POWER_ON), n.toString());
      }
    }
  }

  @Test
  void noneWithSwitchOffIdleOnlySwitchesOffEmptyHostsAndMovesNothing() throws Exception {
    // Eight guests on six hosts leave none empty: nothing to do. With four guests, two hosts are idle.
    RunResult r = ClusterRun.run(ClusterConfigLoader.parse(CONFIG.formatted("none", true).replace("count = 8",
        "count = 4"), "consolidation.conf", List.of(), Plugins.onClassPath()), new SimpleMeterRegistry(), t -> { });
    assertEquals(0, r.migrations().size());
    long off = count(r, RunResult.OperationAction.POWER_OFF);
    long idle = r.nodes().stream().filter(n -> n.guestsEnd() == 0 && !n.name().equals("h1")).count();
    assertEquals(2, idle, "worst-fit leaves two hosts empty (the pool master's h1 holds a guest)");
    assertEquals(idle, off, r.operations().toString());
    assertEquals(idle, r.nodes().stream().filter(n -> n.activeSeconds() < 20 * 60).count());
  }

  @Test
  void theSameSeedGivesTheSameConsolidation() throws Exception {
    RunResult a = run("mad", true);
    RunResult b = run("mad", true);
    assertEquals(a.migrations(), b.migrations());
    assertEquals(a.operations(), b.operations());
    assertEquals(a.summary(), b.summary());
  }
}
