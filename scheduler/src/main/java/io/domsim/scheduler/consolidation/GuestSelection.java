package io.domsim.scheduler.consolidation;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the next guest to leave an overloaded host (step 2 of Beloglazov and Buyya's consolidation); the
 * step asks again, without it, until the host is no longer overloaded. The built-ins are in
 * {@link GuestSelections}.
 */
@FunctionalInterface
public interface GuestSelection {

  /**
   * The index in {@code candidates} of the guest to move.
   *
   * @param candidates the guests on one host that may move (none migrating), in configuration order; never
   *     empty
   * @param random the step's seeded stream: the only randomness a selection may use
   */
  int select(List<DataCentre.Guest> candidates, SplittableRandom random);
}
