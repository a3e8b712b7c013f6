package io.domsim.hypervisor;

import io.domsim.config.NodeSpec;

/** The bare metal a hypervisor boots on. */
public record Hardware(
    int cores, double ghz, long memoryBytes, boolean hvmSupport, long nicBitsPerSecond, double idleWatts,
    double maxWatts) {

  public static Hardware of(NodeSpec n) {
    return new Hardware(n.cores(), n.ghz(), n.memoryBytes(), n.hvmSupport(), n.nicBitsPerSecond(),
        n.power().idleWatts(), n.power().maxWatts());
  }

  /** Cycles one core executes per second. */
  public double cyclesPerCoreSecond() {
    return ghz * 1e9;
  }

  /** Linear power model (as in SPECpower-style and CloudSim's PowerModelLinear). */
  public double watts(double utilization) {
    return idleWatts + (maxWatts - idleWatts) * Math.min(1.0, Math.max(0.0, utilization));
  }
}
