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

  /** The same, over the first {@code n} entries, into {@code grant} (no allocation when undersubscribed). */
  public static void allocate(double capacity, double[] demand, double[] weight, int n, double[] grant) {
    double totalDemand = 0;
    for (int i = 0; i < n; i++) {
      totalDemand += demand[i];
    }
    if (totalDemand <= capacity) {
      System.arraycopy(demand, 0, grant, 0, n);
      return;
    }
    java.util.Arrays.fill(grant, 0, n, 0.0);
    boolean[] done = new boolean[n];
    double left = capacity;
    // Water-filling: a domain whose demand is below its weighted share is satisfied and leaves the
    // rest to the others; repeat until every remaining domain is limited by its share.
    int active = n;
    while (active > 0 && left > 1e-12) {
      double activeWeight = 0;
      for (int i = 0; i < n; i++) {
        if (!done[i]) {
          activeWeight += weight[i];
        }
      }
      boolean satisfiedSome = false;
      for (int i = 0; i < n; i++) {
        if (!done[i] && demand[i] - grant[i] <= left * weight[i] / activeWeight) {
          left -= demand[i] - grant[i];
          grant[i] = demand[i];
          done[i] = true;
          active--;
          satisfiedSome = true;
        }
      }
      if (!satisfiedSome) {
        for (int i = 0; i < n; i++) {
          if (!done[i]) {
            grant[i] += left * weight[i] / activeWeight;
          }
        }
        left = 0;
      }
    }
  }
}
