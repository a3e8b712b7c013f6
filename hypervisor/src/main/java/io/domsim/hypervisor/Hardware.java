package io.domsim.hypervisor;

import io.domsim.config.NodeSpec;
import io.domsim.config.PowerCurve;

/** The bare metal a hypervisor boots on. */
public record Hardware(
    int cores, double ghz, long memoryBytes, boolean hvmSupport, long nicBitsPerSecond, PowerCurve power) {

  /** Hardware with the linear power model: {@code idleWatts} at 0% CPU, {@code maxWatts} at 100%. */
  public Hardware(int cores, double ghz, long memoryBytes, boolean hvmSupport, long nicBitsPerSecond,
      double idleWatts, double maxWatts) {
    this(cores, ghz, memoryBytes, hvmSupport, nicBitsPerSecond, PowerCurve.linear(idleWatts, maxWatts));
  }

  public static Hardware of(NodeSpec n) {
    return new Hardware(n.cores(), n.ghz(), n.memoryBytes(), n.hvmSupport(), n.nicBitsPerSecond(),
        n.power().curve());
  }

  /** Cycles one core executes per second. */
  public double cyclesPerCoreSecond() {
    return ghz * 1e9;
  }

  public double idleWatts() {
    return power.idleWatts();
  }

  public double maxWatts() {
    return power.maxWatts();
  }

  /**
   * Watts at this CPU utilisation (clamped to 0..1): the node's power model, linear (as CloudSim's
   * PowerModelLinear) or a SPECpower table (as its PowerModelSpecPower).
   */
  public double watts(double utilization) {
    return power.watts(utilization);
  }
}
