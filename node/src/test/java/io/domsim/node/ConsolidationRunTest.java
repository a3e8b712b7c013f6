package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * Four guests pinned on h1 (the pool master's node), h2 and h3 idle and switched off at the first round; at
   * 10 minutes the guests' traces rise (the three 2 GiB big ones to 90%, the 4 GiB quiet one to 50%): h1 wants
   * 6.4 GHz of its 4 and only hosts that are off can relieve it.
   */
  static RunResult rise(Path dir, String selection) throws Exception {
    Files.writeString(dir.resolve("rise.txt"), "10\n10\n10\n10\n10\n90\n90\n90\n90\n90\n90\n90\n90\n90\n90\n");
    Files.writeString(dir.resolve("half.txt"), "10\n10\n10\n10\n10\n50\n50\n50\n50\n50\n50\n50\n50\n50\n50\n");
    Files.writeString(dir.resolve("rise.conf"), """
        domsim {
          simulation { duration = 30m, seed = 3, sample-interval = 10s }
          node-defaults {
            cpu { cores = 2, ghz = 2.0 }
            memory = 16GiB
            power { model = hp-proliant-ml110-g5, off = 0W, shutdown-time = 10s, boot-time = 60s }
            dom0 { vcpus = 1, memory = 1GiB }
          }
          node-groups = [ { prefix = "h", count = 3 } ]
          guest-defaults { type = pv, vcpus = 1, memory = 2GiB,
            workload { trace = "rise.txt", trace-interval = 2m, dirty-rate = 500, io-rate = 0 } }
          guests = [ { name = quiet, node = h1, memory = 4GiB, workload.trace = "half.txt" } ]
          guest-groups = [ { prefix = "big", count = 3, node = h1 } ]
          scheduler.consolidation { policy = thr, selection = %s, switch-off-idle = true, interval = 2m }
        }
        """.formatted(selection));
    return ClusterRun.run(ClusterConfigLoader.load(dir.resolve("rise.conf"), List.of(), Plugins.onClassPath()),
        new SimpleMeterRegistry(), t -> { });
  }

  /** Reproduces a bug: a host that is off reported no free memory, so nothing could be powered on for a guest. */
  @Test
  void anOverloadedHostHasAHostThatIsOffPoweredOnForItsGuests(@TempDir Path dir) throws Exception {
    RunResult r = rise(dir, "mmt");
    assertTrue(count(r, RunResult.OperationAction.POWER_OFF) >= 2, r.operations().toString());
    assertTrue(count(r, RunResult.OperationAction.POWER_ON) >= 1, r.operations().toString());
    assertTrue(r.migrations().stream().anyMatch(m -> m.outcome() == RunResult.MigrationOutcome.COMPLETED
        && !m.to().equals("h1")), r.migrations().toString());
    assertTrue(r.guests().stream().allMatch(g -> g.stateEnd() == RunResult.GuestState.RUNNING));
    // Every move and power switch is the consolidation's, and says so.
    assertTrue(r.migrations().stream().allMatch(m -> m.requestedBy() == RunResult.Origin.CONSOLIDATION));
    assertTrue(r.operations().stream().allMatch(o -> o.requestedBy() == RunResult.Origin.CONSOLIDATION));
  }

  /**
   * The selection decides who leaves the overloaded h1 (6.4 GHz wanted, 3.2 allowed under THR 0.8): minimum
   * migration time takes the two big ones (least memory) and keeps the quiet one; minimum utilisation takes the
   * quiet one first, which is not enough, then two big ones.
   */
  @Test
  void theSelectionDecidesWhichGuestsLeave(@TempDir Path dir) throws Exception {
    assertEquals(List.of("big1", "big2"), firstLeavers(rise(dir, "mmt")));
    assertEquals(List.of("big1", "big2", "quiet"), firstLeavers(rise(dir, "mu")));
  }

  /** The guests whose first migration left h1, sorted by name. */
  private static List<String> firstLeavers(RunResult r) {
    double first = r.migrations().stream().filter(m -> m.from().equals("h1")).mapToDouble(
        RunResult.MigrationResult::requestedAtS).min().orElseThrow(() -> new AssertionError(r.operations()));
    return r.migrations().stream().filter(m -> m.from().equals("h1") && m.requestedAtS() == first)
        .map(RunResult.MigrationResult::guest).sorted().toList();
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
