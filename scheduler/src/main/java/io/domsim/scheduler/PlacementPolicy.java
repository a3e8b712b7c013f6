package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the host a new guest starts on. Hosts are considered in the order given; ties go to the
 * earlier host. A policy is made for one run by its {@link PlacementPolicyPlugin} and may keep state
 * across the guests of that run (round-robin does); the built-ins are pure.
 */
@FunctionalInterface
public interface PlacementPolicy {

  /** The index in {@code hosts} of the chosen host, or empty when no host fits. */
  Optional<Integer> choose(GuestSpec guest, List<HostView> hosts);

  /** The first host that fits. */
  PlacementPolicy FIRST_FIT = (guest, hosts) -> {
    for (int i = 0; i < hosts.size(); i++) {
      if (hosts.get(i).fits(guest)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  };

  /** The host left with the least free memory: packs guests tightly, keeps big holes for big guests. */
  PlacementPolicy BEST_FIT = (guest, hosts) -> byLeftover(guest, hosts, true);

  /** The host left with the most free memory: spreads guests out. */
  PlacementPolicy WORST_FIT = (guest, hosts) -> byLeftover(guest, hosts, false);

  private static Optional<Integer> byLeftover(GuestSpec guest, List<HostView> hosts, boolean least) {
    int best = -1;
    long bestLeft = 0;
    for (int i = 0; i < hosts.size(); i++) {
      HostView h = hosts.get(i);
      if (!h.fits(guest)) {
        continue;
      }
      long left = h.freeMemoryBytes() - h.footprint(guest);
      if (best < 0 || (least ? left < bestLeft : left > bestLeft)) {
        best = i;
        bestLeft = left;
      }
    }
    return best < 0 ? Optional.empty() : Optional.of(best);
  }
}
