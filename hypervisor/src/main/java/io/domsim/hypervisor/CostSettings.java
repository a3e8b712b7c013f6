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
    long networkBytesPerIo) {

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
        c.getBytes("network-bytes-per-io"));
  }
}
