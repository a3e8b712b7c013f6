package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.cli.CliHarness.Outcome;
import io.domsim.cli.chaos.ChaosRunner;
import io.domsim.cli.chaos.FaultKind;
import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.hypervisor.DomainState;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.kernel.SimulationFailure;
import io.domsim.node.Plugins;
import io.domsim.node.RunResult;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.domsim.node.RunResult.NodeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code domsim chaos} through the real command line: bad input is refused with a sentence (exit 2), and a
 * bug planted in the simulation (a test double of it: the command itself has no such hook) is caught,
 * counted, and reported with a reproducer that reruns exactly that run.
 */
@Timeout(120)
class ChaosCommandTest {
  static final String FAULTS = "crash,partition,degrade";

  @TempDir
  Path tmp;

  static Outcome chaos(ChaosRunner.Simulator simulator, String... args) {
    return CliHarness.run("chaos", (ChaosCommand c) -> c.simulator = simulator, List.of("--no-progress"), args);
  }

  static Outcome chaos(String... args) {
    return chaos(ChaosRunner.IN_PROCESS, args);
  }

  /**
   * The planted bug: once a post-copy migration has handed over in a run where a node crashed, the
   * source's copy runs on. The monitor sees both copies run, as it would in the simulated world, and the
   * run fails as {@code ClusterRun} fails it.
   */
  static final ChaosRunner.Simulator SOURCE_RUNS_ON = spec -> {
    RunResult r = ChaosRunner.IN_PROCESS.run(spec);
    boolean crash = r.nodes().stream().anyMatch(NodeResult::failed);
    for (MigrationResult m : r.migrations()) {
      if (crash && m.algorithm().equals("post-copy") && m.outcome() == MigrationOutcome.COMPLETED) {
        long at = Math.round(m.finishedAtS() * 1e9);
        InvariantMonitor monitor = new InvariantMonitor();
        try {
          monitor.domainState(m.from(), m.guest(), DomainState.RUNNING, at);
          monitor.domainState(m.to(), m.guest(), DomainState.RUNNING, at);
        } catch (InvariantMonitor.Violation v) {
          throw new SimulationFailedException(new SimulationFailure("/user/sim/" + m.to() + "/dom0", at, v));
        }
      }
    }
    return r;
  };

  static final Pattern FAILED = Pattern.compile("(?m)^run (\\d+) \\(seed (\\d+)\\) failed: (.*)$");
  static final Pattern REPRODUCE = Pattern.compile("(?m)^  reproduce: (.*)$");

  @Test
  void aPlantedViolationIsCaughtCountedAndReproducedByItsCommand() throws IOException, ConfigProblems {
    Path out = tmp.resolve("failing");
    Outcome o = chaos(SOURCE_RUNS_ON, "--runs", "12", "--seed", "5", "--faults", FAULTS, "--jobs", "2",
        "--out", out.toString());
    assertEquals(1, o.code(), o.out() + o.err());
    assertEquals("", o.err());
    Matcher failed = FAILED.matcher(o.out());
    Matcher reproduce = REPRODUCE.matcher(o.out());
    List<String[]> failures = new ArrayList<>();
    while (failed.find()) {
      assertTrue(reproduce.find(), o.out());
      failures.add(new String[] {failed.group(1), failed.group(2), failed.group(3), reproduce.group(1)});
    }
    int n = failures.size();
    assertTrue(n >= 1 && n < 12, "some runs but not all fail: " + o.out());
    assertTrue(squeezed(o).contains("\nruns 12 passed " + (12 - n) + ", failed " + n + "\n"), o.out());
    assertTrue(squeezed(o).contains("\nviolations " + n + " one-running-copy " + n + "\n"), o.out());
    assertTrue(o.out().contains("(of the " + (12 - n) + " runs that ended)"), o.out());

    String[] first = failures.get(0);
    assertTrue(first[2].matches("one-running-copy at [0-9.]+ s: invariant violated \\(a guest runs on at most one"
        + " node\\): guest \\S+ runs on \\S+ and \\S+ at once"), first[2]);
    assertEquals("domsim chaos --runs 1 --seed " + first[1] + " --faults " + FAULTS, first[3]);

    // The reproducer reruns that run alone, with the same failure...
    String[] args = Arrays.copyOfRange(first[3].split(" "), 2, first[3].split(" ").length);
    Outcome again = chaos(SOURCE_RUNS_ON, args);
    assertEquals(1, again.code(), again.out());
    assertTrue(again.out().contains("run 0 (seed " + first[1] + ") failed: " + first[2] + "\n"), again.out());
    // ...and without the planted bug it passes: the fault was the plant, not the variation.
    Outcome real = chaos(args);
    assertEquals(0, real.code(), real.out());
    assertTrue(squeezed(real).contains("\nviolations 0\n"), real.out());

    // --out wrote the variation as a cluster file that builds the very cluster the run had.
    Path file = out.resolve("chaos-" + first[1] + ".conf");
    assertTrue(o.out().contains("  variation: " + file + "\n"), o.out());
    String text = Files.readString(file);
    assertTrue(text.startsWith("# domsim chaos: run " + first[0] + " of examples/chaos.conf (bundled) (session seed 5),"
        + " variation seed " + first[1] + "\n# failed: " + first[2] + "\n# rerun it: " + first[3] + "\n"), text);
    Plugins plugins = Plugins.onClassPath();
    ClusterSpec written = ClusterConfigLoader.load(file, List.of(), plugins);
    ClusterSpec ran = ConfigOptions.load(null, ChaosCommand.DEFAULT_EXAMPLE, List.of("simulation.clock=virtual",
        "simulation.seed=" + first[1], "scenario=" + scenarioOf(text)), plugins);
    assertEquals(List.of(ran.simulation(), ran.network(), ran.nodes(), ran.scheduler(), ran.migration(), ran.guests(),
        ran.scenario(), ran.metrics()), List.of(written.simulation(), written.network(), written.nodes(),
        written.scheduler(), written.migration(), written.guests(), written.scenario(), written.metrics()));
    assertEquals(ran.settings().root().unwrapped(), written.settings().root().unwrapped());
    assertFalse(ran.scenario().isEmpty());
    try (var files = Files.list(out)) {
      assertEquals(n, files.filter(f -> f.getFileName().toString().startsWith("chaos-")).count());
    }
  }

