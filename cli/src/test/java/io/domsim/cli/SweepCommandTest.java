package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.cli.CliHarness.Outcome;
import io.domsim.cli.chaos.ChaosRunner;
import io.domsim.config.ClusterSpec;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.kernel.SimulationFailure;
import io.domsim.node.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code domsim sweep} through the real command line, on the bundled example shortened to a minute. */
@Timeout(120)
class SweepCommandTest {
  static final String SHORT = "simulation.duration=60s";

  @TempDir
  Path tmp;

  static Outcome sweep(ChaosRunner.Simulator simulator, String... args) {
    return CliHarness.run("sweep", (SweepCommand c) -> c.simulator = simulator,
        List.of("--no-progress", "--set", SHORT), args);
  }

  static Outcome sweep(String... args) {
    return sweep(ChaosRunner.IN_PROCESS, args);
  }

  /** The rows of a CSV file without its last column (the wall time, which no two runs share). */
  static List<String> withoutWall(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
  }

  @Test
  void aRowPerRunWithTheFiguresOfThatRunAndTheSameWhateverTheJobs() throws Exception {
    Path one = tmp.resolve("one");
    Outcome o = sweep("--vary", "scheduler.placement=first-fit,worst-fit", "--seeds", "1..2", "--jobs", "1",
        "--out", one.toString());
    assertEquals(0, o.code(), o.err());
    List<String> rows = Files.readAllLines(one.resolve("sweep.csv"));
    assertEquals("scheduler.placement,seed,energy_kwh,migrations,nodes_active_avg,slatah,pdm,slav,esv,sla_overall,"
        + "wall_seconds", rows.get(0));
    assertEquals(5, rows.size(), "2 placements x 2 seeds and the header");
    assertTrue(rows.get(3).startsWith("worst-fit,1,"), rows.get(3));

    // The row of worst-fit, seed 1 holds what that run alone gives.
    ClusterSpec spec = ConfigOptions.load(null, ConfigOptions.DEFAULT_EXAMPLE,
        List.of(SHORT, "scheduler.placement=worst-fit", "simulation.seed=1"), ConfigOptions.plugins());
    RunResult.Summary alone = ChaosRunner.IN_PROCESS.run(spec).summary();
    String[] cells = rows.get(3).split(",");
    assertEquals(alone.energyKwh(), Double.parseDouble(cells[2]));
    assertEquals(alone.migrations(), Integer.parseInt(cells[3]));

    Path two = tmp.resolve("two");
    assertEquals(0, sweep("--vary", "scheduler.placement=first-fit,worst-fit", "--seeds", "1..2", "--jobs", "2",
        "--out", two.toString()).code());
    assertEquals(withoutWall(one.resolve("sweep.csv")), withoutWall(two.resolve("sweep.csv")));
    assertEquals(3, Files.readAllLines(one.resolve("sweep-means.csv")).size(), "one line per placement");
    assertTrue(o.out().contains("first-fit"), o.out());
    assertTrue(o.out().contains("95% confidence interval"), o.out());
  }

  @Test
  void aBadValueIsRefusedBeforeAnythingRunsAndTheLastResultsStay() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(dir.resolve("sweep.csv"), "previous\n");
    Outcome o = sweep("--vary", "scheduler.placement=first-fit,bets-fit", "--out", dir.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().contains("scheduler.placement=bets-fit"), o.err());
    assertTrue(o.err().contains("best-fit"), "did you mean: " + o.err());
    assertEquals("previous\n", Files.readString(dir.resolve("sweep.csv")));

    Outcome noVary = sweep("--out", dir.toString());
    assertEquals(2, noVary.code());
    Outcome real = sweep("--vary", "scheduler.placement=first-fit", "--set", "simulation.clock=real", "--out",
        dir.toString());
    assertEquals(2, real.code());
    assertTrue(real.err().contains("--set simulation.clock=virtual"), real.err());
    assertEquals("previous\n", Files.readString(dir.resolve("sweep.csv")));
  }

  @Test
  void aRunThatFailsInsideTheSimulationEndsTheSweepWithExitOneAndItsReproducer() throws Exception {
    ChaosRunner.Simulator failsSeedTwo = spec -> {
      if (spec.simulation().seed() == 2) {
        throw new SimulationFailedException(new SimulationFailure("/user/sim/n1/xen", 1_000_000_000L,
            new IllegalStateException("planted")));
      }
      return ChaosRunner.IN_PROCESS.run(spec);
    };
    Path dir = tmp.resolve("failing");
    Outcome o = sweep(failsSeedTwo, "--vary", "scheduler.placement=best-fit", "--seeds", "1..3", "--out",
        dir.toString());
    assertEquals(1, o.code(), o.out());
    assertTrue(o.out().contains("run 2 (scheduler.placement=best-fit, seed 2) failed"), o.out());
    assertTrue(o.out().contains("planted"), o.out());
    assertTrue(o.out().contains("domsim run --set '" + SHORT + "' --set 'scheduler.placement=best-fit' --set"
        + " 'simulation.seed=2'"), o.out());
    List<String> rows = Files.readAllLines(dir.resolve("sweep.csv"));
    assertEquals(3, rows.size(), "the two runs that finished");
    assertFalse(rows.stream().anyMatch(r -> r.startsWith("best-fit,2,")), String.join("\n", rows));
    assertTrue(Arrays.asList(rows.get(2).split(",")).contains("3"), rows.get(2));
  }
}
