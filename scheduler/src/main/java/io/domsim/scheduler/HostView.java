package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;

/**
 * What the pool master knows of one host when it decides: free memory (after claims), hardware, and
 * the hypervisor's per-domain overhead, so that it counts a guest's footprint as the host will.
 */
public record HostView(String node, long freeMemoryBytes, int cores, boolean hvmSupport, long domainOverheadBytes) {

  public long footprint(GuestSpec guest) {
    return guest.memoryBytes() + domainOverheadBytes;
  }

  public boolean fits(GuestSpec guest) {
    return (guest.type() != GuestType.HVM || hvmSupport) && footprint(guest) <= freeMemoryBytes;
  }

  public HostView minus(long bytes) {
    return new HostView(node, freeMemoryBytes - bytes, cores, hvmSupport, domainOverheadBytes);
  }

  public HostView withFree(long bytes) {
    return new HostView(node, bytes, cores, hvmSupport, domainOverheadBytes);
  }
}
