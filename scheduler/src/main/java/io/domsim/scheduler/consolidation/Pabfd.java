package io.domsim.scheduler.consolidation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Power-aware best-fit decreasing (Beloglazov and Buyya 2012, algorithm 1): the guests by CPU demand,
 * largest first; each to the host whose power draw rises least, among those it fits on that the detector
 * would not then call overloaded. A host without guests is not asked (a guest that alone overloads an
 * empty host has nowhere better to go; CloudSim skips the check there too). Ties go to the earlier guest
 * and the earlier host.
 *
 * <p>With {@code mayPowerOn}, a guest that fits on no host that is on goes to the host that is off on which
 * it would draw least, which is powered on; the guests after it may then go there too.
 */
public final class Pabfd implements ConsolidationPlacement {

  @Override
  public List<Integer> place(Request request, Allocation allocation) {
    List<Integer> order = new ArrayList<>(request.guests());
    // Stable: equal demands keep configuration order.
    order.sort(Comparator.comparingDouble((Integer g) -> allocation.guest(g).demandMhz()).reversed());
    List<Integer> placed = new ArrayList<>();
    for (int g : order) {
      int host = best(g, allocation, request.candidate(), allocation.hostsOn());
      if (host < 0 && request.mayPowerOn()) {
        host = best(g, allocation, request.candidate(), null);
        if (host >= 0) {
          allocation.powerOn(host);
        }
      }
      if (host >= 0) {
        allocation.attach(g, host);
        placed.add(g);
      } else if (request.allOrNothing()) {
        break;
      }
    }
    return placed;
  }

  /**
   * Among {@code hostsOn} (or, when null, the hosts that may be powered on), the least power increase.
   */
  private static int best(int g, Allocation a, IntPredicate candidate, int[] hostsOn) {
    int best = -1;
    double bestIncrease = Double.POSITIVE_INFINITY;
    int count = hostsOn != null ? hostsOn.length : a.hostCount();
    for (int i = 0; i < count; i++) {
      int h = hostsOn != null ? hostsOn[i] : i;
      if (hostsOn == null && !a.canPowerOn(h) || !candidate.test(h) || !a.fits(g, h)) {
        continue;
      }
      double increase = a.powerIncrease(h, g);
      // The detector is the expensive test: only a host that would win needs it.
      if (increase < bestIncrease && !(a.hasGuests(h) && a.overloadedWith(h, g))) {
        best = h;
        bestIncrease = increase;
      }
    }
    return best;
  }
}
