package io.domsim.bench;

import io.domsim.cli.Main;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The researcher's loop of issue 8: cluster-days in a sweep, as `domsim sweep` runs them: examples/scale-1000.conf
 * for 24 h with 300 s samples and phases (the README's 24 h `ScaleRun` command; {@link ClusterDay#overrides} but
 * the placement), best-fit and worst-fit (ClusterDay's placement) times {@code --seeds} seeds, {@code --jobs} at
 * a time, in this JVM. A single `domsim run` pays the JVM's warm-up (class loading, the interpreter, the JIT) for
 * each cluster-day; a sweep pays it once. A sweep's runs write no report.json, report.html or series (only the
 * sweep's sweep.csv), where `domsim run` writes them all. Prints the sweep's wall time, its wall time per run,
 * each run's own wall time (sweep.csv's wall_seconds), process CPU, peak heap and the core count.
 *
 * <pre>
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.SweepDay [--seeds N] [--jobs J] [--hours H]
 * </pre>
 */
public final class SweepDay {
  private SweepDay() {}

  static final String USAGE = "SweepDay [--seeds N] [--jobs J] [--hours H] (defaults: 2 seeds, 2 jobs, 24 h)";

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    Map<String, Integer> options = Bench.positiveOptions(args, Map.of("--seeds", 2, "--jobs", 2, "--hours", 24), USAGE);
    int seeds = options.get("--seeds");
    int jobs = options.get("--jobs");
    int hours = options.get("--hours");
    System.out.println("SweepDay: 1,000 nodes, 10,000 guests, " + hours + " h, 300 s samples, 300 s phases, best-fit"
        + " and worst-fit x " + seeds + " seed(s), " + jobs + " job(s); " + Bench.machine());

    Path out = Files.createTempDirectory("domsim-sweep");
    List<String> cli = new ArrayList<>(List.of("sweep", "examples/scale-1000.conf",
        "--vary", "scheduler.placement=best-fit,worst-fit", "--seeds", "1.." + seeds, "--jobs", Integer.toString(jobs),
        "--out", out.toString(), "--no-progress",
        "--set", "simulation.duration=" + hours + "h",
        "--set", "simulation.sample-interval=300s",
        "--set", "guest-defaults.workload.phase-mean=300s"));
    StringWriter table = new StringWriter();
    StringWriter err = new StringWriter();
    double wall;
    List<Double> runWalls = new ArrayList<>();
    try {
      long start = System.nanoTime();
      int code = Main.execute(new PrintWriter(table), new PrintWriter(err), cli.toArray(String[]::new));
      wall = (System.nanoTime() - start) / 1e9;
      if (code != 0) {
        // The sweep names a failed run and the command that reruns it in its table; a bad input on stderr.
        System.err.println(table);
        System.err.println(err);
        System.exit(code);
      }
      try (Reader in = Files.newBufferedReader(out.resolve("sweep.csv"))) {
        for (CSVRecord r : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
          runWalls.add(Double.parseDouble(r.get("wall_seconds")));
        }
      }
    } finally {
      Bench.deleteTree(out);
    }
    int runs = runWalls.size();
    StringBuilder each = new StringBuilder();
    for (double w : runWalls) {
      each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", w));
    }
    System.out.println(String.format(Locale.ROOT,
        "sweep-day: %d runs in %.2f s wall (start-up included), %.2f s wall per run; each run's own wall (sweep.csv,"
            + " in order): %s s; process %.2f s CPU, peak heap %.0f MiB, %d cores",
        runs, wall, wall / runs, each, Bench.processCpuSeconds(), Bench.peakHeapMiB(),
        Runtime.getRuntime().availableProcessors()));
    System.exit(0);
  }
}
