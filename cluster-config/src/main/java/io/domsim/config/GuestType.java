package io.domsim.config;

/**
 * How a guest is virtualized, as xl.cfg(5)'s {@code type} (pv, hvm, pvh) and an HVM guest with PV drivers:
 * <ul>
 *   <li>PV: modified kernel; hypercalls for page tables and privileged work, split drivers for I/O; no
 *       VT-x/AMD-V needed. On 64-bit x86 its kernel runs in ring 3, so system calls and page-table updates
 *       go through the hypervisor.</li>
 *   <li>HVM: unmodified kernel; VM exits, hardware-assisted paging, devices emulated by a device model.</li>
 *   <li>PVH: an HVM container (VT-x, hardware-assisted paging, native system calls) with PV I/O and no
 *       device model at all.</li>
 *   <li>PVHVM: HVM with PV drivers: the platform is emulated (a device model runs), the disk and network go
 *       through the PV backends.</li>
 * </ul>
 */
public enum GuestType {
  PV, HVM, PVH, PVHVM;

  public String configName() { return name().toLowerCase(java.util.Locale.ROOT); }

  /** Runs in an HVM container, so needs VT-x/AMD-V: every type but PV. */
  public boolean needsHvm() { return this != PV; }

  /** Its disk and network go through PV frontends and Dom0's backends, not through a device model. */
  public boolean pvIo() { return this != HVM; }

  /** A device model (QEMU) runs for it, whose state a migration saves and restores: HVM and PVHVM. */
  public boolean deviceModel() { return this == HVM || this == PVHVM; }

  /**
   * It is suspended and shut down cooperatively, through xenstore and its suspend event channel (its PV
   * drivers answer); only an HVM guest without PV drivers is paused and powered off from outside.
   */
  public boolean cooperative() { return this != HVM; }

  /**
   * Whose {@code dom0.guest-shutdown-time} it takes: PV's (xenstore control/shutdown, answered by its PV
   * drivers) for every cooperative type, HVM's (the ACPI power button) for HVM.
   */
  public GuestType shutdownAs() { return cooperative() ? PV : HVM; }

  /** Its hypercalls and page tables are Xen's PV ABI, so it runs on a Xen (type-1) node only: PV and PVH. */
  public boolean xenOnly() { return this == PV || this == PVH; }
}
