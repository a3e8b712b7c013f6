package io.domsim.bench;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.Domain;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostModel;
import io.domsim.node.Plugins;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The cost model alone, without the kernel, Akka or the report: the hosts of the scale run as best-fit
 * packs them (1,000 nodes; the guests of examples/scale-1000.conf in config order into the node left with
 * the least free memory: ~360 dense nodes of 15 to 63 guests), driven by a replay of workload phases
 * drawn beforehand (log-normal levels, exponential phase lengths of the configured mean, every host's
 * phases interleaved in time order, so that each phase finds its host evicted from the caches as in a
 * run) and a sample of every node every sample interval. Prints phases per second of this thread's CPU
 * (best of the repetitions), the figure to set beside KernelRate's timers per CPU second: the model's
 * share of a run's time. Deterministic: the same phases every time (seed 42).
 *
 * <pre>
 * java -Xmx2g -XX:+UseParallelGC -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.ModelRate [--hours H] [--phase-mean S] [--repeat N]
 * </pre>
 */
public final class ModelRate {
  private ModelRate() {}

  public static void main(String[] args) throws Exception {
    double hours = 4;
    double phaseMean = 300;
    int repeat = 5;
    for (int a = 0; a < args.length; a++) {
      switch (args[a]) {
        case "--hours" -> hours = Double.parseDouble(args[++a]);
        case "--phase-mean" -> phaseMean = Double.parseDouble(args[++a]);
        case "--repeat" -> repeat = Integer.parseInt(args[++a]);
        default -> {
          System.err.println("unknown argument " + args[a] + "; use --hours H, --phase-mean SECONDS, --repeat N");
          System.exit(2);
        }
      }
    }
    ClusterSpec spec = ClusterConfigLoader.load(Path.of("examples/scale-1000.conf"), List.of(), Plugins.onClassPath());
    double sampleSeconds = 300;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double best = Double.MAX_VALUE;
    long phases = 0;
    int dense = 0;
    int guestCount = 0;
    for (int r = 0; r < repeat; r++) {
      Replay replay = new Replay(spec, hours, phaseMean, sampleSeconds);
      dense = replay.usedHosts;
      guestCount = replay.guests;
      long cpu0 = threads.getCurrentThreadCpuTime();
      replay.run();
      double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
      phases = replay.phases;
      best = Math.min(best, cpu);
      System.out.println(String.format(Locale.ROOT, "run %d: %,d phases and %,d samples on %d hosts (%,d guests) in %.3f s"
          + " of thread CPU: %,.0f phases per CPU second (check %.6f)", r + 1, replay.phases, replay.samples, dense,
          guestCount, cpu, replay.phases / cpu, replay.check));
    }
    System.out.println(String.format(Locale.ROOT, "best: %,.0f phases per CPU second (%.1f h, %.0f s phases, %d cores)",
        phases / best, hours, phaseMean, Runtime.getRuntime().availableProcessors()));
  }

  /** The hosts and the phases to apply, in time order. */
  private static final class Replay {
    final List<HostModel> hosts = new ArrayList<>();
    final List<List<Domain>> domains = new ArrayList<>();
    int usedHosts;
    int guests;
    // The events: time, host, guest slot (-1: a sample of the host), level.
    long[] time;
    int[] host;
    int[] slot;
    double[] level;
    int events;
    long phases;
    long samples;
    double check;

    Replay(ClusterSpec spec, double hours, double phaseMean, double sampleSeconds) {
      CostSettings costs = CostSettings.from(spec.settings());
      long[] free = new long[spec.nodes().size()];
      for (int i = 0; i < spec.nodes().size(); i++) {
        NodeSpec n = spec.nodes().get(i);
        hosts.add(new HostModel(Hardware.of(n), costs, n.dom0().vcpus(), n.dom0().memoryBytes(), n.dom0().weight()));
        domains.add(new ArrayList<>());
        free[i] = hosts.get(i).memoryFreeBytes();
      }
      for (GuestSpec g : spec.guests()) {
        long need = hosts.get(0).footprint(g);
        int bestFit = -1;
        for (int i = 0; i < free.length; i++) {
          if (free[i] >= need && (bestFit < 0 || free[i] < free[bestFit])) {
            bestFit = i;
          }
        }
        domains.get(bestFit).add(hosts.get(bestFit).createDomain(g, null, false, 0));
        free[bestFit] = hosts.get(bestFit).memoryFreeBytes();
        guests++;
      }
      SplittableRandom rnd = new SplittableRandom(42);
      long end = (long) (hours * 3600e9);
      List<long[]> list = new ArrayList<>();
      List<Double> levels = new ArrayList<>();
      for (int h = 0; h < hosts.size(); h++) {
        if (domains.get(h).isEmpty()) {
          continue;
        }
        usedHosts++;
        for (long t = (long) (sampleSeconds * 1e9); t <= end; t += (long) (sampleSeconds * 1e9)) {
          list.add(new long[] {t, h, -1});
          levels.add(0.0);
        }
        for (int s = 0; s < domains.get(h).size(); s++) {
          double cv = domains.get(h).get(s).spec().workload().variability();
          double sigma2 = Math.log1p(cv * cv);
          for (long t = next(rnd, 0, phaseMean); t <= end; t = next(rnd, t, phaseMean)) {
            list.add(new long[] {t, h, s});
            levels.add(Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * rnd.nextGaussian()));
          }
        }
      }
      Integer[] order = new Integer[list.size()];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, (a, b) -> {
        int c = Long.compare(list.get(a)[0], list.get(b)[0]);
        return c != 0 ? c : Integer.compare(a, b);
      });
      events = order.length;
      time = new long[events];
      host = new int[events];
      slot = new int[events];
      level = new double[events];
      for (int k = 0; k < events; k++) {
        long[] e = list.get(order[k]);
        time[k] = e[0];
        host[k] = (int) e[1];
        slot[k] = (int) e[2];
        level[k] = levels.get(order[k]);
      }
    }

    private static long next(SplittableRandom rnd, long t, double mean) {
      return t + 1 + (long) (-Math.log(1 - rnd.nextDouble()) * mean * 1e9);
    }

    /** Applies every phase as the Hypervisor does (deferred, settled when the host is next read) and every sample. */
    void run() {
      double sum = 0;
      for (int k = 0; k < events; k++) {
        HostModel m = hosts.get(host[k]);
        if (slot[k] < 0) {
          m.advanceTo(time[k]);
          sum += m.busyCoreSeconds() + m.dom0CoreSeconds() + m.energyJoules() + m.hypercalls() + m.vmExits();
          samples++;
        } else {
          m.deferLoadFactor(domains.get(host[k]).get(slot[k]), level[k], time[k]);
          phases++;
          if (k + 1 == events || time[k + 1] > time[k]) {
            m.applyDeferred(); // as the Hypervisor does when no other timer comes at the instant
          }
        }
      }
      for (HostModel m : hosts) {
        m.integrate(time[events - 1]);
        sum += m.busyCoreSeconds();
      }
      check = sum / 1e9;
    }
  }
}
