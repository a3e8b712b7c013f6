package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * What the pool master knows of one host when it decides: its capacity, its current load, and the
 * hypervisor's per-domain overhead (so that it counts a guest's footprint as the host will).
 *
 * @param node the node's name
 * @param cores physical cores
 * @param ghz the speed of one core
 * @param memoryBytes the node's physical memory (Dom0's share included)
 * @param nicBitsPerSecond the NIC's speed, each way
 * @param hvmSupport whether HVM guests can run here (VT-x/AMD-V)
 * @param freeMemoryBytes memory not taken by Dom0, guests or claims
 * @param cpuDemandCores the mean CPU demand of the guests here, in cores ({@link #demandOf(GuestSpec, double)} summed):
 *     those running when the host described itself plus those placed here since in the same round
 * @param domainOverheadBytes the hypervisor's own memory per domain
 * @param hypervisor the node's hypervisor: a type-2 node runs no PV or PVH guest ({@link HypervisorKind#cannotRun})
 */
public record HostView(String node, int cores, double ghz, long memoryBytes, long nicBitsPerSecond,
    boolean hvmSupport, long freeMemoryBytes, double cpuDemandCores, long domainOverheadBytes,
    HypervisorKind hypervisor) {

  /** A type-1 (Xen) host. */
  public HostView(String node, int cores, double ghz, long memoryBytes, long nicBitsPerSecond, boolean hvmSupport,
      long freeMemoryBytes, double cpuDemandCores, long domainOverheadBytes) {
    this(node, cores, ghz, memoryBytes, nicBitsPerSecond, hvmSupport, freeMemoryBytes, cpuDemandCores,
        domainOverheadBytes, HypervisorKind.TYPE_1);
  }

  /** Whether a guest of {@code type} can run here at all, whatever the memory. */
  public boolean runs(GuestType type) {
    return hypervisor.cannotRun(type, hvmSupport) == null;
  }

  /**
   * A guest's mean CPU demand in cores of a host whose cores run at {@code hostGhz}: the busy fraction of its
   * workload times its vCPUs, times the host cores one of its vCPUs takes there ({@code vcpu-ghz} over the
   * host's speed; 1 without it), at most its vCPUs: the hypervisor's cost model counts it so.
   */
  public static double demandOf(GuestSpec guest, double hostGhz) {
    return Math.min(guest.vcpus(), guest.workload().cpu() * guest.vcpus() * guest.coresPerVcpu(hostGhz));
  }

  /**
   * The demand of these guests on a host whose cores run at {@code hostGhz}, summed in name order whatever
   * order they come in, so that the host (which describes its guests) and {@code domsim validate} (which
   * predicts them) get the same double.
   */
  public static double demandOf(Collection<GuestSpec> guests, double hostGhz) {
    List<GuestSpec> byName = new ArrayList<>(guests);
    byName.sort(Comparator.comparing(GuestSpec::name));
    double sum = 0;
    for (GuestSpec g : byName) {
      sum += demandOf(g, hostGhz);
    }
    return sum;
  }

  /** A guest's mean CPU demand in cores of this host. */
  public double demandHere(GuestSpec guest) {
    return demandOf(guest, ghz);
  }

  public long footprint(GuestSpec guest) {
    return guest.memoryBytes() + domainOverheadBytes;
  }

  public boolean fits(GuestSpec guest) {
    return runs(guest.type()) && footprint(guest) <= freeMemoryBytes;
  }

  /** Cores the guests here do not ask for; negative when the host is overcommitted. */
  public double idleCores() {
    return cores - cpuDemandCores;
  }

  /** This host once {@code guest} is placed here: its footprint taken, its demand added. */
  public HostView with(GuestSpec guest) {
    return new HostView(node, cores, ghz, memoryBytes, nicBitsPerSecond, hvmSupport,
        freeMemoryBytes - footprint(guest), cpuDemandCores + demandHere(guest), domainOverheadBytes, hypervisor);
  }

  /** This host with the free memory it reported (a refused reservation says how much it has). */
  public HostView withFree(long bytes) {
    return new HostView(node, cores, ghz, memoryBytes, nicBitsPerSecond, hvmSupport, bytes, cpuDemandCores,
        domainOverheadBytes, hypervisor);
  }
}
