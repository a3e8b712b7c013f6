package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Switching nodes off and on through the scenario: what is refused, what the energy and the report show. */
@Timeout(120)
class PowerStatesTest {
  static final double SECONDS = 120;

  /**
   * Four empty-ish nodes; a holds the pool master (first by name) and g2, b holds g1 (pinned), c and d are
   * empty. c is off from 10 s to 30 s; g1 moves to c once it is on again, and then b can go off.
   */
  static final String CONFIG = """
      domsim {
        simulation { duration = 120s, seed = 3, sample-interval = 1s }
        node-defaults {
          cpu { cores = 4, ghz = 2.0 }
          memory = 8GiB
          power { idle = 100W, max = 200W, off = 0W, shutdown-time = 0s, boot-time = 0s }
          dom0 { vcpus = 1, memory = 1GiB }
        }
        nodes = [ { name = a }, { name = b }, { name = c }, { name = d } ]
        scheduler { placement = first-fit }
        guests = [
          { name = g1, type = pv, vcpus = 1, memory = 512MiB, node = b, workload { cpu = 0.5, dirty-rate = 100 } }
          { name = g2, type = pv, vcpus = 1, memory = 512MiB, workload { cpu = 0.2 } }
        ]
        scenario = [
          { at = 5s, action = power-off, node = b }
          { at = 6s, action = power-off, node = a }
          { at = 10s, action = power-off, node = c }
          { at = 20s, action = migrate, guest = g1, to = c }
          { at = 30s, action = power-on, node = c }
          { at = 40s, action = migrate, guest = g1, to = c }
          { at = 80s, action = power-off, node = d }
        ]
      }
      """;

  static final RunResult.OperationAction OFF = RunResult.OperationAction.POWER_OFF;
  static final RunResult.OperationAction ON = RunResult.OperationAction.POWER_ON;
  static final RunResult.OperationOutcome REFUSED = RunResult.OperationOutcome.REFUSED;
  static final RunResult.OperationOutcome COMPLETED = RunResult.OperationOutcome.COMPLETED;

