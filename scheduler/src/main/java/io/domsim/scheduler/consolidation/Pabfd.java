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
  public List<Integer> place(List<Integer> guests, Allocation allocation, IntPredicate candidate,
      boolean mayPowerOn) {
    List<Integer> order = new ArrayList<>(guests);
    // Stable: equal demands keep configuration order.
    order.sort(Comparator.comparingDouble((Integer g) -> allocation.guest(g).demandMhz()).reversed());
    List<Integer> placed = new ArrayList<>();
    for (int g : order) {
      int host = best(g, allocation, candidate, true);
      if (host < 0 && mayPowerOn) {
        host = best(g, allocation, candidate, false);
        if (host >= 0) {
          allocation.powerOn(host);
        }
      }
      if (host >= 0) {
        allocation.attach(g, host);
        placed.add(g);
      }
    }
    return placed;
  }

  /** Among hosts that are on (or, with {@code on} false, may be powered on), the least power increase. */
  private static int best(int g, Allocation a, IntPredicate candidate, boolean on) {
    int best = -1;
    double bestIncrease = Double.POSITIVE_INFINITY;
    for (int h = 0; h < a.hostCount(); h++) {
      if ((on ? !a.on(h) : !a.canPowerOn(h)) || !candidate.test(h) || !a.fits(g, h)) {
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
