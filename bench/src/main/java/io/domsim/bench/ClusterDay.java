package io.domsim.bench;

import java.util.List;
import java.util.Locale;

/**
 * The cluster-day of issue 8: examples/scale-1000.conf (1,000 nodes x 32 cores, 10,000 PV/HVM guests)
 * for 24 simulated hours, 300 s samples, each guest's CPU level redrawn every ~5 minutes
 * ({@code guest-defaults.workload.phase-mean = 300s}), worst-fit placement (10 guests a node, as CloudSim
 * Plus's VmAllocationPolicySimple spreads them in {@link PeerRun}). Prints wall, events/s, peak heap, cores.
 *
 * <pre>
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.ClusterDay [--hours H]
 * </pre>
 */
public final class ClusterDay {
  private ClusterDay() {}

  static final String USAGE = "ClusterDay [--hours H] (H simulated hours, default 24)";

  /** The overrides on scale-1000.conf that make it the cluster-day. */
  static List<String> overrides(int hours) {
    return List.of(
        "--set", "simulation.duration=" + hours + "h",
        "--set", "simulation.sample-interval=300s",
        "--set", "guest-defaults.workload.phase-mean=300s",
        "--set", "scheduler.placement=worst-fit");
  }

  static Bench.Run run(int hours) throws Exception {
    return Bench.domsim("examples/scale-1000.conf", overrides(hours));
  }

  static int hours(String[] args, String usage) {
    if (args.length == 0) {
      return 24;
    }
    if (args.length == 2 && args[0].equals("--hours")) {
      return Bench.positiveInt("--hours", args[1], usage);
    }
    throw Bench.usage("unknown arguments " + String.join(" ", args), usage);
  }

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    int hours = hours(args, USAGE);
    System.out.println("ClusterDay: 1,000 nodes, 10,000 guests, " + hours + " h, 300 s samples, 300 s phases, worst-fit; "
        + Bench.machine());
    Bench.SimThreadCpu simCpu = Bench.SimThreadCpu.start();
    Bench.Run r = run(hours);
    System.out.println(r.summary());
    System.out.println(String.format(Locale.ROOT,
        "cluster-day: %.2f s wall, %,d events, %,.0f events/s, simulation thread %.2f s CPU, series writer %.2f s CPU, process %.2f s CPU, peak heap %.0f MiB,"
        + " %d cores",
        r.wallSeconds(), r.events(), r.eventsPerSecond(), simCpu.seconds(), simCpu.writerSeconds(), Bench.processCpuSeconds(), Bench.peakHeapMiB(),
        Runtime.getRuntime().availableProcessors()));
    System.exit(0);
  }
}
