package io.domsim.node.members;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * What this process has cost so far: its peak heap and its CPU time. Each member says it at its end, since a run
 * over members is measured per process (the benchmarks read the same figures in their own JVM).
 */
public final class ProcessCost {
  private ProcessCost() {}

  /** Peak heap of this JVM so far, summed over the heap pools (each pool's own peak: an upper bound). */
  public static double peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / 1048576.0;
  }

  /**
   * CPU time of this process so far, all threads (GC and JIT included): on a shared machine a run's wall time
   * depends on the other load, its CPU time much less. NaN where the JVM does not say.
   */
  public static double cpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** "peak heap 512 MiB, CPU 31.2 s". */
  public static String describe() {
    return String.format(Locale.ROOT, "peak heap %.0f MiB, CPU %.1f s", peakHeapMiB(), cpuSeconds());
  }
}
