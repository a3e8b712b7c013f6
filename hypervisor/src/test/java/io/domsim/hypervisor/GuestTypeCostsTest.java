package io.domsim.hypervisor;

import static io.domsim.hypervisor.Fixtures.SECOND;
import static io.domsim.hypervisor.Fixtures.guest;
import static io.domsim.hypervisor.Fixtures.hardware;
import static io.domsim.hypervisor.Fixtures.host;
import static io.domsim.hypervisor.Fixtures.workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.domsim.config.WorkloadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cost paths of the four guest types and of a type-2 node, measured as a run measures them: a guest built
 * on a HostModel, integrated over 100 s, its own and Dom0's core-seconds read back.
 */
class GuestTypeCostsTest {
  private static final long T100 = 100 * SECOND;
  private static final int VCPUS = 4;

  /** What one guest of {@code type} with workload {@code w} costs over 100 s on a node of {@code kind}. */
  private record Costs(double guestCpu, double guestWork, double io, double dom0, double base) {
    /** Cores beyond the guest's work, per busy core: the CPU path's overhead (no I/O). */
    double overheadPerWork() {
      return (guestCpu - guestWork) / guestWork;
    }

    /** Core-seconds one I/O takes, the guest's and Dom0's (its base load taken out), work excluded. */
    double coreSecondsPerIo(double overheadPerWork) {
      return (guestCpu - guestWork * (1 + overheadPerWork) + dom0 - base) / io;
    }
  }

  private static Costs run(GuestType type, WorkloadSpec w, HypervisorKind kind) {
    HostModel host = host(hardware().withKind(kind));
    Domain d = host.createDomain(guest("g", type, VCPUS, w), null, false, 0);
    host.integrate(T100);
    double base = (kind.hosted() ? Fixtures.COSTS.type2().hostBaseLoad() : Fixtures.COSTS.dom0BaseLoad()) * 100;
    return new Costs(d.cpuSeconds(), d.workSeconds(), d.ioCompleted(), host.dom0CoreSeconds(), base);
  }

  private static double overhead(GuestType type, WorkloadSpec w) {
    return run(type, w, HypervisorKind.TYPE_1).overheadPerWork();
  }

  private static double perIo(GuestType type, HypervisorKind kind) {
    double overhead = run(type, workload(0.5, 0), kind).overheadPerWork();
    return run(type, workload(0.5, 1000), kind).coreSecondsPerIo(overhead);
  }

  @Test
  void pvhAndPvhvmSitBetweenPvAndHvmOnEachAxis() {
    WorkloadSpec cpuOnly = workload(0.5, 0);
    double pv = overhead(GuestType.PV, cpuOnly);
    double hvm = overhead(GuestType.HVM, cpuOnly);
    double pvh = overhead(GuestType.PVH, cpuOnly);
    double pvhvm = overhead(GuestType.PVHVM, cpuOnly);
    // CPU path: PVH and PVHVM run in an HVM container, so their overhead is HVM's, below 64-bit PV's hypercalls.
    assertEquals(hvm, pvh, 1e-12, "PVH's CPU overhead is HVM's");
    assertEquals(hvm, pvhvm, 1e-12, "PVHVM's CPU overhead is HVM's");
    assertTrue(hvm < pv, "HVM " + hvm + " below PV " + pv + " per busy core");

    double ioPv = perIo(GuestType.PV, HypervisorKind.TYPE_1);
    double ioHvm = perIo(GuestType.HVM, HypervisorKind.TYPE_1);
    double ioPvh = perIo(GuestType.PVH, HypervisorKind.TYPE_1);
    double ioPvhvm = perIo(GuestType.PVHVM, HypervisorKind.TYPE_1);
    double cyc = hardware().cyclesPerCoreSecond();
    System.out.printf("cycles per I/O: PV %.0f, PVH %.0f, PVHVM %.0f, HVM %.0f%n", ioPv * cyc, ioPvh * cyc,
        ioPvhvm * cyc, ioHvm * cyc);
    // I/O path: PVH's is PV's (split drivers); PVHVM adds its emulated interrupt's exit; HVM's device model costs most.
    assertEquals(ioPv, ioPvh, ioPv * 1e-6, "PVH's I/O is PV's");
    assertTrue(ioPvh < ioPvhvm && ioPvhvm < ioHvm, "PV = PVH < PVHVM < HVM per I/O");
    assertEquals(Fixtures.COSTS.pvhvmVmExitsPerIo() * Fixtures.COSTS.vmExitCycles(), (ioPvhvm - ioPvh) * cyc,
        1, "PVHVM pays its interrupt controller's exits on top of PVH");
    // With that, PVH and PVHVM are between PV and HVM on both axes, inclusive.
    for (double[] axis : new double[][] {{pv, hvm, pvh, pvhvm}, {ioPv, ioHvm, ioPvh, ioPvhvm}}) {
      double lo = Math.min(axis[0], axis[1]);
      double hi = Math.max(axis[0], axis[1]);
      for (int i = 2; i < 4; i++) {
        assertTrue(axis[i] >= lo - 1e-12 && axis[i] <= hi + 1e-12, axis[i] + " within [" + lo + ", " + hi + "]");
      }
    }
  }

