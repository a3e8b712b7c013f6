package io.domsim.hypervisor;

import com.typesafe.config.Config;

/**
 * Per-operation virtualization costs, read once from {@code domsim.hypervisor.costs} (defaults and their
 * sources are in this module's reference.conf).
 */
public record CostSettings(
    double hypercallCycles,
    double vmExitCycles,
    double deviceModelCyclesPerExit,
    double pvHypercallsPerCpuSecond,
    double hvmVmExitsPerCpuSecond,
    double guestCyclesPerIo,
    double pvHypercallsPerIo,
    double pvBackendCyclesPerIo,
    double pvBackendHypercallsPerIo,
    double hvmVmExitsPerIo,
    double deviceModelHypercallsPerExit,
    double dom0BaseLoad,
    double dom0HypercallsPerCpuSecond,
    long domainOverheadBytes,
    long networkBytesPerIo,
    double pvSyscallCycles,
    double pvPtUpdateCycles,
    double pvhvmVmExitsPerIo,
    Type2 type2) {

  /**
   * What a hosted (type-2) node adds: its host OS in Dom0's place, host threads for vCPUs, and I/O through
   * the user-space emulator and the host kernel ({@code domsim.hypervisor.costs.type-2}).
   */
  public record Type2(double hostBaseLoad, double hostKernelCyclesPerIo, double contextSwitchCycles,
      double contextSwitchesPerIo, double contextSwitchesPerCpuSecond) {}

  /** Costs without PV system calls, page-table updates, PVHVM's interrupt exits or a type-2 host's extras. */
  public CostSettings(double hypercallCycles, double vmExitCycles, double deviceModelCyclesPerExit,
      double pvHypercallsPerCpuSecond, double hvmVmExitsPerCpuSecond, double guestCyclesPerIo,
      double pvHypercallsPerIo, double pvBackendCyclesPerIo, double pvBackendHypercallsPerIo, double hvmVmExitsPerIo,
      double deviceModelHypercallsPerExit, double dom0BaseLoad, double dom0HypercallsPerCpuSecond,
      long domainOverheadBytes, long networkBytesPerIo) {
    this(hypercallCycles, vmExitCycles, deviceModelCyclesPerExit, pvHypercallsPerCpuSecond, hvmVmExitsPerCpuSecond,
        guestCyclesPerIo, pvHypercallsPerIo, pvBackendCyclesPerIo, pvBackendHypercallsPerIo, hvmVmExitsPerIo,
        deviceModelHypercallsPerExit, dom0BaseLoad, dom0HypercallsPerCpuSecond, domainOverheadBytes, networkBytesPerIo,
        0, 0, 0, new Type2(dom0BaseLoad, 0, 0, 0, 0));
  }

  public static CostSettings from(Config domsim) {
    Config c = domsim.getConfig("hypervisor.costs");
    return new CostSettings(
        c.getDouble("hypercall-cycles"),
        c.getDouble("vmexit-cycles"),
        c.getDouble("device-model-cycles-per-exit"),
        c.getDouble("pv.hypercalls-per-cpu-second"),
        c.getDouble("hvm.vmexits-per-cpu-second"),
        c.getDouble("guest-cycles-per-io"),
        c.getDouble("pv.hypercalls-per-io"),
        c.getDouble("pv.backend-cycles-per-io"),
        c.getDouble("pv.backend-hypercalls-per-io"),
        c.getDouble("hvm.vmexits-per-io"),
        c.getDouble("hvm.device-model-hypercalls-per-exit"),
        c.getDouble("dom0.base-load"),
        c.getDouble("dom0.hypercalls-per-cpu-second"),
        c.getBytes("domain-overhead"),
        c.getBytes("network-bytes-per-io"),
        c.getDouble("pv.syscall-cycles"),
        c.getDouble("pv.pt-update-cycles"),
        c.getDouble("pvhvm.vmexits-per-io"),
        new Type2(c.getDouble("type-2.host-base-load"), c.getDouble("type-2.host-kernel-cycles-per-io"),
            c.getDouble("type-2.context-switch-cycles"), c.getDouble("type-2.context-switches-per-io"),
            c.getDouble("type-2.context-switches-per-cpu-second")));
  }
}
