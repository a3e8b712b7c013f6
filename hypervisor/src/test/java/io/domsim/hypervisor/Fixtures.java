package io.domsim.hypervisor;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import java.util.Optional;

/** Shared test material: default costs, a standard node, guest specs. */
final class Fixtures {
  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;
  static final long SECOND = 1_000_000_000L;

  /** The shipped defaults from reference.conf. */
  static final CostSettings COSTS = CostSettings.from(ConfigFactory.load().getConfig("domsim"));

  private Fixtures() {}

  /** 16 cores at 2.5 GHz, 64 GiB, VT-x, 10 Gbit/s, 100..300 W. */
  static Hardware hardware() {
    return new Hardware(16, 2.5, 64 * GIB, true, 10_000_000_000L, 100, 300);
  }

  static Hardware hardware(int cores, long memoryBytes, boolean hvmSupport) {
    return new Hardware(cores, 2.5, memoryBytes, hvmSupport, 10_000_000_000L, 100, 300);
  }

  /** A host with a 2-vCPU, 2 GiB Dom0 of weight 256. */
  static HostModel host(Hardware hw) {
    return new HostModel(hw, COSTS, 2, 2 * GIB, 256);
  }

  static HostModel host(Hardware hw, int dom0Vcpus) {
    return new HostModel(hw, COSTS, dom0Vcpus, 2 * GIB, 256);
  }

  static WorkloadSpec workload(double cpu, double ioRate) {
    return new WorkloadSpec(cpu, 0, 256 * MIB, ioRate, 0, Duration.ofSeconds(5));
  }

  static GuestSpec guest(String name, GuestType type, int vcpus, long memoryBytes, int weight, WorkloadSpec w) {
    return new GuestSpec(name, type, vcpus, memoryBytes, weight, Optional.empty(), w);
  }

  static GuestSpec guest(String name, GuestType type, int vcpus, WorkloadSpec w) {
    return guest(name, type, vcpus, 4 * GIB, 256, w);
  }

  static double cyclesToCores(double cycles) {
    return cycles / hardware().cyclesPerCoreSecond();
  }
}
