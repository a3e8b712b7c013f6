package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import java.util.List;

/** Says why a guest fits on no host, in a sentence an operator can act on. */
public final class NoFit {
  private NoFit() {}

  public static String reason(GuestSpec guest, List<HostView> hosts) {
    if (hosts.isEmpty()) {
      return "no node is available to host guest " + guest.name() + "; add nodes to the cluster";
    }
    List<HostView> candidates = guest.type().needsHvm()
        ? hosts.stream().filter(HostView::hvmSupport).toList()
        : hosts;
    if (candidates.isEmpty()) {
      return "no node can host " + guest.type().name() + " guest " + guest.name()
          + " (no node has hvm-support); make it type = pv or add an HVM-capable node";
    }
    candidates = candidates.stream().filter(h -> h.runs(guest.type())).toList();
    if (candidates.isEmpty()) {
      return "no node can host " + guest.type().name() + " guest " + guest.name()
          + " (every available node is type-2, and it needs Xen); make it type = hvm or pvhvm or add a type-1 node";
    }
    HostView roomiest = candidates.get(0);
    for (HostView h : candidates) {
      if (h.freeMemoryBytes() > roomiest.freeMemoryBytes()) {
        roomiest = h;
      }
    }
    return "no node has room for guest " + guest.name() + " (" + mib(roomiest.footprint(guest))
        + " MiB needed; the most free is " + mib(roomiest.freeMemoryBytes()) + " MiB on " + roomiest.node()
        + "); add nodes or make the guest smaller";
  }

  private static long mib(long bytes) {
    return Math.floorDiv(bytes, 1024L * 1024L);
  }
}
