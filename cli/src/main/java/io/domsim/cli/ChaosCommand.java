package io.domsim.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.cli.chaos.ChaosBase;
import io.domsim.cli.chaos.ChaosRunner;
import io.domsim.cli.chaos.ChaosRunner.RunReport;
import io.domsim.cli.chaos.ChaosTable;
import io.domsim.cli.chaos.FaultKind;
import io.domsim.cli.chaos.VariationFile;
import io.domsim.cli.chaos.Variations;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblem;
import io.domsim.config.ConfigProblems;
import io.domsim.kernel.SimTime;
import io.domsim.node.ModuleSettings;
import io.domsim.node.Plugins;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code domsim chaos}: seeded variations of a cluster, each with random live migrations (every algorithm
 * and stop rule) and random faults, run in this JVM on the virtual clock and judged by the invariant
 * monitor and the end-of-run checks. Exit 0 when every run passed, 1 when one did not (a domsim bug: each
 * failing run is printed with the command that reruns it alone), 2 for bad input.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = {"Run seeded variations of a cluster with random live migrations and faults, check the invariants"
        + " in every run and at its end, and print runs, migrations by outcome, faults and violations.",
        "Exit code 0: no violation; 1: a violation (a domsim bug; each failing run is printed with the command"
            + " that reruns it); 2: bad input."})
