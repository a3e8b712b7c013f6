package io.domsim.scheduler.consolidation;

import java.util.List;

/**
 * The guest selection policies of Beloglazov and Buyya 2012, section 7. Ties go to the earlier guest in
 * configuration order.
 */
public final class GuestSelections {
  private GuestSelections() {}

  /**
   * MMT, minimum migration time: the guest with the least memory. The paper divides memory by the host's
   * spare bandwidth, the same for every guest of one host, so the order is the memory's (as in CloudSim).
   */
  public static final GuestSelection MINIMUM_MIGRATION_TIME = (candidates, random) -> {
    int best = 0;
    for (int i = 1; i < candidates.size(); i++) {
      if (candidates.get(i).memoryBytes() < candidates.get(best).memoryBytes()) {
        best = i;
      }
    }
    return best;
  };

  /** MU, minimum utilisation: the guest using the least of its own CPU capacity now (as in CloudSim). */
  public static final GuestSelection MINIMUM_UTILISATION = (candidates, random) -> {
    int best = 0;
    for (int i = 1; i < candidates.size(); i++) {
      if (candidates.get(i).utilisation() < candidates.get(best).utilisation()) {
        best = i;
      }
    }
    return best;
  };

  /** RS, random selection: uniformly, from the step's seeded stream. */
  public static final GuestSelection RANDOM = (candidates, random) -> random.nextInt(candidates.size());

  /**
   * MC, maximum correlation: the guest whose CPU history the other guests' histories explain best, by the
   * R^2 of the multiple regression of its history on theirs (the paper's multiple correlation coefficient,
   * squared), over the most recent values all of them have. Falls back to MMT when R^2 is not determined for
   * every guest (a lone guest, too short a history, a constant one, dependent regressors).
   */
  public static final GuestSelection MAXIMUM_CORRELATION = (candidates, random) -> {
    int n = candidates.size();
    if (n < 2) {
      return MINIMUM_MIGRATION_TIME.select(candidates, random);
    }
    double[][] histories = commonRecentHistory(candidates);
    int best = -1;
    double bestR2 = 0;
    for (int i = 0; i < n; i++) {
      double[][] others = new double[n - 1][];
      for (int j = 0, k = 0; j < n; j++) {
        if (j != i) {
          others[k++] = histories[j];
        }
      }
      double r2 = ConsolidationMath.rSquared(histories[i], others);
      if (Double.isNaN(r2)) {
        return MINIMUM_MIGRATION_TIME.select(candidates, random);
      }
      if (best < 0 || r2 > bestR2) {
        best = i;
        bestR2 = r2;
      }
    }
    return best;
  };

  /** Each guest's last m history values (at most {@link DataCentre#HISTORY_LENGTH}), m the shortest length. */
  private static double[][] commonRecentHistory(List<DataCentre.Guest> guests) {
    int m = DataCentre.HISTORY_LENGTH;
    for (DataCentre.Guest g : guests) {
      m = Math.min(m, g.historyNoCopy().length);
    }
    double[][] h = new double[guests.size()][];
    for (int i = 0; i < guests.size(); i++) {
      double[] all = guests.get(i).historyNoCopy();
      h[i] = java.util.Arrays.copyOfRange(all, all.length - m, all.length);
    }
    return h;
  }
}
