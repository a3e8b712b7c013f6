package io.domsim.scheduler.consolidation;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * Chooses hosts for guests that leave their host (step 3 of Beloglazov and Buyya's consolidation, and the
 * trial placements of step 4). The built-in is {@link Pabfd}.
 */
@FunctionalInterface
public interface ConsolidationPlacement {

  /**
   * Places what it can of the request's guests, each detached in {@code allocation}, on hosts that are on
   * and that the request allows, attaching each placed guest there (which later choices then see).
   *
   * @return the guests placed, in the order placed; those left out stay detached
   */
  List<Integer> place(Request request, Allocation allocation);

  /**
   * What to place.
   *
   * @param guests guest indices, in configuration order
   * @param candidate the hosts that may be chosen, by index (the step leaves out sources, overloaded hosts,
   *     hosts being emptied)
   * @param mayPowerOn whether a guest that fits on no host that is on may go to one that is off (and allowed),
   *     which is then powered on ({@link Allocation#powerOn})
   * @param allOrNothing whether to stop at the first guest that fits nowhere (emptying a host: the caller
   *     then undoes the placements made)
   */
  record Request(List<Integer> guests, IntPredicate candidate, boolean mayPowerOn, boolean allOrNothing) {}
}
