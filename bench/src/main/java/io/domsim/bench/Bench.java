package io.domsim.bench;

import io.domsim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Enumeration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the benchmarks share: a domsim run through the command line in this JVM, peak heap, core count. */
final class Bench {
  private Bench() {}

  /**
   * Makes logback read domsim's logback.xml (from the cli jar): CloudSim Plus's jar carries a logback.xml
   * too (root at DEBUG to stdout), and which of the two wins would otherwise depend on the order of
   * {@code lib/*}. Call first in every main, before anything logs.
   */
  static void domsimLogging() {
    if (System.getProperty("logback.configurationFile") != null) {
      return; // the user chose
    }
    try {
      Enumeration<URL> all = Bench.class.getClassLoader().getResources("logback.xml");
      while (all.hasMoreElements()) {
        URL url = all.nextElement();
        if (!url.toString().contains("cloudsimplus")) {
          System.setProperty("logback.configurationFile", url.toString());
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run table's last line carries the event count; the bench reads it as a user would. */
  private static final Pattern EVENTS = Pattern.compile("; ([0-9,]+) events");

  /** One domsim run: wall seconds (command line in, report written), simulated events, the summary line. */
  record Run(double wallSeconds, long events, String summary) {
    double eventsPerSecond() {
      return events / wallSeconds;
    }
  }

  /** Runs `domsim run CONFIG --out TMP --no-progress EXTRA...`; exits the JVM with domsim's code on failure. */
  static Run domsim(String config, List<String> extra) throws IOException {
    Path out = Files.createTempDirectory("domsim-bench");
    List<String> cli = new ArrayList<>(List.of("run", config, "--out", out.toString(), "--no-progress"));
    cli.addAll(extra);
    StringWriter table = new StringWriter();
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    int code = Main.execute(new PrintWriter(table), new PrintWriter(err), cli.toArray(String[]::new));
    double wall = (System.nanoTime() - start) / 1e9;
    deleteTree(out);
    if (code != 0) {
      System.err.println(err);
      System.exit(code);
    }
    String summary = table.toString().lines().filter(l -> l.startsWith("simulated ")).findFirst().orElse("?");
    Matcher m = EVENTS.matcher(summary);
    long events = m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    return new Run(wall, events, summary);
  }

  /**
   * Removes a run's output directory: a 1 s-sample scale run leaves some 70 MB of report and series, and
   * nobody reads a benchmark's.
   */
  static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Peak heap of this JVM so far, summed over the heap pools (each pool's own peak: an upper bound). */
  static double peakHeapMiB() {
    return io.domsim.node.members.ProcessCost.peakHeapMiB();
  }

  /** Forgets the peaks so far, so that the next run's peak is its own. */
  static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /**
   * CPU time of this process so far, all threads (GC and JIT included): on a shared machine a run's wall
   * time depends on the other load, its CPU time much less.
   */
  static double processCpuSeconds() {
    return io.domsim.node.members.ProcessCost.cpuSeconds();
  }

  /**
   * Watches the simulation thread ("domsim-sim-loop") and keeps its CPU time, read every 50 ms while it
   * lives: the model's and the kernel's own cost, without JIT, GC or start-up, and steadier than wall
   * time when other work shares the cores. {@link #seconds} is the last reading (up to 50 ms short). Also
   * keeps the series writer's ("domsim-series-writer", which formats and compresses the time series beside
   * the simulation: with 1 s samples as much work as the simulation's).
   */
  static final class SimThreadCpu {
    private volatile long nanos;
    private volatile long writerNanos;
    private volatile boolean stop;

    static SimThreadCpu start() {
      SimThreadCpu w = new SimThreadCpu();
      Thread t = new Thread(w::watch, "sim-thread-cpu");
      t.setDaemon(true);
      t.start();
      return w;
    }

    private void watch() {
      java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      while (!stop) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().equals("domsim-sim-loop") || t.getName().equals("domsim-series-writer")) {
            long cpu = threads.getThreadCpuTime(t.getId());
            if (cpu > 0 && t.getName().equals("domsim-sim-loop")) {
              nanos = cpu;
            } else if (cpu > 0) {
              writerNanos = cpu;
            }
          }
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    double seconds() {
      stop = true;
      return nanos / 1e9;
    }

    /** The series writer's CPU time as last read (0 without series). */
    double writerSeconds() {
      stop = true;
      return writerNanos / 1e9;
    }
  }

  static String machine() {
    return String.format(Locale.ROOT, "%d cores, max heap %.0f MiB, Java %s, load average %.2f",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1048576.0,
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** Bad arguments: one sentence, exit 2. */
  static RuntimeException usage(String problem, String usage) {
    System.err.println(problem + "; usage: " + usage);
    System.exit(2);
    return new IllegalStateException("unreachable");
  }

  /**
   * Options given as {@code --NAME N} pairs, each a positive whole number: {@code defaults} names every option and
   * its value when not given. A missing value, an unknown option or a bad number: one sentence and exit 2.
   */
  static java.util.Map<String, Integer> positiveOptions(String[] args, java.util.Map<String, Integer> defaults,
      String usage) {
    java.util.Map<String, Integer> options = new java.util.HashMap<>(defaults); // looked up, never iterated
    for (int i = 0; i < args.length; i += 2) {
      if (!defaults.containsKey(args[i])) {
        throw usage("unknown argument " + args[i], usage);
      }
      if (i + 1 >= args.length) {
        throw usage(args[i] + " needs a value", usage);
      }
      options.put(args[i], positiveInt(args[i], args[i + 1], usage));
    }
    return options;
  }

  static int positiveInt(String flag, String value, String usage) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the usage message
    }
    throw usage(flag + " needs a positive whole number, not '" + value + "'", usage);
  }
}
