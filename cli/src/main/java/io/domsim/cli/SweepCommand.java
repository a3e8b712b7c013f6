package io.domsim.cli;

import io.domsim.cli.chaos.ChaosRunner;
import io.domsim.cli.sweep.Grid;
import io.domsim.cli.sweep.SweepTable;
import io.domsim.config.ClockMode;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.node.ModuleSettings;
import io.domsim.node.Plugins;
import io.domsim.node.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code domsim sweep}: the grid of a study. Every combination of the varied settings' values, each with
 * every seed, run in this JVM on the virtual clock, {@code --jobs} at a time (results do not depend on it:
 * each run is deterministic and alone in its actor system). Every run's configuration is checked before
 * the first starts, so a bad value costs nothing. Writes DIR/sweep.csv (a row per run) and
 * DIR/sweep-means.csv, and prints the means with 95% confidence intervals.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Run a configuration over a grid of settings and seeds, and tabulate each run's summary (energy,"
        + " migrations, active nodes, ...) with means and 95%% confidence intervals.",
        "Writes DIR/sweep.csv (one row per run: the varied settings, the seed, every summary figure, wall time)"
            + " and DIR/sweep-means.csv. Runs use the virtual clock and serve no metrics.",
        "Exit code 0: every run finished; 1: a run failed inside the simulation (a domsim bug; the command that"
            + " reruns it is printed); 2: bad input (nothing was run)."})
class SweepCommand implements Callable<Integer> {
  static final String CSV = "sweep.csv";
  static final String MEANS_CSV = "sweep-means.csv";

  @CommandLine.Mixin
  ConfigOptions config = new ConfigOptions();

  @Option(names = "--vary", paramLabel = "KEY=V1,V2", required = true,
      description = "A setting and the values it takes, e.g. --vary scheduler.placement=first-fit,best-fit."
          + " Repeat for more settings: the grid is every combination.")
  List<String> varies = new ArrayList<>();

  @Option(names = "--seeds", paramLabel = "SEEDS", defaultValue = "1",
      description = "Seeds of each combination: a range A..B or a list S1,S2,... Default: ${DEFAULT-VALUE}.")
  String seeds;

  @Option(names = "--jobs", paramLabel = "J",
      description = "Runs at a time, each on its own thread (results do not depend on it). Default: the processors.")
  Integer jobs;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "sweep",
      description = "Directory for sweep.csv and sweep-means.csv (created if missing). Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
  boolean noProgress;

  @Option(names = "--progress", description = "Draw the progress bar even when stderr is not a terminal.")
  boolean progress;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** A seam for tests, which plant a failing simulation here; the command always uses the real one. */
  ChaosRunner.Simulator simulator = ChaosRunner.IN_PROCESS;

  /** One run's outcome: its result and wall time, or the simulation's failure. */
  record Outcome(Grid.Run run, RunResult result, double wallSeconds, String failure) {}