  static RunResult run() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG, "power.conf", List.of(), Plugins.onClassPath());
    return ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
  }

  static RunResult.NodeResult node(RunResult r, String name) {
    return r.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void anOffNodeTakesNoGuestAndDrawsNothingWhileOff() throws Exception {
    RunResult r = run();
    List<RunResult.Operation> ops = r.operations();
    assertEquals(5, ops.size(), ops.toString());
    assertEquals(new RunResult.Operation(5, OFF, null, "b", REFUSED, null, "node b runs g1; migrate it away first", RunResult.Origin.SCENARIO),
        ops.get(0));
    assertEquals(new RunResult.Operation(6, OFF, null, "a", REFUSED, null,
        "node a hosts the pool master, which stays on; switch off another node", RunResult.Origin.SCENARIO), ops.get(1));
    assertEquals(new RunResult.Operation(10, OFF, null, "c", COMPLETED, 10.0, null, RunResult.Origin.SCENARIO), ops.get(2));
    assertEquals(new RunResult.Operation(30, ON, null, "c", COMPLETED, 30.0, null, RunResult.Origin.SCENARIO), ops.get(3));
    assertEquals(new RunResult.Operation(80, OFF, null, "d", COMPLETED, 80.0, null, RunResult.Origin.SCENARIO), ops.get(4));

    List<RunResult.MigrationResult> migrations = r.migrations();
    assertEquals(RunResult.MigrationOutcome.REFUSED, migrations.get(0).outcome());
    assertEquals("destination c is switched off; choose a node that is on", migrations.get(0).reason());
    assertEquals(RunResult.MigrationOutcome.COMPLETED, migrations.get(1).outcome(), migrations.get(1).toString());
    assertEquals("c", r.guests().get(0).nodeEnd());

    RunResult.NodeResult c = node(r, "c");
    RunResult.NodeResult d = node(r, "d");
    RunResult.NodeResult b = node(r, "b");
    assertEquals(SECONDS - 20, c.activeSeconds(), 1e-9);
    assertEquals(SECONDS - 40, d.activeSeconds(), 1e-9, "d is off from 80 s to the end");
    assertEquals(SECONDS, b.activeSeconds(), 1e-9);
    assertEquals(0, b.guestsEnd());
    assertEquals(1, c.guestsEnd());
    assertEquals((4 * SECONDS - 20 - 40) / SECONDS, r.summary().nodesActiveAvg(), 1e-12);
  }

  @Test
  void theEnergyOfAnIdleNodeThatWasOffIsItsIdleDrawWhileActiveAndItsStandbyDrawWhileOff() throws Exception {
    // c shuts down for 4 s (off from 14 s), is switched on at 30 s and boots for 6 s: off 16 s at 5 W.
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG.replace("{ at = 40s, action = migrate, guest = g1, to = c }",
        "").replace("{ at = 80s, action = power-off, node = d }", ""), "power.conf",
        List.of("node-defaults.power.off=5W", "node-defaults.power.shutdown-time=4s", "node-defaults.power.boot-time=6s"),
        Plugins.onClassPath());
    RunResult r = ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
    RunResult.NodeResult c = node(r, "c");
    RunResult.NodeResult d = node(r, "d");
    assertEquals(SECONDS - 16, c.activeSeconds(), 1e-9);
    assertEquals(d.energyJoules() * (SECONDS - 16) / SECONDS + 5 * 16, c.energyJoules(), 1e-6);
    assertEquals((4 * SECONDS - 16) / SECONDS, r.summary().nodesActiveAvg(), 1e-12,
        "c is off 16 s, the others are on throughout");
  }

  @Test
  void aBootingNodeTakesNoMigrationUntilItsBootIsOver() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG.replace("{ at = 40s, action = migrate, guest = g1, to = c }",
        "{ at = 35s, action = migrate, guest = g1, to = c }, { at = 37s, action = migrate, guest = g1, to = c }"),
        "power.conf", List.of("node-defaults.power.boot-time=6s"), Plugins.onClassPath());
    RunResult r = ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
    List<RunResult.MigrationResult> m = r.migrations();
    assertEquals("destination c is booting; choose a node that is on", m.get(1).reason(), "at 35 s, booting until 36 s");
    assertEquals(RunResult.MigrationOutcome.COMPLETED, m.get(2).outcome(), m.get(2).toString());
  }

  @Test
  void aCreatedGuestThatFitsOnNoNodeThatIsOnHasANodePoweredOnForIt() throws Exception {
    // a (pool master) and b hold their guests; c is off from 10 s, d from 11 s. At 30 s a 7 GiB guest fits on
    // no node that is on: the pool master decides so at 32 s (the off nodes do not describe themselves: it waits
    // scheduler.host-timeout, 2 s), the operator hears so one latency (100 us) later, and c, the first off node
    // that can take it, is powered on then and boots for 6 s; the operator hears that one latency later again and
    // starts the guest there.
    String config = """
        domsim {
          simulation { duration = 60s, seed = 3 }
          node-defaults {
            cpu { cores = 4, ghz = 2.0 }
            memory = 8GiB
            power { shutdown-time = 0s, boot-time = 6s, off = 0W }
            dom0 { vcpus = 1, memory = 512MiB }
          }
          nodes = [ { name = a }, { name = b }, { name = c }, { name = d } ]
          scheduler { placement = first-fit }
          guests = [
            { name = g1, memory = 5GiB, node = a }
            { name = g2, memory = 5GiB, node = b }
          ]
          scenario = [
            { at = 10s, action = power-off, node = c }
            { at = 11s, action = power-off, node = d }
            { at = 30s, action = create, guest { name = big, memory = 7GiB } }
          ]
        }
        """;
    RunResult r = ClusterRun.run(ClusterConfigLoader.parse(config, "create.conf", List.of(), Plugins.onClassPath()),
        null, t -> { });
    RunResult.GuestResult big = r.guests().stream().filter(g -> g.name().equals("big")).findFirst().orElseThrow();
    assertEquals(RunResult.GuestState.RUNNING, big.stateEnd(), big.toString());
    assertEquals("c", big.nodeStart());
    assertEquals(new RunResult.Operation(32.0001, ON, null, "c", COMPLETED, 38.0001, null,
        RunResult.Origin.POOL_MASTER),
        r.operations().stream().filter(o -> o.action() == ON).findFirst().orElseThrow());
    RunResult.Operation create = r.operations().stream().filter(o -> o.action() == RunResult.OperationAction.CREATE)
        .findFirst().orElseThrow();
    assertEquals(COMPLETED, create.outcome(), create.toString());
    assertEquals(38.0002, create.finishedAtS(), 1e-9, "it starts once the operator hears c has booted");
    assertEquals(11, node(r, "d").activeSeconds(), 1e-9, "d stays off from 11 s");
  }
}
