package io.domsim.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.node.Plugins;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The peer run of issue 8: in one JVM, one after the other, domsim's cluster-day ({@link ClusterDay}) and
 * CloudSim Plus 8.5.5 on the same cluster ({@link CloudSimDay}: the nodes and guests of
 * examples/scale-1000.conf, read through domsim's own loader), then both walls and the ratio on one line.
 *
 * <pre>
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.PeerRun [--hours H]
 * </pre>
 *
 * Exits 1 if CloudSim Plus did not run the model it was given (a VM not placed, a cloudlet not running at
 * the end, the last update not at the end, the executed work far from the utilisation model's mean).
 */
public final class PeerRun {
  private PeerRun() {}

  static final String USAGE = "PeerRun [--hours H] (H simulated hours for both, default 24)";
  static final String CONFIG = "examples/scale-1000.conf";
  /** scale-1000's simulation.seed; the peer's levels are of domsim's distribution, not domsim's own draws. */
  private static final long SEED = 42;

  public static void main(String[] args) throws Exception {
    Bench.domsimLogging();
    int hours = ClusterDay.hours(args, USAGE);
    System.out.println("PeerRun: 1,000 nodes x 32 cores, 10,000 guests, " + hours
        + " h, CPU redrawn every ~5 min, worst-fit, no migration; " + Bench.machine());

    Bench.resetPeakHeap();
    double cpu0 = Bench.processCpuSeconds();
    Bench.Run domsim = ClusterDay.run(hours);
    double domsimCpu = Bench.processCpuSeconds() - cpu0;
    double domsimHeap = Bench.peakHeapMiB();
    System.out.println(String.format(Locale.ROOT,
        "domsim:        %.2f s wall, %.2f s CPU, %,d events, %,.0f events/s, peak heap %.0f MiB",
        domsim.wallSeconds(), domsimCpu, domsim.events(), domsim.eventsPerSecond(), domsimHeap));

    ClusterSpec spec = load(); // not timed: domsim's reading of the file is not CloudSim's work
    Bench.resetPeakHeap();
    double cpu1 = Bench.processCpuSeconds();
    CloudSimDay.Result peer = quietly(() -> CloudSimDay.run(spec.nodes(), spec.guests(), hours, SEED));
    double peerCpu = Bench.processCpuSeconds() - cpu1;
    double peerHeap = Bench.peakHeapMiB();
    System.out.println(String.format(Locale.ROOT,
        "CloudSim Plus: %.2f s wall (%.2f s of it to build, place the VMs and submit the cloudlets), %.2f s CPU, "
            + "%,d events, %,.0f events/s, peak heap %.0f MiB",
        peer.wallSeconds(), peer.startUpSeconds(), peerCpu, peer.events(), peer.eventsPerSecond(), peerHeap));
    System.out.println(String.format(Locale.ROOT,
        "CloudSim Plus ran: %,d hosts, %,d of %,d VMs placed, %,d cloudlets running and %,d finished at the last "
            + "update (%.1f s); CPU used %.4f of the VMs' PEs, the utilisation model's mean %.4f",
        peer.hosts(), peer.vmsCreated(), peer.vms(), peer.cloudletsRunning(), peer.cloudletsFinished(),
        peer.clockSeconds(), peer.meanUtilisation(), peer.expectedUtilisation()));
    String wrong = check(peer, hours);
    if (wrong != null) {
      System.err.println("CloudSim Plus did not run the cluster-day as built: " + wrong);
      System.exit(1);
    }
    System.out.println(String.format(Locale.ROOT,
        "peer run, %d h: domsim %.2f s, CloudSim Plus %.2f s, CloudSim/domsim %.1fx (CPU %.2f s / %.2f s, %.1fx); "
            + "events %,d / %,d; peak heap %.0f / %.0f MiB; %d cores",
        hours, domsim.wallSeconds(), peer.wallSeconds(), peer.wallSeconds() / domsim.wallSeconds(), domsimCpu,
        peerCpu, peerCpu / domsimCpu, domsim.events(), peer.events(), domsimHeap, peerHeap,
        Runtime.getRuntime().availableProcessors()));
    // With every VM submitted at once, most of CloudSim Plus's wall is placing them; its day proper is the rest.
    // domsim's whole run (start-up and placement included) is set against each part.
    double peerDay = peer.wallSeconds() - peer.startUpSeconds();
    double peerDayCpu = peerCpu - peer.startUpCpuSeconds();
    System.out.println(String.format(Locale.ROOT,
        "peer run, %d h, by part: CloudSim Plus placing %.2f s wall, %.2f s CPU (%.1fx / %.1fx domsim's whole run);"
            + " its day after placement %.2f s wall, %.2f s CPU (%.1fx / %.1fx domsim's whole run)",
        hours, peer.startUpSeconds(), peer.startUpCpuSeconds(), peer.startUpSeconds() / domsim.wallSeconds(),
        peer.startUpCpuSeconds() / domsimCpu, peerDay, peerDayCpu, peerDay / domsim.wallSeconds(),
        peerDayCpu / domsimCpu));
    System.exit(0);
  }

  /** The cluster domsim's run simulates, read by domsim's loader: the peer gets the very same nodes and guests. */
  static ClusterSpec load() {
    try {
      return ClusterConfigLoader.load(Path.of(CONFIG), List.of(), Plugins.onClassPath());
    } catch (ConfigProblems e) {
      throw new IllegalStateException(CONFIG + " no longer loads: " + e.getMessage(), e);
    }
  }

  /** Why the result is not the model that was built (null if it is). */
  static String check(CloudSimDay.Result r, int hours) {
    if (r.vmsCreated() != r.vms()) {
      return r.vmsCreated() + " of " + r.vms() + " VMs placed";
    }
    if (r.cloudletsRunning() != r.vms() || r.cloudletsFinished() != 0) {
      return r.cloudletsRunning() + " cloudlets running and " + r.cloudletsFinished() + " finished of " + r.vms();
    }
    double end = hours * 3600.0;
    if (r.clockSeconds() < end || r.clockSeconds() >= end + CloudSimDay.SLOT_SECONDS) {
      return "the last update was at " + r.clockSeconds() + " s, not at the end, " + end + " s";
    }
    // The PEs are not oversubscribed, so every VM gets what its cloudlet asks: the work done is the model's.
    if (Math.abs(r.meanUtilisation() - r.expectedUtilisation()) > 0.02) {
      return "the CPU used (" + r.meanUtilisation() + ") is not the utilisation model's mean ("
          + r.expectedUtilisation() + ")";
    }
    return null;
  }

  /**
   * Runs with logging off: CloudSim Plus logs every VM and cloudlet at INFO, which would time the console.
   * Its loggers are named after simple class names, not a package, so the root level is what reaches them.
   */
  static <T> T quietly(java.util.function.Supplier<T> run) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    root.setLevel(Level.OFF);
    try {
      return run.get();
    } finally {
      root.setLevel(before);
    }
  }
}
