package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.hypervisor.NodeSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10: the meters tell the truth. Before, a migration whose source failed mid-way was started and
 * never ended (started 2, completed 1, aborted 0 in this run), refusals were never counted, hypercall
 * counters were fractional, and nothing said a node's capacity, state, or the simulated time.
 */
@Timeout(60)
class MetersTest {

  /**
   * web's migration loses its source (alpha fails 0.3 s in), app's completes, db's two are refused: by its
   * Dom0 (it runs on beta already) and by the operator (alpha has failed). gamma is switched off once app has
   * left it.
   */
  static final String CONFIG = """
      domsim {
        simulation { duration = 30s, seed = 3, sample-interval = 1s }
        node-defaults { cpu { cores = 8, ghz = 2.5 }, memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB }
                        power { shutdown-time = 2s } }
        nodes = [ { name = alpha }, { name = beta }, { name = gamma } ]
        guests = [ { name = web, type = pv, memory = 1GiB, node = alpha, workload { dirty-rate = 1000, working-set = 64MiB } }
                   { name = db, type = hvm, memory = 2GiB, node = beta, workload { io-rate = 333 } }
                   { name = app, type = pv, memory = 1GiB, node = gamma } ]
        scenario = [ { at = 5s, action = migrate, guest = web, to = beta }
                     { at = 5s, action = migrate, guest = app, to = beta }
                     { at = 5300ms, action = fail, node = alpha }
                     { at = 10s, action = migrate, guest = db, to = beta }
                     { at = 10s, action = migrate, guest = db, to = alpha }
                     { at = 15s, action = power-off, node = gamma } ]
      }
      """;

  static double migrations(SimpleMeterRegistry r, String outcome) {
    Counter c = r.find(ClusterMeters.MIGRATIONS).tag("outcome", outcome).counter();
    assertNotNull(c, outcome);
    return c.count();
  }

  static double gauge(SimpleMeterRegistry r, String name, String node) {
    Gauge g = r.find(name).tag("node", node).gauge();
    assertNotNull(g, name + " of " + node);
    return g.value();
  }

  @Test
  void migrationsAreCountedOnceByOutcomeAndNoneStaysInFlight() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG, "meters.conf", List.of(), Plugins.onClassPath());
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    RunResult result = ClusterRun.run(spec, r, t -> { });
    assertEquals(List.of(RunResult.MigrationOutcome.ABORTED, RunResult.MigrationOutcome.COMPLETED,
        RunResult.MigrationOutcome.REFUSED, RunResult.MigrationOutcome.REFUSED),
        result.migrations().stream().map(RunResult.MigrationResult::outcome).toList());

    assertEquals(1, migrations(r, "completed"));
    assertEquals(1, migrations(r, "aborted"));
    assertEquals(0, migrations(r, "failed"));
    assertEquals(2, migrations(r, "refused"), "the Dom0's refusal and the operator's");
    assertEquals(0, r.find(ClusterMeters.IN_FLIGHT).gauge().value(), "every migration has ended");
    assertEquals(30, r.find(ClusterMeters.SIMULATED).gauge().value(), 1e-9);
    assertTrue(r.find(ClusterMeters.SPEED).gauge().value() > 1, "the virtual clock runs faster than the wall");

    // The downtime of app's migration, from gamma, in buckets from 1 ms to 10 s.
    Timer downtime = r.find(NodeMeters.MIGRATION_DOWNTIME).tag("node", "gamma").timer();
    assertEquals(1, downtime.count());
    CountAtBucket[] buckets = downtime.takeSnapshot().histogramCounts();
    assertEquals(Arrays.stream(NodeMeters.DOWNTIME_BUCKETS).map(d -> (double) d.toNanos()).toList(),
        Arrays.stream(buckets).map(CountAtBucket::bucket).toList());
    assertEquals(1, buckets[buckets.length - 1].count(), "under 10 s");
    assertEquals(0, r.find(NodeMeters.MIGRATION_DOWNTIME).tag("node", "alpha").timer().count());
  }

  @Test
  void nodesSayTheirCapacityAndState() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG, "meters.conf", List.of(), Plugins.onClassPath());
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    ClusterRun.run(spec, r, t -> { });
    for (String n : List.of("alpha", "beta", "gamma")) {
      assertEquals(16.0 * (1L << 30), gauge(r, NodeMeters.MEMORY_TOTAL, n));
      assertEquals(8, gauge(r, NodeMeters.CORES, n));
      assertEquals(2.5e9, gauge(r, NodeMeters.CORE_FREQUENCY, n));
    }
    assertEquals(0, gauge(r, NodeMeters.UP, "alpha"));
    assertEquals(1, gauge(r, NodeMeters.UP, "beta"));
    assertEquals(0, gauge(r, NodeMeters.UP, "gamma"));
    assertEquals(1, r.find(NodeMeters.STATE).tags("node", "alpha", "state", "failed").gauge().value());
    assertEquals(1, r.find(NodeMeters.STATE).tags("node", "beta", "state", "on").gauge().value());
    assertEquals(1, r.find(NodeMeters.STATE).tags("node", "gamma", "state", "off").gauge().value());
    for (String n : List.of("alpha", "beta", "gamma")) {
      assertEquals(1, r.find(NodeMeters.STATE).tag("node", n).gauges().stream().mapToDouble(Gauge::value).sum(),
          "one state at a time");
      assertEquals(NodeMeters.State.values().length, r.find(NodeMeters.STATE).tag("node", n).gauges().size());
    }
  }

  @Test
  void eventCountersCountWholeEventsAndCarryTheFraction() throws Exception {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    ClusterSpec spec = ClusterConfigLoader.parse(CONFIG, "meters.conf", List.of(), Plugins.onClassPath());
    NodeMeters m = new NodeMeters(r, spec.nodes().get(0));
    for (int i = 0; i < 10; i++) {
      m.accept(new NodeSample(i, 0, 0, 0, 0.375, 2.5, 0, 1, 0, 0));
    }
    double calls = r.find(NodeMeters.HYPERCALLS).counter().count();
    double exits = r.find(NodeMeters.VM_EXITS).counter().count();
    assertEquals(3, calls, "3.75 calls in all: 3 whole ones so far"); // before: 3.75
    assertEquals(25, exits);
    m.accept(new NodeSample(10, 0, 0, 0, 0.25, 0.25, 0, 1, 0, 0));
    assertEquals(4, r.find(NodeMeters.HYPERCALLS).counter().count(), "the carried three quarters made a whole call");
    assertEquals(25, r.find(NodeMeters.VM_EXITS).counter().count());
    assertEquals(11, r.find(NodeMeters.ENERGY).counter().count(), 1e-9);
    assertEquals(Duration.ofMillis(1), NodeMeters.DOWNTIME_BUCKETS[0]);
  }
}
