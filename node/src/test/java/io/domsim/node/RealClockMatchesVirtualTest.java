package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real clock gives the virtual clock's results. Sixteen PV guests migrate off n1, one every 250 ms
 * (configs/sixteen-migrations.conf): flows start and finish close together, which is where a clock that
 * moved during an event started a flow after a completion that was due but not yet collected, broke the
 * fabric and stretched downtimes. Nothing is injected from outside during these runs, so the tolerance is
 * zero: the real clock's report equals the virtual clock's, event for event, apart from the clock's name
 * and its wall-clock lag. Each speed runs several times, since the old failure came in some runs only.
 */
@Timeout(120)
class RealClockMatchesVirtualTest {
  static final Path CONFIG = Path.of("src/test/resources/configs/sixteen-migrations.conf");
  static final int RUNS = 3;

  static RunResult run(List<String> overrides) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.load(CONFIG, overrides, Plugins.onClassPath());
    return ClusterRun.run(spec, new SimpleMeterRegistry(), t -> {});
  }

  static RunResult real(double speed, List<String> overrides) throws Exception {
    List<String> all = new ArrayList<>(overrides);
    all.add("simulation.clock=real");
    all.add("simulation.speed=" + speed);
    return run(all);
  }

  /** The result without what only says which clock ran it and how well it kept up. */
  static RunResult clockless(RunResult r) {
    return new RunResult(r.seed(), "-", r.simulatedSeconds(), r.simulatedEvents(), r.nodes(), r.guests(),
        r.migrations());
  }

  static String outcomes(RunResult r) {
    return r.migrations().stream()
        .map(m -> m.guest() + " " + m.outcome().reportName() + " downtime " + m.downtimeS() + " s")
        .collect(Collectors.joining("\n"));
  }

  static void assertSameRun(RunResult virtual, RunResult real, String what) {
    // Outcomes and downtimes first, so that a failure says what a user would see.
    assertEquals(outcomes(virtual), outcomes(real), what + ": migration outcomes and downtimes");
    assertEquals(clockless(virtual), clockless(real), what + ": the whole report");
  }

  static RunResult virtualFull;

  static synchronized RunResult virtualFull() throws Exception {
    if (virtualFull == null) {
      virtualFull = run(List.of());
      assertEquals(16, virtualFull.migrations().size());
      virtualFull.migrations().forEach(m -> assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(),
          () -> "on the virtual clock every migration completes: " + m));
    }
    return virtualFull;
  }

  @ParameterizedTest(name = "speed {0}")
  @ValueSource(doubles = {100, 1_000, 10_000})
  void theReproducerOnTheRealClockGivesTheVirtualClocksReport(double speed) throws Exception {
    RunResult virtual = virtualFull();
    for (int i = 1; i <= RUNS; i++) {
      assertSameRun(virtual, real(speed, List.of()), "speed " + speed + ", run " + i);
    }
  }

  /**
   * At speed 1 the reproducer's timeline, shortened: the same sixteen migrations 250 ms apart, starting
   * at 250 ms, of 256 MiB guests that migrate in about 250 ms, over 4.5 s.
   */
  @Test
  void atSpeedOneAShortenedReproducerGivesTheVirtualClocksReport() throws Exception {
    String[] to = {"n3", "n4", "n5", "n2"};
    String scenario = IntStream.range(0, 16)
        .mapToObj(i -> "{ at = " + (250 + 250 * i) + "ms, action = migrate, guest = g-" + (i + 1) + ", to = "
            + to[i % 4] + " }")
        .collect(Collectors.joining(", ", "scenario = [", "]"));
    List<String> shorter = List.of("simulation.duration=4500ms", scenario,
        "guest-groups = [ { prefix = \"g-\", count = 16, type = pv, vcpus = 2, memory = 256MiB, node = n1,"
            + " workload { cpu = 0.4, dirty-rate = 20000, working-set = 64MiB, io-rate = 500 } } ]");
    RunResult virtual = run(shorter);
    virtual.migrations().forEach(m -> assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(), m::toString));
    long start = System.nanoTime();
    RunResult real = real(1, shorter);
    double wall = (System.nanoTime() - start) / 1e9;
    assertTrue(wall >= 4.4, "4.5 s at speed 1 took only " + wall + " s of wall time");
    assertSameRun(virtual, real, "speed 1");
  }
}
