package io.domsim.hypervisor;

/**
 * How Xen's credit scheduler divides physical cores among domains, as a rate model: weighted max-min
 * fairness. Every domain gets at most its demand (itself at most its vCPU count); when the node is
 * oversubscribed, cores are shared in proportion to weight, and what a domain leaves unused goes to
 * the others (the credit scheduler is work-conserving unless a cap is set).
 */
public final class CreditShares {
  private CreditShares() {}

  /**
   * @param capacity physical cores available
   * @param demand cores each domain would use if unconstrained (already capped by its vCPUs)
   * @param weight credit weight of each domain (Xen's default is 256)
   * @return cores granted to each domain; the sum never exceeds {@code capacity}
   */
  public static double[] allocate(double capacity, double[] demand, double[] weight) {
    double[] grant = new double[demand.length];
    allocate(capacity, demand, weight, demand.length, grant);
    return grant;
  }

  /** The same, over the first {@code n} entries, into {@code grant}. */
  public static void allocate(double capacity, double[] demand, double[] weight, int n, double[] grant) {
    allocate(capacity, demand, weight, n, grant, new int[n]);
  }

  /**
   * The same with a scratch array of at least {@code n} entries, so that nothing is allocated (the
   * host model calls this at every workload phase). Answers the water level, the cores one unit of weight
   * gets (a domain not satisfied is granted {@code weight x level}, to rounding, less than its demand), or
   * {@link #ALL_SATISFIED} when every domain got its whole demand (the node is not oversubscribed).
   */
  static double allocate(double capacity, double[] demand, double[] weight, int n, double[] grant, int[] active) {
    double totalDemand = 0;
    for (int i = 0; i < n; i++) {
      totalDemand += demand[i];
    }
    if (totalDemand <= capacity) {
      System.arraycopy(demand, 0, grant, 0, n);
      return ALL_SATISFIED;
    }
    // Water-filling: a domain whose demand is below its weighted share is satisfied and leaves the
    // rest to the others; repeat until every remaining domain is limited by its share. The domains
    // still waiting are kept in index order in {@code active}.
    int m = 0;
    for (int i = 0; i < n; i++) {
      grant[i] = 0;
      active[m++] = i;
    }
    double left = capacity;
    while (m > 0 && left > 1e-12) {
      double activeWeight = 0;
      for (int k = 0; k < m; k++) {
        activeWeight += weight[active[k]];
      }
      // The arithmetic, and its order, is that of a pass over all domains skipping the satisfied ones
      // (the results must not move by a bit). A share is divided again only when what is left or the
      // weight changed: most domains share one weight and most are held to their share, so a pass divides a
      // few times instead of once a domain, and the same operands give the same bits.
      int kept = 0;
      double shareLeft = Double.NaN;
      double shareWeight = Double.NaN;
      double share = 0;
      for (int k = 0; k < m; k++) {
        int i = active[k];
        double w = weight[i];
        if (left != shareLeft || w != shareWeight) {
          shareLeft = left;
          shareWeight = w;
          share = left * w / activeWeight;
        }
        if (demand[i] <= share) {
          left -= demand[i];
          grant[i] = demand[i];
        } else {
          active[kept++] = i;
        }
      }
      if (kept == m) {
        for (int k = 0; k < m; k++) {
          int i = active[k];
          double w = weight[i];
          if (w != shareWeight) {
            shareWeight = w;
            share = left * w / activeWeight;
          }
          grant[i] += share;
        }
        return left / activeWeight;
      }
      m = kept;
    }
    return 0; // the domains still waiting share what is left, at most 1e-12 cores: nothing
  }

  /** {@link #allocate}'s answer when the node is not oversubscribed. */
  static final double ALL_SATISFIED = -1;
}
