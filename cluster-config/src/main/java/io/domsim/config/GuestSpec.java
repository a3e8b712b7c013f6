package io.domsim.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A guest domain (DomU).
 *
 * @param node where it starts; empty means the pool master places it
 * @param weight its credit-scheduler weight (Xen's default is 256)
 * @param vcpuGhz the speed its vCPUs are rated at, whatever host it runs on (as a MIPS-rated VM in
 *     CloudSim); empty: the speed of its host's cores
 */
public record GuestSpec(
    String name, GuestType type, int vcpus, long memoryBytes, int weight, Optional<String> node,
    WorkloadSpec workload, OptionalDouble vcpuGhz) {

  public GuestSpec {
    Objects.requireNonNull(vcpuGhz, "vcpuGhz");
  }

  /** A guest whose vCPUs run at its host's speed. */
  public GuestSpec(String name, GuestType type, int vcpus, long memoryBytes, int weight, Optional<String> node,
      WorkloadSpec workload) {
    this(name, type, vcpus, memoryBytes, weight, node, workload, OptionalDouble.empty());
  }

  /**
   * Host cores one busy vCPU of this guest takes on a host whose cores run at {@code hostGhz}: 1 without
   * {@code vcpu-ghz}; with it, more on slower cores and less on faster ones. The hypervisor's cost model and
   * the pool master's view both use it, so that placement and the model agree.
   */
  public double coresPerVcpu(double hostGhz) {
    return vcpuGhz.isPresent() ? vcpuGhz.getAsDouble() / hostGhz : 1.0;
  }

  /** The same guest under another name (the expansion of a group). */
  public GuestSpec named(String newName) {
    return new GuestSpec(newName, type, vcpus, memoryBytes, weight, node, workload, vcpuGhz);
  }

  /** The same guest with another workload. */
  public GuestSpec withWorkload(WorkloadSpec newWorkload) {
    return new GuestSpec(name, type, vcpus, memoryBytes, weight, node, newWorkload, vcpuGhz);
  }
}
