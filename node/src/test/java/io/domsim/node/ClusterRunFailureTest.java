package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.kernel.SimulationFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failure anywhere in the simulated world ends the whole run at once, with the actor, the simulated
 * time and the exception. The failures are real: a node's meters throw, as a broken metrics backend
 * would, inside whichever simulation actor updates them.
 */
@Timeout(60)
class ClusterRunFailureTest {
  static final class MetersBroken extends RuntimeException {
    MetersBroken(String message) {
      super(message);
    }
  }

  /** A registry whose counter {@code meter} of node {@code node} throws {@code boom} when it first counts. */
  static SimpleMeterRegistry breaking(String meter, String node, RuntimeException boom) {
    return new SimpleMeterRegistry() {
      @Override
      protected Counter newCounter(Meter.Id id) {
        Counter real = super.newCounter(id);
        if (!id.getName().equals(meter) || !node.equals(id.getTag("node"))) {
          return real;
        }
        return new Counter() {
          @Override
          public void increment(double amount) {
            throw boom;
          }

          @Override
          public double count() {
            return real.count();
          }

          @Override
          public Id getId() {
            return real.getId();
          }
        };
      }
    };
  }

  /** Three nodes sampled every second for an hour; alpha's guest migrates to beta at 5 s. */
  static ClusterSpec spec(String clock) throws Exception {
    return ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 1h, seed = 3, sample-interval = 1s, clock = %s, speed = 100 }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = alpha }, { name = beta }, { name = gamma } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = alpha, workload { dirty-rate = 1000, working-set = 64MiB } }
                     { name = db, type = hvm, memory = 2GiB, node = beta } ]
          scenario = [ { at = 5s, action = migrate, guest = web, to = beta } ]
        }
        """.formatted(clock), "failing.conf", List.of(), Plugins.onClassPath());
  }

  static SimulationFailure runUntilFailure(ClusterSpec spec, SimpleMeterRegistry registry) {
    AtomicLong lastProgress = new AtomicLong();
    SimulationFailedException e = assertThrows(SimulationFailedException.class,
        () -> ClusterRun.run(spec, registry, lastProgress::set));
    assertTrue(lastProgress.get() < SimTime.seconds(3600), "the run went on to its end");
    return e.failure();
  }

  @ParameterizedTest
  @ValueSource(strings = {"virtual", "real"})
  void aHypervisorFailingAtOneSecondEndsTheRunAtOnce(String clock) throws Exception {
    MetersBroken boom = new MetersBroken("hypercall counter broken");
    long start = System.nanoTime();
    // An hour at speed 100 would take 36 s of wall time on the real clock; the failure comes at 1 s.
    SimulationFailure f = runUntilFailure(spec(clock), breaking(NodeMeters.HYPERCALLS, "beta", boom));
    long wall = System.nanoTime() - start;

    assertEquals("/user/sim/beta/xen", f.actor());
    assertSame(boom, f.cause());
    if (clock.equals("virtual")) {
      assertEquals(SimTime.seconds(1), f.atNanos());
    } else {
      assertTrue(f.atNanos() >= SimTime.seconds(1) && f.atNanos() < SimTime.seconds(60), "at " + f.atNanos());
    }
    assertTrue(wall < 20_000_000_000L, "took " + wall / 1e9 + " s");
  }

  @Test
  void aDom0FailingMidMigrationEndsTheRunInsteadOfWaitingForItsReport() throws Exception {
    // Before, the run reached its end, asked every node for its report, and waited five minutes for the
    // dead Dom0's part of it.
    MetersBroken boom = new MetersBroken("migration counter broken");
    SimulationFailure f = runUntilFailure(spec("virtual"), breaking(NodeMeters.MIGRATION_BYTES_SENT, "alpha", boom));
    assertEquals("/user/sim/alpha/dom0", f.actor());
    assertSame(boom, f.cause());
    assertTrue(f.atNanos() > SimTime.seconds(5) && f.atNanos() < SimTime.seconds(10), "at " + f.atNanos());
  }

  @Test
  void theRootFailingInItsSetupEndsTheStart() throws Exception {
    MetersBroken boom = new MetersBroken("no gauges today");
    SimpleMeterRegistry registry = new SimpleMeterRegistry() {
      @Override
      protected <T> io.micrometer.core.instrument.Gauge newGauge(Meter.Id id, T obj,
          java.util.function.ToDoubleFunction<T> valueFunction) {
        throw boom;
      }
    };
    SimulationFailedException e = assertThrows(SimulationFailedException.class,
        () -> ClusterRun.start(spec("virtual"), registry).close());
    assertEquals("/user/sim", e.failure().actor());
    assertEquals(0, e.failure().atNanos());
    assertSame(boom, e.getCause());
    assertTrue(e.getMessage().startsWith("/user/sim failed at simulated time 0 s: "), e.getMessage());
  }

  @Test
  void aRunWithoutFailureIsNotAffected() throws Exception {
    RunResult r = ClusterRun.run(spec("virtual"), new SimpleMeterRegistry(), t -> {});
    // The same config with working meters: the migration the failing runs broke completes.
    assertEquals(3600, r.simulatedSeconds());
    assertEquals(RunResult.MigrationOutcome.COMPLETED, r.migrations().get(0).outcome());
  }
}
