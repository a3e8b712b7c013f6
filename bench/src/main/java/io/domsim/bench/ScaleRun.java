package io.domsim.bench;

import io.domsim.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The scale benchmark of issue 2: `domsim run examples/scale-1000.conf` (1,000 nodes, 10,000 guests,
 * one simulated hour, 1 s samples, virtual clock), cold, as a user runs it, in this JVM. Prints the wall
 * time, the simulated events and the peak heap. Run it with -Xmx2g to check the 2 GiB budget:
 *
 * <pre>
 * mvn -q -B -DskipTests -pl bench -am package
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.ScaleRun [CONFIG] [--set ...]
 * </pre>
 */
public final class ScaleRun {
  private ScaleRun() {}

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    String config = args.length > 0 && !args[0].startsWith("--") ? args[0] : "examples/scale-1000.conf";
    Path out = Files.createTempDirectory("domsim-scale");
    String[] cli = new String[5 + (args.length > 0 && !args[0].startsWith("--") ? args.length - 1 : args.length)];
    cli[0] = "run";
    cli[1] = config;
    cli[2] = "--out";
    cli[3] = out.toString();
    cli[4] = "--no-progress";
    System.arraycopy(args, args.length > 0 && !args[0].startsWith("--") ? 1 : 0, cli, 5, cli.length - 5);
    StringWriter table = new StringWriter();
    StringWriter err = new StringWriter();
    Bench.SimThreadCpu simCpu = Bench.SimThreadCpu.start();
    long start = System.nanoTime();
    int code = Main.execute(new PrintWriter(table), new PrintWriter(err), cli);
    double wall = (System.nanoTime() - start) / 1e9;
    Bench.deleteTree(out);
    if (code != 0) {
      System.err.println(err);
      System.exit(code);
    }
    String summary = table.toString().lines().filter(l -> l.startsWith("simulated ")).findFirst().orElse("?");
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println(summary);
    System.out.println(String.format(Locale.ROOT,
        "scale run: %s, %.2f s wall including start-up, simulation thread %.2f s CPU, series writer %.2f s CPU, process %.2f s CPU, peak heap %.0f MiB of"
        + " max %.0f MiB, %d cores",
        config, wall, simCpu.seconds(), simCpu.writerSeconds(), Bench.processCpuSeconds(), peakHeap / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0,
        Runtime.getRuntime().availableProcessors()));
  }
}