  @Test
  void systemCallsAndPageTableUpdatesCostPvOnly() {
    WorkloadSpec plain = workload(0.5, 0);
    WorkloadSpec kernelHeavy = plain.withKernelCalls(20_000, 5_000);
    double cyc = hardware().cyclesPerCoreSecond();
    for (GuestType type : GuestType.values()) {
      double before = overhead(type, plain);
      double after = overhead(type, kernelHeavy);
      if (type == GuestType.PV) {
        double extra = (20_000 * Fixtures.COSTS.pvSyscallCycles() + 5_000 * Fixtures.COSTS.pvPtUpdateCycles()) / cyc;
        assertEquals(before + extra, after, 1e-9, "PV pays each system call and page-table update");
      } else {
        assertEquals(before, after, 0.0, type + " takes system calls and page tables in hardware");
      }
    }
    // The page-table updates are hypercalls (mmu_update).
    HostModel host = host(hardware());
    Domain d = host.createDomain(guest("g", GuestType.PV, VCPUS, kernelHeavy), null, false, 0);
    host.integrate(T100);
    assertEquals(d.workSeconds() * (Fixtures.COSTS.pvHypercallsPerCpuSecond() + 5_000), d.hypercalls(),
        1e-6 * d.hypercalls());
  }

  @ParameterizedTest
  @EnumSource(value = GuestType.class, names = {"HVM", "PVHVM"})
  void aTypeTwoNodePaysMorePerIoThanATypeOneNode(GuestType type) {
    double one = perIo(type, HypervisorKind.TYPE_1);
    double two = perIo(type, HypervisorKind.TYPE_2);
    CostSettings.Type2 t = Fixtures.COSTS.type2();
    double cyc = hardware().cyclesPerCoreSecond();
    assertEquals(t.hostKernelCyclesPerIo() + t.contextSwitchesPerIo() * t.contextSwitchCycles(), (two - one) * cyc, 1,
        "the host kernel's path and the switches to the emulator and back");
    assertTrue(two > one, type + ": type-2 " + two + " > type-1 " + one + " core-seconds per I/O");
    assertTrue(run(type, workload(0.5, 0), HypervisorKind.TYPE_2).overheadPerWork()
        > run(type, workload(0.5, 0), HypervisorKind.TYPE_1).overheadPerWork(), "and the host schedules its vCPUs");
  }

  @ParameterizedTest
  @EnumSource(value = GuestType.class, names = {"PV", "PVH"})
  void aTypeTwoNodeRefusesXenOnlyGuests(GuestType type) {
    HostModel host = host(hardware().withKind(HypervisorKind.TYPE_2));
    HypervisorException e = assertThrows(HypervisorException.class,
        () -> host.createDomain(guest("g", type, 1, workload(0.5, 0)), null, false, 0));
    assertEquals(Errno.ENODEV, e.errno());
  }
}
