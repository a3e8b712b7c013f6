package io.domsim.config;

import java.util.Objects;

/**
 * One bare-metal machine.
 *
 * @param nicBitsPerSecond NIC line rate in bits per second
 * @param hypervisor what runs on it: Xen with Dom0 (type-1) or a hosted VMM on a host OS (type-2), whose
 *     host OS then takes Dom0's place (its {@code dom0} settings are the host OS's share)
 */
public record NodeSpec(
    String name,
    int cores,
    double ghz,
    boolean hvmSupport,
    long memoryBytes,
    long nicBitsPerSecond,
    PowerSpec power,
    Dom0Spec dom0,
    HypervisorKind hypervisor) {

  public NodeSpec {
    Objects.requireNonNull(hypervisor, "hypervisor");
  }

  /** A type-1 (Xen) node. */
  public NodeSpec(String name, int cores, double ghz, boolean hvmSupport, long memoryBytes, long nicBitsPerSecond,
      PowerSpec power, Dom0Spec dom0) {
    this(name, cores, ghz, hvmSupport, memoryBytes, nicBitsPerSecond, power, dom0, HypervisorKind.TYPE_1);
  }

  /** Why a guest of {@code type} cannot run here, as a clause, or null ({@link HypervisorKind#cannotRun}). */
  public String cannotRun(GuestType type) {
    return hypervisor.cannotRun(type, hvmSupport);
  }
}
