package io.domsim.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the cost grows with the cluster: 100, 1,000 and 10,000 nodes with 10 guests a node (scale-1000's mix:
 * 60% web, 30% db, 10% batch), 1 simulated hour, 10 s samples, 60 s phases, worst-fit. Prints one row per
 * size and the exponent b of wall = a * nodes^b fitted by least squares on log-log (1 = linear).
 * The default runs all three sizes (10,000 nodes takes over a minute on 2 cores); {@code --max-nodes N}
 * stops after the largest size not above N. An untimed 100-node run warms the JIT up first.
 *
 * <pre>
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.Growth [--max-nodes N]
 * </pre>
 */
public final class Growth {
  private Growth() {}

  static final String USAGE = "Growth [--max-nodes N] (runs 100, 1000, 10000 nodes up to N; default all three)";
  static final int[] SIZES = {100, 1_000, 10_000};

  static int maxNodes(String[] args) {
    if (args.length == 0) {
      return SIZES[SIZES.length - 1];
    }
    if (args.length == 2 && args[0].equals("--max-nodes")) {
      int n = Bench.positiveInt("--max-nodes", args[1], USAGE);
      if (n < SIZES[0]) {
        throw Bench.usage("--max-nodes must be at least " + SIZES[0], USAGE);
      }
      return n;
    }
    throw Bench.usage("unknown arguments " + String.join(" ", args), USAGE);
  }

  /** A cluster of {@code nodes} nodes and 10 guests a node, written where domsim can read it. */
  static Path config(Path dir, int nodes) throws IOException {
    String text = String.format(Locale.ROOT, """
        domsim {
          simulation { clock = virtual, duration = 1h, sample-interval = 10s, seed = 42 }
          node-groups = [ { prefix = "node-", count = %d, cpu { cores = 32 }, memory = 256GiB } ]
          scheduler { placement = worst-fit }
          guest-defaults.workload.phase-mean = 60s
          guest-groups = [
            { prefix = "web-", count = %d, type = pv, vcpus = 2, memory = 4GiB
              workload { cpu = 0.4, dirty-rate = 1000, working-set = 256MiB, io-rate = 300 } }
            { prefix = "db-", count = %d, type = hvm, vcpus = 4, memory = 16GiB
              workload { cpu = 0.6, dirty-rate = 20000, working-set = 2GiB, io-rate = 1500 } }
            { prefix = "batch-", count = %d, type = pv, vcpus = 8, memory = 16GiB
              workload { cpu = 1.0, dirty-rate = 0, working-set = 0, io-rate = 0 } }
          ]
          scenario = []
        }
        """, nodes, 6 * nodes, 3 * nodes, nodes);
    Path file = dir.resolve("growth-" + nodes + ".conf");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** The slope of log(y) against log(x), least squares. */
  static double exponent(List<Double> x, List<Double> y) {
    int n = x.size();
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += Math.log(x.get(i)) / n;
      my += Math.log(y.get(i)) / n;
    }
    double sxy = 0;
    double sxx = 0;
    for (int i = 0; i < n; i++) {
      double dx = Math.log(x.get(i)) - mx;
      sxy += dx * (Math.log(y.get(i)) - my);
      sxx += dx * dx;
    }
    return sxy / sxx;
  }

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    int max = maxNodes(args);
    System.out.println("Growth: 10 guests a node, 1 h, 10 s samples, 60 s phases, worst-fit; " + Bench.machine());
    Path dir = Files.createTempDirectory("domsim-growth");
    List<Double> nodes = new ArrayList<>();
    List<Double> walls = new ArrayList<>();
    System.out.println(String.format(Locale.ROOT, "%8s %9s %10s %12s %12s %14s",
        "nodes", "guests", "wall s", "events", "events/s", "peak heap MiB"));
    // One untimed run of the smallest size first: otherwise the JIT's warm-up lands on the 100-node row
    // and flattens the fitted exponent.
    Bench.domsim(config(dir, SIZES[0]).toString(), List.of());
    for (int size : SIZES) {
      if (size > max) {
        break;
      }
      Bench.resetPeakHeap();
      Bench.Run r = Bench.domsim(config(dir, size).toString(), List.of());
      System.out.println(String.format(Locale.ROOT, "%,8d %,9d %10.2f %,12d %,12.0f %14.0f",
          size, 10 * size, r.wallSeconds(), r.events(), r.eventsPerSecond(), Bench.peakHeapMiB()));
      nodes.add((double) size);
      walls.add(r.wallSeconds());
    }
    if (nodes.size() >= 2) {
      System.out.println(String.format(Locale.ROOT,
          "fitted exponent of wall time vs nodes (least squares on log-log, %d sizes): %.2f (1 = linear)",
          nodes.size(), exponent(nodes, walls)));
    } else {
      System.out.println("fitted exponent: needs at least two sizes (raise --max-nodes)");
    }
    System.out.println(Runtime.getRuntime().availableProcessors() + " cores");
    Bench.deleteTree(dir);
    System.exit(0);
  }
}
