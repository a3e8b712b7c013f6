package io.domsim.hypervisor;

import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.domsim.config.WorkloadSpec;

/**
 * What one unit of a guest's work costs on one host, by the guest's type and the host's hypervisor, fixed
 * when the domain is built there (the rate engine copies it into the guest's slot, so its inner loops stay
 * free of per-type branches).
 *
 * <p>Per busy core-second of work the guest spends {@code overhead} cores more and makes
 * {@code hypercallsPerWork} hypercalls and {@code exitsPerWork} VM exits; per I/O it spends
 * {@code guestCoresPerIo} cores itself, makes {@code hypercallsPerIo} hypercalls and {@code exitsPerIo} exits,
 * and costs Dom0 (a type-2 node: its host OS) {@code dom0CoresPerIo} cores and
 * {@code backendHypercallsPerIo × backendHypercallFactor} hypercalls.
 *
 * <ul>
 *   <li>PV: hypercalls for timers, events and page tables; 64-bit PV also pays its system calls and
 *       page-table updates through the hypervisor; split-driver I/O (frontend hypercalls, backend in Dom0).</li>
 *   <li>HVM: VM exits for timers and interrupts, hardware-assisted paging; emulated I/O (exits, each served by
 *       the device model in Dom0).</li>
 *   <li>PVH: HVM's CPU path (VM exits, hardware paging, native system calls) with PV's I/O path, no device
 *       model.</li>
 *   <li>PVHVM: PVH's paths plus, per I/O, the exits of its emulated interrupt controller (the completion
 *       interrupt's acknowledgement), which PVH's event-channel callback does not take.</li>
 *   <li>Type-2 host (HVM, PVHVM): the same guest side; the host scheduling its vCPU threads costs context
 *       switches per busy core-second; every I/O also takes the host kernel's path and switches to the
 *       emulator's thread and back; no hypercalls of Dom0 or its backends (the emulator maps guest memory).</li>
 * </ul>
 */
public record CostPath(double overhead, double guestCoresPerIo, double dom0CoresPerIo, double hypercallsPerWork,
    double hypercallsPerIo, double exitsPerWork, double exitsPerIo, double backendHypercallsPerIo,
    double backendHypercallFactor) {

  /** The costs of a guest of {@code type} with workload {@code w} on a node of {@code kind} at {@code cyc} cycles per core-second. */
  public static CostPath of(GuestType type, WorkloadSpec w, HypervisorKind kind, CostSettings c, double cyc) {
    CostPath typeOne = typeOne(type, w, c, cyc);
    if (!kind.hosted()) {
      return typeOne;
    }
    CostSettings.Type2 t = c.type2();
    double switchCycles = t.contextSwitchCycles();
    return new CostPath(
        typeOne.overhead + t.contextSwitchesPerCpuSecond() * switchCycles / cyc,
        typeOne.guestCoresPerIo,
        typeOne.dom0CoresPerIo + (t.hostKernelCyclesPerIo() + t.contextSwitchesPerIo() * switchCycles) / cyc,
        typeOne.hypercallsPerWork, typeOne.hypercallsPerIo, typeOne.exitsPerWork, typeOne.exitsPerIo, 0, 1);
  }

  // The PV and HVM expressions are the model's before guest types were added, term for term and in the same
  // order, so that those guests' rates are bit for bit unchanged (adding 0.0 is exact).
  private static CostPath typeOne(GuestType type, WorkloadSpec w, CostSettings c, double cyc) {
    double pvIoGuest = (c.guestCyclesPerIo() + c.pvHypercallsPerIo() * c.hypercallCycles()) / cyc;
    double pvIoDom0 = c.pvBackendCyclesPerIo() / cyc;
    double hvmOverhead = c.hvmVmExitsPerCpuSecond() * c.vmExitCycles() / cyc;
    return switch (type) {
      case PV -> new CostPath(
          (c.pvHypercallsPerCpuSecond() * c.hypercallCycles() + w.syscallRate() * c.pvSyscallCycles()
              + w.ptUpdateRate() * c.pvPtUpdateCycles()) / cyc,
          pvIoGuest, pvIoDom0, c.pvHypercallsPerCpuSecond() + w.ptUpdateRate(), c.pvHypercallsPerIo(), 0, 0,
          c.pvBackendHypercallsPerIo(), 1);
      case HVM -> new CostPath(hvmOverhead,
          (c.guestCyclesPerIo() + c.hvmVmExitsPerIo() * c.vmExitCycles()) / cyc,
          c.hvmVmExitsPerIo() * c.deviceModelCyclesPerExit() / cyc, 0, 0, c.hvmVmExitsPerCpuSecond(),
          c.hvmVmExitsPerIo(), c.hvmVmExitsPerIo(), c.deviceModelHypercallsPerExit());
      case PVH -> new CostPath(hvmOverhead, pvIoGuest, pvIoDom0, 0, c.pvHypercallsPerIo(),
          c.hvmVmExitsPerCpuSecond(), 0, c.pvBackendHypercallsPerIo(), 1);
      case PVHVM -> new CostPath(hvmOverhead,
          (c.guestCyclesPerIo() + c.pvHypercallsPerIo() * c.hypercallCycles()
              + c.pvhvmVmExitsPerIo() * c.vmExitCycles()) / cyc,
          pvIoDom0, 0, c.pvHypercallsPerIo(), c.hvmVmExitsPerCpuSecond(), c.pvhvmVmExitsPerIo(),
          c.pvBackendHypercallsPerIo(), 1);
    };
  }

  /** Guest and Dom0 (host OS) cores one I/O takes in all. */
  public double coresPerIo() {
    return guestCoresPerIo + dom0CoresPerIo;
  }
}
