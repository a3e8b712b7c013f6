package io.domsim.scheduler;

import static io.domsim.scheduler.Guests.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** A guest's CPU demand as the pool master counts it: in cores of the host it would run on. */
class HostViewTest {

  private static GuestSpec guest(String name, int vcpus, double cpu, OptionalDouble vcpuGhz) {
    return new GuestSpec(name, GuestType.PV, vcpus, GIB, 256, Optional.empty(),
        new WorkloadSpec(cpu, 0, 0, 0, 0, Duration.ofSeconds(30)), vcpuGhz);
  }

  @Test
  void aRatedVcpuTakesMoreOfASlowerCoreAndAtMostItsVcpus() {
    GuestSpec rated = guest("vm", 1, 0.5, OptionalDouble.of(2.5));
    assertEquals(0.5 * 2.5 / 1.86, HostView.demandOf(rated, 1.86), 1e-12, "on a G4's 1.86 GHz cores");
    assertEquals(0.5 * 2.5 / 2.66, HostView.demandOf(rated, 2.66), 1e-12, "on a G5's 2.66 GHz cores");
    assertEquals(1.0, HostView.demandOf(guest("busy", 1, 1.0, OptionalDouble.of(2.5)), 1.86), 0.0,
        "capped at its one vCPU");
    assertEquals(0.5 * 2, HostView.demandOf(guest("plain", 2, 0.5, OptionalDouble.empty()), 1.86), 0.0,
        "without vcpu-ghz, the host's own speed");
  }

  @Test
  void placingAGuestAddsItsDemandInThisHostsCores() {
    HostView g4 = new HostView("g4", 2, 1.86, 4 * GIB, 1_000_000_000L, true, 3 * GIB, 0, 0);
    GuestSpec rated = guest("vm", 1, 0.4, OptionalDouble.of(2.0));
    assertEquals(0.4 * 2.0 / 1.86, g4.with(rated).cpuDemandCores(), 1e-12);
    assertEquals(HostView.demandOf(List.of(rated, rated), 1.86), g4.with(rated).with(rated).cpuDemandCores(), 1e-12);
  }
}
