package io.domsim.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale benchmark of issue 2: `domsim run examples/scale-1000.conf` (1,000 nodes, 10,000 guests,
 * one simulated hour, 1 s samples, virtual clock), cold, as a user runs it, in this JVM. Prints the wall
 * time, the simulated events and the peak heap. Run it with -Xmx2g to check the 2 GiB budget. {@code --repeat N}
 * runs it N times in this JVM and prints each run's wall: the first is cold, the later ones warm (the JVM's
 * warm-up paid), as the runs of a sweep after its first:
 *
 * <pre>
 * mvn -q -B -DskipTests -pl bench -am package
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.ScaleRun [CONFIG] [--repeat N] [--set ...]
 * </pre>
 */
public final class ScaleRun {
  private ScaleRun() {}

  static final String USAGE = "ScaleRun [CONFIG] [--repeat N] [--set PATH=VALUE]...";

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    List<String> rest = new ArrayList<>(List.of(args));
    int repeat = 1;
    for (int r = 0; r < rest.size(); r++) {
      String a = rest.get(r);
      if (a.equals("--repeat") || a.startsWith("--repeat=")) {
        String value = a.startsWith("--repeat=") ? a.substring("--repeat=".length())
            : r + 1 < rest.size() ? rest.get(r + 1) : null;
        if (value == null) {
          throw Bench.usage("--repeat needs a value", USAGE);
        }
        repeat = Bench.positiveInt("--repeat", value, USAGE);
        rest.subList(r, a.equals("--repeat") ? r + 2 : r + 1).clear();
        r--;
      }
    }
    // The config: the first argument once --repeat is out, unless it is an option (then the default).
    String config = !rest.isEmpty() && !rest.get(0).startsWith("--") ? rest.remove(0) : "examples/scale-1000.conf";
    Bench.SimThreadCpu simCpu = Bench.SimThreadCpu.start();
    double wall = 0;
    String summary = "?";
    for (int i = 1; i <= repeat; i++) {
      // The first run is cold (class loading, the interpreter, the JIT); the later ones in this JVM are warm.
      Bench.Run run = Bench.domsim(config, rest);
      wall = run.wallSeconds();
      summary = run.summary();
      if (repeat > 1) {
        System.out.println(String.format(Locale.ROOT, "run %d of %d (%s): %.2f s wall; %s", i, repeat,
            i == 1 ? "cold" : "warm", wall, summary));
      }
    }
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println(summary);
    System.out.println(String.format(Locale.ROOT,
        "scale run: %s, %.2f s wall%s, simulation thread %.2f s CPU, series writer %.2f s CPU, process %.2f s CPU, peak heap %.0f MiB of"
        + " max %.0f MiB, %d cores",
        config, wall, repeat > 1 ? " (the last of " + repeat + " runs, warm, as its simulation thread and series writer; process CPU and"
            + " peak heap over all)" : " including start-up", simCpu.seconds(),
        simCpu.writerSeconds(), Bench.processCpuSeconds(), peakHeap / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0,
        Runtime.getRuntime().availableProcessors()));
  }
}