  /** The scenario list of a written variation file, as HOCON. */
  private static String scenarioOf(String text) {
    var parsed = com.typesafe.config.ConfigFactory.parseString(text);
    return parsed.getValue("domsim.scenario").render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  /**
   * The other kind of violation: the end-of-run checks, here of a planted leaked claim. In runs with an
   * aborted migration, a node that is up and took part in no migration keeps 64 MiB claimed.
   */
  @Test
  void aPlantedLeakIsCaughtByTheEndOfRunChecks() {
    ChaosRunner.Simulator leaking = spec -> {
      RunResult r = ChaosRunner.IN_PROCESS.run(spec);
      java.util.Set<String> busy = new java.util.TreeSet<>();
      r.migrations().stream().filter(m -> m.outcome() != MigrationOutcome.REFUSED)
          .forEach(m -> busy.addAll(java.util.Arrays.asList(m.from(), m.to())));
      String idle = r.nodes().stream().filter(n -> !n.failed() && !busy.contains(n.name())).map(NodeResult::name)
          .findFirst().orElse(null);
      if (idle == null || r.migrations().stream().noneMatch(m -> m.outcome() == MigrationOutcome.ABORTED)) {
        return r;
      }
      List<NodeResult> nodes = r.nodes().stream().map(n -> !n.name().equals(idle) ? n : new NodeResult(n.name(),
          n.cores(), n.memoryBytes(), n.hvmSupport(), n.cpuUtilizationAvg(), n.dom0CpuUtilizationAvg(),
          n.memoryUsedBytesEnd() + (64L << 20), n.guestsEnd(), n.hypercalls(), n.vmExits(), n.energyJoules(),
          n.powerWattsAvg(), n.activeSeconds(), n.failed(), n.outages())).toList();
      return new RunResult(r.seed(), r.clock(), r.simulatedSeconds(), r.simulatedEvents(), nodes, r.guests(),
          r.migrations());
    };
    Outcome o = chaos(leaking, "--runs", "30", "--seed", "2", "--faults", FAULTS);
    assertEquals(1, o.code(), o.out());
    Matcher failed = FAILED.matcher(o.out());
    assertTrue(failed.find(), o.out());
    assertTrue(failed.group(3).matches("at the end: no-leaked-memory: node \\S+ uses \\d+ bytes, but its Dom0 and its"
        + " \\d guest\\(s\\) take \\d+ \\(a claim or a copy leaked\\)"), failed.group(3));
    assertTrue(squeezed(o).contains("\nviolations " + o.out().lines().filter(l -> l.startsWith("run ")).count()
        + " no-leaked-memory "), o.out());
  }

  /** Any other failure inside the simulation fails the run too, on one line. */
  @Test
  void aSimulationFailureThatIsNoViolationFailsTheRun() {
    ChaosRunner.Simulator broken = spec -> {
      throw new SimulationFailedException(new SimulationFailure("/user/sim/n1/xen", 1_000_000_000L,
          new IllegalStateException("broken\n  model")));
    };
    Outcome o = chaos(broken, "--runs", "2", "--seed", "1", "--faults", "crash");
    assertEquals(1, o.code(), o.out());
    assertTrue(o.out().contains("\nrun 0 (seed 1) failed: simulation-failure: /user/sim/n1/xen failed at simulated"
        + " time 1 s: java.lang.IllegalStateException: broken model\n  reproduce: domsim chaos --runs 1 --seed 1"
        + " --faults crash\n"), o.out());
    assertTrue(squeezed(o).contains("(of the 0 runs that ended)\n"), o.out());
    assertTrue(squeezed(o).contains("\nviolations 2 simulation-failure 2\n"), o.out());
  }

  @Test
  void theTableIsTheSameWhateverTheNumberOfJobs() {
    Outcome one = chaos("--runs", "16", "--seed", "3", "--faults", FAULTS, "--jobs", "1");
    Outcome two = chaos("--runs", "16", "--seed", "3", "--faults", FAULTS, "--jobs", "3");
    assertEquals(0, one.code(), one.out());
    assertEquals(withoutWallTime(one.out()), withoutWallTime(two.out()));
    assertTrue(squeezed(one).startsWith("chaos: 16 run(s) of examples/chaos.conf (bundled), seed 3, faults " + FAULTS
        + "\n\n total by kind\nruns 16 passed 16, failed 0\nmigrations "), one.out());
    assertTrue(squeezed(one).contains("\nviolations 0\n"), one.out());
  }

  /** The output with runs of spaces as one (the table's columns are padded). */
  static String squeezed(Outcome o) {
    return o.out().replaceAll(" +", " ");
  }

  private static String withoutWallTime(String out) {
    return out.replaceAll("in [0-9.]+ s wall time \\(\\d+ jobs?\\)", "");
  }

  @Test
  void noFaultsMeansMigrationsOnly() {
    Outcome o = chaos("--runs", "2", "--faults", "none");
    assertEquals(0, o.code(), o.out() + o.err());
    assertTrue(squeezed(o).contains("\nfaults 0 none asked for\n"), o.out());
    assertTrue(o.out().contains("faults none\n"), o.out());
  }

  // ------------------------------------------------------------------ bad input

  static void refused(Outcome o, String sentence) {
    assertEquals(2, o.code(), o.out() + o.err());
    assertEquals("", o.out());
    assertEquals("domsim: " + sentence + "\n", o.err());
  }

  /** Whether this build's configuration accepts {@code kind} (the other engineers' loss and recover). */
  static boolean buildHas(FaultKind kind) {
    try {
      ConfigOptions.load(null, ChaosCommand.DEFAULT_EXAMPLE, kind.probe("n1"), Plugins.onClassPath());
      return true;
    } catch (ConfigProblems p) {
      return false;
    }
  }

  @Test
  void anUnknownFaultIsRefused() {
    refused(chaos("--faults", "crash,meteor"), "--faults names \"meteor\", which is not a fault; the faults are crash,"
        + " partition, degrade, loss, recover (or none alone).");
  }

  @Test
  void aFaultThisBuildLacksIsRefusedAndOneItHasRuns() {
    for (FaultKind kind : List.of(FaultKind.LOSS, FaultKind.RECOVER)) {
      Outcome o = chaos("--runs", "1", "--faults", "crash,partition," + kind.word());
      if (buildHas(kind)) {
        assertEquals(0, o.code(), o.out() + o.err());
      } else {
        assertEquals(2, o.code(), o.out() + o.err());
        assertTrue(o.err().startsWith("domsim: --faults " + kind.word() + ": this build of domsim has no "
            + kind.description() + ", the configuration refuses it (domsim."), o.err());
        assertTrue(o.err().endsWith("); leave it out: --faults crash,partition.\n"), o.err());
      }
    }
  }

  @Test
  void recoverNeedsCrash() {
    Outcome o = chaos("--faults", "partition,recover");
    assertEquals(2, o.code(), o.err());
    if (buildHas(FaultKind.RECOVER)) {
      refused(o, "--faults recover needs crash too (only a crashed node can recover); add it: --faults"
          + " crash,partition,recover.");
    }
  }

  @Test
  void countsThatRunNothingAreRefused() {
    refused(chaos("--runs", "0"), "--runs 0 runs nothing; give at least 1.");
    refused(chaos("--jobs", "0"), "--jobs 0 is not a number of threads; give 1 to 1024.");
  }

  @Test
  void aClusterWithNothingToMigrateIsRefused() throws IOException {
    Path one = tmp.resolve("one.conf");
    Files.writeString(one, "domsim { nodes = [ { name = a } ], guests = [ { name = g } ] }\n");
    refused(chaos(one.toString()), "chaos needs at least two nodes and one guest to migrate between them; the cluster"
        + " has 1 node(s) and 1 guest(s).");
    refused(chaos("--set", "simulation.duration=500ms", "--set", "simulation.sample-interval=100ms"), "chaos needs a simulation.duration of at least 1s to place"
        + " migrations and faults in; the cluster runs 500ms (set --set simulation.duration=20s).");
  }

  @Test
  void aBadConfigurationOrOutputDirectoryIsRefusedBeforeAnyRun() throws IOException {
    Outcome o = chaos("--set", "simulation.duration=soon");
    assertEquals(2, o.code());
    assertTrue(o.err().endsWith("domsim: 1 problem(s) in the configuration; nothing was run.\n"), o.err());
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "");
    Outcome out = chaos("--runs", "1", "--out", file.toString());
    assertEquals(2, out.code());
    assertTrue(out.err().startsWith("domsim: ") && out.err().contains(file.toString()), out.err());
  }

  @Test
  void aReproducerQuotesWhatTheShellWouldSplit() {
    assertEquals("examples/chaos.conf", ChaosCommand.shellWord("examples/chaos.conf"));
    assertEquals("'migration.policy = \"qemu\"'", ChaosCommand.shellWord("migration.policy = \"qemu\""));
    assertEquals("'it'\\''s'", ChaosCommand.shellWord("it's"));
  }
}