class ChaosCommand implements Callable<Integer> {
  /** Bundled with the CLI: a small, fast cluster of PV and HVM guests (examples/chaos.conf). */
  static final String DEFAULT_EXAMPLE = "chaos.conf";
  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "Cluster file (HOCON) to vary; its own scenario is replaced. Default: the bundled example"
          + " examples/" + DEFAULT_EXAMPLE + ".")
  Path config;

  @Option(names = "--set", paramLabel = "PATH=VALUE", description = "Override one setting of CONFIG, as for run.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--runs", paramLabel = "N", defaultValue = "100", description = "Variations to run. Default: ${DEFAULT-VALUE}.")
  int runs;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the session: run 0 has this seed, the others follow from it. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--faults", paramLabel = "KINDS", split = ",",
      description = "Faults to inject, from crash, partition, degrade, loss, recover (or none). Default: every kind"
          + " this build of domsim has.")
  List<String> faults;

  @Option(names = "--jobs", paramLabel = "J",
      description = "Runs at a time, each on its own thread (results do not depend on it). Default: the processors.")
  Integer jobs;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write each failing run's variation to DIR/chaos-SEED.conf, a cluster file for domsim run.")
  Path out;

  @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
  boolean noProgress;

  @Option(names = "--progress", description = "Draw the progress bar even when stderr is not a terminal.")
  boolean progress;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs one variation. A seam for tests, which plant a bug here; the command always uses the real one. */
  ChaosRunner.Simulator simulator = ChaosRunner.IN_PROCESS;

  /** The fault kinds of this session, once chosen (for the reproducers). */
  private List<FaultKind> chosenKinds = List.of();

  @Override
  public Integer call() throws InterruptedException {
    long wallStart = System.nanoTime();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    Plugins plugins;
    ClusterSpec cluster;
    try {
      plugins = ConfigOptions.plugins();
      cluster = ConfigOptions.load(config, DEFAULT_EXAMPLE, overrides, plugins);
      ModuleSettings.check(cluster);
    } catch (ConfigProblems problems) {
      problems.problems().forEach(err::println);
      err.println("domsim: " + problems.problems().size() + " problem(s) in the configuration; nothing was run.");
      return Main.BAD_INPUT;
    }
    ChaosBase base = ChaosBase.of(cluster, plugins);
    ChaosRunner.Loader loader = extra -> {
      List<String> all = new ArrayList<>(overrides);
      all.addAll(extra);
      return ConfigOptions.load(config, DEFAULT_EXAMPLE, all, plugins);
    };
    List<FaultKind> kinds;
    OutputDir dir;
    try {
      checkCounts(base);
      kinds = kinds(loader, base);
      chosenKinds = kinds;
      dir = out == null ? null : OutputDir.prepare(out);
    } catch (RunCommand.BadInput | OutputDir.Unusable e) {
      err.println("domsim: " + e.getMessage());
      return Main.BAD_INPUT;
    }
    int threads = jobs != null ? jobs : Math.min(runs, Runtime.getRuntime().availableProcessors());
    ChaosRunner runner = new ChaosRunner(base, Set.copyOf(kinds), loader, simulator);
    long durationNanos = SimTime.of(cluster.simulation().duration());
    ProgressBar bar = new ProgressBar(err, durationNanos * runs, !noProgress, progress);
    long[] seeds = Variations.runSeeds(seed, runs);
    List<RunReport> reports = RunPool.runAll("chaos", seeds.length, threads, i -> runner.run(i, seeds[i]),
        done -> bar.update(done * durationNanos));
    bar.finish();
    ChaosTable table = ChaosTable.of(reports);
    Map<Long, String> written = new TreeMap<>();
    if (dir != null) {
      for (RunReport r : table.failing()) {
        try {
          written.put(r.variation().seed(), write(dir, runner, r).toString());
        } catch (IOException | ConfigProblems e) {
          err.println("domsim: cannot write the variation of seed " + r.variation().seed() + " to " + dir.dir() + " ("
              + e.getMessage() + ")");
        }
      }
    }
    stdout.println("chaos: " + runs + " run(s) of " + source() + ", seed " + seed + ", faults " + faultsWords(kinds));
    stdout.println();
    table.print(stdout, kinds, this::reproducer, written::get);
    stdout.println();
    stdout.println(String.format(Locale.ROOT, "simulated %s in %.1f s wall time (%d job%s)",
        RunTable.duration(durationNanos / 1e9 * runs), (System.nanoTime() - wallStart) / 1e9, threads,
        threads == 1 ? "" : "s"));
    stdout.flush();
    return table.failed() == 0 ? Main.OK : Main.INTERNAL_FAILURE;
  }

  private void checkCounts(ChaosBase base) throws RunCommand.BadInput {
    if (runs < 1) {
      throw new RunCommand.BadInput("--runs " + runs + " runs nothing; give at least 1.");
    }
    if (jobs != null && (jobs < 1 || jobs > 1024)) {
      throw new RunCommand.BadInput("--jobs " + jobs + " is not a number of threads; give 1 to 1024.");
    }
    if (base.unfit() != null) {
      throw new RunCommand.BadInput(base.unfit() + ".");
    }
  }

  /**
   * The fault kinds asked for, in their order: each known, with what it needs, and accepted by this build
   * (its probe loads). Without --faults, every kind this build has.
   */
  private List<FaultKind> kinds(ChaosRunner.Loader loader, ChaosBase base) throws RunCommand.BadInput {
    String firstNode = base.nodes().get(0);
    EnumSet<FaultKind> chosen = EnumSet.noneOf(FaultKind.class);
    if (faults == null) {
      for (FaultKind k : FaultKind.values()) {
        if (refusal(loader, k, firstNode) == null && (k.needs() == null || chosen.contains(k.needs()))) {
          chosen.add(k);
        }
      }
      return List.copyOf(chosen);
    }
    List<String> words = faults.stream().map(String::strip).toList();
    if (words.equals(List.of("none"))) {
      return List.of();
    }
    for (String word : words) {
      FaultKind k = FaultKind.ofWord(word);
      if (k == null) {
        throw new RunCommand.BadInput("--faults names \"" + HttpService.cut(word) + "\", which is not a fault; the"
            + " faults are " + String.join(", ", EnumSet.allOf(FaultKind.class).stream().map(FaultKind::word).toList())
            + " (or none alone).");
      }
      chosen.add(k);
    }
    for (FaultKind k : chosen) {
      String refused = refusal(loader, k, firstNode);
      if (refused != null) {
        EnumSet<FaultKind> others = EnumSet.copyOf(chosen);
        others.remove(k);
        throw new RunCommand.BadInput("--faults " + k.word() + ": this build of domsim has no " + k.description()
            + ", the configuration refuses it (" + refused + "); leave it out"
            + (others.isEmpty() ? "." : ": --faults " + faultsWords(List.copyOf(others)) + "."));
      }
      if (k.needs() != null && !chosen.contains(k.needs())) {
        throw new RunCommand.BadInput("--faults " + k.word() + " needs " + k.needs().word() + " too (only a crashed"
            + " node can recover); add it: --faults " + k.needs().word() + "," + faultsWords(List.copyOf(chosen)) + ".");
      }
    }
    return List.copyOf(chosen);
  }

  /** Why the configuration refuses {@code kind}'s probe, or null when this build has that fault. */
  private static String refusal(ChaosRunner.Loader loader, FaultKind kind, String node) {
    try {
      loader.load(kind.probe(node));
      return null;
    } catch (ConfigProblems p) {
      ConfigProblem first = p.problems().get(0);
      return first.path() + ": " + first.message();
    }
  }

  private Path write(OutputDir dir, ChaosRunner runner, RunReport r) throws IOException, ConfigProblems {
    long s = r.variation().seed();
    String name = "chaos-" + s + ".conf";
    Config file = config != null ? ConfigFactory.parseFile(config.toFile())
        : ConfigFactory.parseString(ConfigOptions.bundled(DEFAULT_EXAMPLE));
    List<String> all = new ArrayList<>(overrides);
    all.addAll(r.variation().overrides());
    String text = VariationFile.render(file, all, runner.spec(r.variation()).settings(), List.of(
        "domsim chaos: run " + r.index() + " of " + source() + " (session seed " + seed + "), variation seed " + s,
        "failed: " + r.verdict().sentence(),
        "rerun it: " + reproducer(s),
        "or alone: domsim run " + dir.resolve(name) + " (the invariant monitor; the end-of-run checks are chaos's)"));
    dir.write(name, stream -> stream.write(text.getBytes(StandardCharsets.UTF_8)));
    return dir.resolve(name);
  }

  /** The command that reruns the run of {@code runSeed} alone, with the same cluster, overrides and faults. */
  String reproducer(long runSeed) {
    List<String> words = new ArrayList<>(List.of("domsim", "chaos"));
    if (config != null) {
      words.add(config.toString());
    }
    for (String o : overrides) {
      words.add("--set");
      words.add(o);
    }
    words.addAll(List.of("--runs", "1", "--seed", Long.toString(runSeed), "--faults", faultsWords(chosenKinds)));
    return String.join(" ", words.stream().map(ChaosCommand::shellWord).toList());
  }

  private String source() {
    return config != null ? config.toString() : "examples/" + DEFAULT_EXAMPLE + " (bundled)";
  }

  private static String faultsWords(List<FaultKind> kinds) {
    return kinds.isEmpty() ? "none" : String.join(",", kinds.stream().map(FaultKind::word).toList());
  }

  /** A word as a POSIX shell reads it back: as is when plain, else single-quoted. */
  static String shellWord(String w) {
    return PLAIN_WORD.matcher(w).matches() ? w : "'" + w.replace("'", "'\\''") + "'";
  }
}
