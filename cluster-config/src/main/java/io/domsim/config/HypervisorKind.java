package io.domsim.config;

/**
 * What runs on a node's bare metal: a type-1 hypervisor (Xen: the hypervisor on the hardware, Dom0 its
 * management domain) or a type-2 one (a hosted VMM: a host OS with a KVM-style kernel module, one
 * user-space emulator process per guest, no Dom0).
 */
public enum HypervisorKind {
  TYPE_1, TYPE_2;

  public String configName() { return this == TYPE_1 ? "type-1" : "type-2"; }

  public boolean hosted() { return this == TYPE_2; }

  /**
   * Why a guest of {@code type} cannot run on a node of this kind with or without VT-x/AMD-V, as a clause
   * ("its CPU has no VT-x/AMD-V ..."), or null when it can. The one rule behind validate, placement, the
   * toolstack and the hypervisor.
   */
  public String cannotRun(GuestType type, boolean hvmSupport) {
    if (type.needsHvm() && !hvmSupport) {
      return "its CPU has no VT-x/AMD-V (cpu.hvm-support = false), which " + type.configName() + " guests need";
    }
    if (hosted() && type.xenOnly()) {
      return "it is a type-2 (hosted) node, and " + type.configName() + " guests need Xen's PV interface";
    }
    return null;
  }
}
