package io.domsim.hypervisor;

import io.domsim.config.HypervisorKind;
import io.domsim.config.NodeSpec;
import io.domsim.config.PowerCurve;

/**
 * The bare metal a hypervisor boots on, and which hypervisor that is: Xen (type-1) or a hosted VMM on a host
 * OS (type-2), whose host OS then takes Dom0's place in the cost model.
 */
public record Hardware(
    int cores, double ghz, long memoryBytes, boolean hvmSupport, long nicBitsPerSecond, PowerCurve power,
    HypervisorKind kind) {

  /** A type-1 node. */
  public Hardware(int cores, double ghz, long memoryBytes, boolean hvmSupport, long nicBitsPerSecond,
      PowerCurve power) {
    this(cores, ghz, memoryBytes, hvmSupport, nicBitsPerSecond, power, HypervisorKind.TYPE_1);
  }

  /** A type-1 node with the linear power model: {@code idleWatts} at 0% CPU, {@code maxWatts} at 100%. */
  public Hardware(int cores, double ghz, long memoryBytes, boolean hvmSupport, long nicBitsPerSecond,
      double idleWatts, double maxWatts) {
    this(cores, ghz, memoryBytes, hvmSupport, nicBitsPerSecond, PowerCurve.linear(idleWatts, maxWatts));
  }

  public static Hardware of(NodeSpec n) {
    return new Hardware(n.cores(), n.ghz(), n.memoryBytes(), n.hvmSupport(), n.nicBitsPerSecond(),
        n.power().curve(), n.hypervisor());
  }

  /** This machine under another hypervisor. */
  public Hardware withKind(HypervisorKind newKind) {
    return new Hardware(cores, ghz, memoryBytes, hvmSupport, nicBitsPerSecond, power, newKind);
  }

  /** Why a guest of {@code type} cannot run here, as a clause, or null ({@link HypervisorKind#cannotRun}). */
  public String cannotRun(io.domsim.config.GuestType type) {
    return kind.cannotRun(type, hvmSupport);
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