  @Override
  public Integer call() throws InterruptedException {
    long wallStart = System.nanoTime();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Grid grid;
    List<ClusterSpec> specs = new ArrayList<>();
    OutputDir dir;
    try {
      grid = Grid.parse(varies, seeds);
      if (jobs != null && (jobs < 1 || jobs > 1024)) {
        throw new Grid.Invalid("--jobs " + jobs + " is not a number of threads; give 1 to 1024.");
      }
      Plugins plugins = ConfigOptions.plugins();
      for (Grid.Run run : grid.runs()) {
        specs.add(load(grid, run, plugins, err));
      }
      dir = OutputDir.prepare(out, List.of(CSV, MEANS_CSV));
    } catch (Grid.Invalid | OutputDir.Unusable e) {
      err.println("domsim: " + e.getMessage());
      return Main.BAD_INPUT;
    } catch (ConfigProblems problems) {
      err.println("domsim: " + problems.problems().size() + " problem(s) in the configuration; nothing was run.");
      return Main.BAD_INPUT;
    }
    List<Grid.Run> runs = grid.runs();
    int threads = jobs != null ? jobs : Math.min(runs.size(), Runtime.getRuntime().availableProcessors());
    long durationNanos = SimTime.of(specs.get(0).simulation().duration());
    ProgressBar bar = new ProgressBar(err, durationNanos * runs.size(), !noProgress, progress);
    List<Outcome> outcomes = RunPool.runAll("sweep", runs.size(), threads,
        i -> runOne(runs.get(i), specs.get(runs.get(i).index())), done -> bar.update(done * durationNanos));
    bar.finish();
    SweepTable table = SweepTable.of(grid, outcomes.stream().filter(o -> o.result() != null)
        .map(o -> new SweepTable.Row(o.run(), o.result().summary(), o.wallSeconds())).toList());
    try {
      dir.write(CSV, table::writeRuns);
      dir.write(MEANS_CSV, table::writeMeans);
    } catch (IOException e) {
      err.println("domsim: cannot write " + dir.dir() + " (" + e.getMessage() + "); choose another --out DIR.");
      return Main.BAD_INPUT;
    }
    stdout.println("sweep: " + runs.size() + " run(s) of " + source() + ": " + grid.points().size()
        + " combination(s) x " + grid.seeds().size() + " seed(s)");
    stdout.println();
    table.printMeans(stdout);
    long failed = outcomes.stream().filter(o -> o.failure() != null).count();
    for (Outcome o : outcomes) {
      if (o.failure() != null) {
        stdout.println();
        stdout.println("run " + (o.run().index() + 1) + " (" + grid.describe(o.run().point()) + ", seed "
            + o.run().seed() + ") failed: " + o.failure());
        stdout.println("  rerun it alone: " + rerun(grid, o.run()));
      }
    }
    stdout.println();
    stdout.println(String.format(Locale.ROOT, "%d run(s) in %.1f s wall time (%d job%s); %s", runs.size(),
        (System.nanoTime() - wallStart) / 1e9, threads, threads == 1 ? "" : "s", dir.resolve(CSV)));
    stdout.flush();
    return failed == 0 ? Main.OK : Main.INTERNAL_FAILURE;
  }

  /** One run's configuration, checked; problems are printed with the run they belong to. */
  private ClusterSpec load(Grid grid, Grid.Run run, Plugins plugins, PrintWriter err)
      throws ConfigProblems, Grid.Invalid {
    List<String> all = new ArrayList<>(config.overrides);
    all.addAll(grid.overrides(run));
    ClusterSpec cluster;
    try {
      cluster = ConfigOptions.load(config.config, ConfigOptions.DEFAULT_EXAMPLE, all, plugins);
      ModuleSettings.check(cluster);
    } catch (ConfigProblems problems) {
      err.println("domsim: with " + grid.describe(run.point()) + ":");
      problems.problems().forEach(err::println);
      throw problems;
    }
    if (cluster.simulation().clock() != ClockMode.VIRTUAL) {
      throw new Grid.Invalid("a sweep runs on the virtual clock, but " + source() + " sets simulation.clock = "
          + cluster.simulation().clock().configName() + "; add --set simulation.clock=virtual.");
    }
    return cluster;
  }

  private Outcome runOne(Grid.Run run, ClusterSpec cluster) throws InterruptedException {
    long start = System.nanoTime();
    try {
      RunResult result = simulator.run(cluster);
      return new Outcome(run, result, (System.nanoTime() - start) / 1e9, null);
    } catch (SimulationFailedException e) {
      return new Outcome(run, null, (System.nanoTime() - start) / 1e9, e.failure().describe());
    }
  }

  private String source() {
    return config.config != null ? config.config.toString() : "examples/" + ConfigOptions.DEFAULT_EXAMPLE + " (bundled)";
  }

  /** The domsim run command that repeats one run of the sweep. */
  private String rerun(Grid grid, Grid.Run run) {
    StringBuilder b = new StringBuilder("domsim run");
    if (config.config != null) {
      b.append(' ').append(config.config);
    }
    List<String> all = new ArrayList<>(config.overrides);
    all.addAll(grid.overrides(run));
    for (String o : all) {
      b.append(" --set '").append(o.replace("'", "'\\''")).append('\'');
    }
    return b.toString();
  }
}
