package io.domsim.bench;

import io.domsim.cli.report.SeriesDigest;
import io.domsim.cli.report.SeriesFiles;
import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.hypervisor.NodeSample;
import io.domsim.node.Plugins;
import io.domsim.node.series.NodeRow;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The series writer alone (formatting, report.html's digest, gzip), without the simulation: the node rows of the 1 h
 * `ScaleRun` as best-fit leaves its nodes (examples/scale-1000.conf's 1,000 nodes; the first 364 busy, their figures
 * drawn anew each second, the other 636 idle, their rows the same but for the time), handed over in the chunks a run
 * hands over, one row per node per second. Prints the writer thread's CPU and rows per CPU second, for each
 * repetition and the best.
 *
 * <pre>
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.WriterRate [--seconds S] [--repeat N]
 * </pre>
 */
public final class WriterRate {
  private WriterRate() {}

  static final String USAGE = "WriterRate [--seconds S] [--repeat N] (defaults: 3600 simulated seconds, 5 repetitions)";
  private static final long SECOND = 1_000_000_000L;
  private static final int BUSY = 364;
  private static final int CHUNK = 4096; // RunSeries.CHUNK

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    Map<String, Integer> options = Bench.positiveOptions(args, Map.of("--seconds", 3600, "--repeat", 5), USAGE);
    int seconds = options.get("--seconds");
    int repeat = options.get("--repeat");
    ClusterSpec spec = ClusterConfigLoader.load(Path.of("examples/scale-1000.conf"), List.of(), Plugins.onClassPath());
    List<String> names = spec.nodes().stream().map(n -> n.name()).toList();
    System.out.println("WriterRate: " + names.size() + " nodes (" + BUSY + " busy) x " + seconds + " s of 1 s rows; "
        + Bench.machine());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double best = Double.MAX_VALUE;
    long rows = (long) names.size() * seconds;
    for (int r = 1; r <= repeat; r++) {
      Path out = Files.createTempDirectory("domsim-writer");
      try {
        SeriesFiles files = new SeriesFiles(out.resolve(SeriesFiles.DIR), false, new SeriesDigest(spec.nodes(), SECOND));
        Thread writer = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("domsim-series-writer") && t.isAlive()).findFirst().orElseThrow();
        long[] cpu = new long[1];
        Thread watch = new Thread(() -> {
          while (writer.isAlive()) {
            long c = threads.getThreadCpuTime(writer.getId());
            if (c > 0) {
              cpu[0] = c;
            }
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, "writer-cpu");
        watch.setDaemon(true);
        watch.start();
        SplittableRandom random = new SplittableRandom(42);
        List<NodeRow> chunk = new ArrayList<>(CHUNK);
        long start = System.nanoTime();
        for (int t = 1; t <= seconds; t++) {
          for (int n = 0; n < names.size(); n++) {
            chunk.add(n < BUSY ? busy(t * SECOND, names.get(n), random) : idle(t * SECOND, names.get(n)));
            if (chunk.size() == CHUNK) {
              files.nodes(chunk);
              chunk = new ArrayList<>(CHUNK);
            }
          }
        }
        files.nodes(chunk);
        files.rounds(List.of());
        files.close();
        watch.join();
        double wall = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = cpu[0] / 1e9; // up to 5 ms short: read while the writer lived
        best = Math.min(best, cpuSeconds);
        System.out.println(String.format(Locale.ROOT,
            "repetition %d: %,d rows, writer thread %.2f s CPU (%,.0f rows per CPU second), %.2f s wall, nodes.csv.gz"
                + " %,d bytes", r, rows, cpuSeconds, rows / cpuSeconds, wall,
            Files.size(out.resolve(SeriesFiles.DIR).resolve(SeriesFiles.NODES))));
      } finally {
        Bench.deleteTree(out);
      }
    }
    System.out.println(String.format(Locale.ROOT, "best: writer thread %.2f s CPU, %,.0f rows per CPU second, peak heap"
        + " %.0f MiB, %d cores", best, rows / best, Bench.peakHeapMiB(), Runtime.getRuntime().availableProcessors()));
    System.exit(0);
  }

  /** A busy node's row: its figures move every second (as under a 30 s-phase workload on 62 guests). */
  private static NodeRow busy(long at, String node, SplittableRandom random) {
    return new NodeRow(at, node, NodeSample.State.UP, 0.99 + random.nextDouble() / 100, 0.084 + random.nextDouble() / 1e3,
        270584199648L, 274877906944L, 62, 110_000 + random.nextDouble() * 1000, 0.0, 299 + random.nextDouble(),
        1.2e7 + random.nextDouble() * 1e4, 1.2e7 + random.nextDouble() * 1e4, 0, 0, 1.0);
  }

  /** An idle node's row: the same every second but for its time (scale-1000's idle nodes under best-fit). */
  private static NodeRow idle(long at, String node) {
    return new NodeRow(at, node, NodeSample.State.UP, 0.000625, 0.01, 4294987296L, 274877906944L, 0, 40.0, 0.0, 120.1125,
        0.0, 0.0, 0, 0, 1.0);
  }
}
