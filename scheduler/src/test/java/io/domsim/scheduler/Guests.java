package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import java.util.Optional;

/** Guest specs and host views for scheduler tests. */
final class Guests {
  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;
  /** The shipped per-domain overhead (hypervisor reference.conf: 20kB). */
  static final long OVERHEAD = 20_000;

  private Guests() {}

  static final WorkloadSpec IDLE = new WorkloadSpec(0.5, 0, 0, 0, 0, Duration.ofSeconds(30));

  static GuestSpec pv(String name, long memoryBytes) {
    return new GuestSpec(name, GuestType.PV, 1, memoryBytes, 256, Optional.empty(), IDLE);
  }

  static GuestSpec hvm(String name, long memoryBytes) {
    return new GuestSpec(name, GuestType.HVM, 1, memoryBytes, 256, Optional.empty(), IDLE);
  }

  static GuestSpec guest(String name, GuestType type, long memoryBytes) {
    return new GuestSpec(name, type, 1, memoryBytes, 256, Optional.empty(), IDLE);
  }

  /** An HVM-capable host with the given free memory and no per-domain overhead. */
  static HostView host(String node, long free) {
    return host(node, 16, free, true, 0);
  }

  static HostView host(String node, long free, boolean hvm) {
    return host(node, 16, free, hvm, 0);
  }

  static HostView host(String node, long free, boolean hvm, long overhead) {
    return host(node, 16, free, hvm, overhead);
  }

  /** An idle host of 64 GiB, 2 GHz cores and a 10 Gbit/s NIC with the given free memory. */
  static HostView host(String node, int cores, long free, boolean hvm, long overhead) {
    return new HostView(node, cores, 2.0, 64 * GIB, 10_000_000_000L, hvm, free, 0, overhead);
  }
}
