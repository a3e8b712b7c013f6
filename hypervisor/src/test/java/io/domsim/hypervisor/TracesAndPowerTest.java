package io.domsim.hypervisor;

import static io.domsim.hypervisor.Fixtures.GIB;
import static io.domsim.hypervisor.Fixtures.SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.PowerCurve;
import io.domsim.config.Trace;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Power tables, vCPU speed and workload traces in the cost model and the hypervisor actor. */
@Timeout(60)
class TracesAndPowerTest {

  /** The HP ProLiant ML110 G4's SPECpower_ssj2008 table (watts at 0%, 10%, ..., 100%). */
  private static final double[] G4 = {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117};

  /** No virtualization cost and no Dom0 load: a node's utilisation is its guests' demand exactly. */
  private static final CostSettings FREE = new CostSettings(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2048);

  private static GuestSpec guest(String name, int vcpus, WorkloadSpec w, OptionalDouble vcpuGhz) {
    return new GuestSpec(name, GuestType.PV, vcpus, GIB, 256, Optional.empty(), w, vcpuGhz);
  }

  private static WorkloadSpec steady(double cpu) {
    return new WorkloadSpec(cpu, 0, 0, 0, 0, Duration.ofSeconds(5));
  }

  @Test
  void energyOfAHostHeldAtFixedUtilisationsIsTheTablesIntegral() {
    Hardware hw = new Hardware(2, 1.86, 4 * GIB, true, 1_000_000_000L, new PowerCurve("table", G4));
    HostModel host = new HostModel(hw, FREE, 1, GIB / 2, 256);
    Domain d = host.createDomain(guest("g", 2, steady(0), OptionalDouble.empty()), null, false, 0);
    double expected = 0;
    long t = 0;
    // Each table point for 10 s, then a quarter between two points for 10 s.
    for (int k = 0; k <= 10; k++) {
      host.setCpu(d.domid(), k / 10.0, t);
      t += 10 * SECOND;
      expected += G4[k] * 10;
    }
    host.setCpu(d.domid(), 0.25, t);
    t += 10 * SECOND;
    expected += (G4[2] + (G4[3] - G4[2]) / 2) * 10;
    host.integrate(t);
    assertEquals(expected, host.energyJoules(), 1e-9 * expected, "the integral of the table over the steps");
    assertEquals(12_168, expected, 1e-9, "hand-summed: 10 s x 1,122.5 W (the table's sum) + 10 s x 94.3 W");
  }

  @Test
  void aGuestsVcpuSpeedSetsTheCoreTimeItTakes() {
    Hardware hw = new Hardware(16, 2.5, 64 * GIB, true, 10_000_000_000L, 100, 300);
    HostModel host = new HostModel(hw, FREE, 1, GIB, 256);
    Domain atHostSpeed = host.createDomain(guest("a", 2, steady(0.5), OptionalDouble.empty()), null, false, 0);
    Domain slower = host.createDomain(guest("b", 2, steady(0.5), OptionalDouble.of(2.0)), null, false, 0);
    Domain faster = host.createDomain(guest("c", 2, steady(0.5), OptionalDouble.of(3.0)), null, false, 0);
    Domain capped = host.createDomain(guest("d", 2, steady(0.8), OptionalDouble.of(5.0)), null, false, 0);
    assertEquals(1.0, atHostSpeed.cpuCores(), 1e-12, "0.5 x 2 vCPUs");
    assertEquals(0.8, slower.cpuCores(), 1e-12, "a 2 GHz vCPU takes 0.8 of a 2.5 GHz core");
    assertEquals(1.2, faster.cpuCores(), 1e-12, "a 3 GHz vCPU needs 1.2 cores of 2.5 GHz");
    assertEquals(2.0, capped.cpuCores(), 1e-12, "0.8 x 2 x 5/2.5 = 3.2 cores, but it has 2 vCPUs");
  }

  @Test
  void aTracedGuestFollowsItsTraceFromTheStartOfTheRun() throws Exception {
    Trace trace = new Trace("steps", new byte[] {10, 50, 100});
    // A variability that would draw random levels if the trace did not replace them.
    WorkloadSpec base = new WorkloadSpec(0.9, 0, 0, 0, 0.5, Duration.ofSeconds(1)).withTrace(trace);
    WorkloadSpec w = new WorkloadSpec(base.cpu(), 0, 0, 0, 0.5, Duration.ofSeconds(1), base.trace(),
        Duration.ofSeconds(10));
    HostModel model = new HostModel(new Hardware(8, 2.5, 16 * GIB, true, 10_000_000_000L, 100, 300), FREE, 1, GIB,
        256);
    try (HypervisorHarness h = new HypervisorHarness(7, model, 0)) {
      assertInstanceOf(Hypervisor.Done.class, h.hypercall(0, new Hypervisor.Op.CreateDomain(
          guest("early", 1, w, OptionalDouble.empty()), null, false)));
      double[] expected = {1, 6, 16, 17}; // 10 s at 10%, 50%, 100%, then 10% again (the trace wraps around)
      for (int i = 0; i < expected.length; i++) {
        h.runUntil((i + 1) * 10 * SECOND);
        assertEquals(expected[i], work(h, "early"), 1e-9, "work by " + (i + 1) * 10 + " s");
      }
      // A guest created mid-interval (as a migrated guest arrives) is where the run is in its trace.
      h.runUntil(45 * SECOND);
      h.hypercall(0, new Hypervisor.Op.CreateDomain(guest("late", 1, w, OptionalDouble.empty()), null, false));
      h.runUntil(60 * SECOND);
      assertEquals(5 * 0.5 + 10 * 1.0, work(h, "late"), 1e-9, "45-50 s at 50%, 50-60 s at 100%");
    }
  }

  private static double work(HypervisorHarness h, String guest) throws Exception {
    return h.snapshot().guests().stream().filter(g -> g.name().equals(guest)).findFirst().orElseThrow()
        .workSeconds();
  }
}
