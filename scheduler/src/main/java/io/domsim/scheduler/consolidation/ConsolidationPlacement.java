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
   * Places what it can of {@code guests}, each detached in {@code allocation}, on hosts that are on and
   * that {@code candidate} allows, attaching each placed guest there (which later choices then see).
   *
   * @param guests guest indices, in configuration order
   * @param candidate the hosts that may be chosen, by index (the step leaves out sources, overloaded hosts,
   *     hosts being emptied)
   * @param mayPowerOn whether a guest that fits on no host that is on may go to one that is off (and allowed),
   *     which is then powered on ({@link Allocation#powerOn})
   * @return the guests placed, in the order placed; those left out stay detached
   */
  List<Integer> place(List<Integer> guests, Allocation allocation, IntPredicate candidate, boolean mayPowerOn);
}
