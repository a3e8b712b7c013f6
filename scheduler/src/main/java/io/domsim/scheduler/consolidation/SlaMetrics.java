package io.domsim.scheduler.consolidation;

import java.util.List;

/**
 * The SLA metrics of Beloglazov and Buyya 2012 (section 5.3), from what a run measured:
 *
 * <ul>
 *   <li>SLATAH, SLA violation time per active host: the fraction of a host's active time during which it was
 *       at 100% CPU (its guests asked for more than it had), averaged over the hosts;
 *   <li>PDM, performance degradation due to migrations: the CPU demand a guest did not get because it was
 *       migrating, over the demand it made, averaged over the guests;
 *   <li>SLAV = SLATAH x PDM; ESV = energy x SLAV.
 * </ul>
 *
 * <p>The paper averages the ratios ({@link #paper}); CloudSim 3.0.3, whose figures the reference quotes,
 * pools them, dividing total violation time by total active time and total unserved demand by total demand
 * ({@link #pooled}): a host active for five minutes then weighs less than one active all day. Both are here so
 * that a report can say which it shows. A host never active, or a guest that never asked for CPU, has no
 * ratio and is left out of the paper's means; with nothing to measure, a metric is 0.
 */
public final class SlaMetrics {
  private SlaMetrics() {}

  /**
   * One host over the run.
   *
   * @param activeSeconds time switched on
   * @param fullSeconds time, within that, at 100% CPU (demand above capacity)
   */
  public record HostTime(double activeSeconds, double fullSeconds) {
    public HostTime {
      if (!(activeSeconds >= 0) || !(fullSeconds >= 0) || fullSeconds > activeSeconds) {
        throw new IllegalArgumentException("need 0 <= full <= active, got " + fullSeconds + " of " + activeSeconds);
      }
    }
  }

  /**
   * One guest over the run, as CPU demand integrated over time (MHz x s, or any one unit).
   *
   * @param requested what it asked for
   * @param unserved what it asked for and did not get, for any reason
   * @param unservedMigrating the part of {@code unserved} lost while it was migrating
   */
  public record GuestDemand(double requested, double unserved, double unservedMigrating) {
    public GuestDemand {
      if (!(requested >= 0) || !(unserved >= 0) || !(unservedMigrating >= 0) || unserved > requested
          || unservedMigrating > unserved) {
        throw new IllegalArgumentException("need 0 <= unserved while migrating <= unserved <= requested, got "
            + unservedMigrating + ", " + unserved + ", " + requested);
      }
    }
  }

  /** SLATAH, PDM, SLAV = SLATAH x PDM and ESV = energy x SLAV, all fractions (x 100 for percent). */
  public record Sla(double slatah, double pdm, double slav, double esv) {}

  /** The paper's definitions: means of the per-host and per-guest ratios. */
  public static Sla paper(List<HostTime> hosts, List<GuestDemand> guests, double energyKwh) {
    return sla(slatah(hosts), pdm(guests), energyKwh);
  }

  /** CloudSim 3.0.3's ({@code examples.power.Helper}): ratios of the totals. */
  public static Sla pooled(List<HostTime> hosts, List<GuestDemand> guests, double energyKwh) {
    return sla(slatahPooled(hosts), pdmPooled(guests), energyKwh);
  }

  /** (1/N) sum of T_s,i / T_a,i over the hosts that were active. */
  public static double slatah(List<HostTime> hosts) {
    double sum = 0;
    int n = 0;
    for (HostTime h : hosts) {
      if (h.activeSeconds() > 0) {
        sum += h.fullSeconds() / h.activeSeconds();
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  /** sum T_s,i / sum T_a,i. */
  public static double slatahPooled(List<HostTime> hosts) {
    double full = 0;
    double active = 0;
    for (HostTime h : hosts) {
      full += h.fullSeconds();
      active += h.activeSeconds();
    }
    return active > 0 ? full / active : 0;
  }

  /** (1/M) sum of C_d,j / C_r,j over the guests that asked for CPU. */
  public static double pdm(List<GuestDemand> guests) {
    double sum = 0;
    int m = 0;
    for (GuestDemand g : guests) {
      if (g.requested() > 0) {
        sum += g.unservedMigrating() / g.requested();
        m++;
      }
    }
    return m == 0 ? 0 : sum / m;
  }

  /** sum C_d,j / sum C_r,j. */
  public static double pdmPooled(List<GuestDemand> guests) {
    double lost = 0;
    double requested = 0;
    for (GuestDemand g : guests) {
      lost += g.unservedMigrating();
      requested += g.requested();
    }
    return requested > 0 ? lost / requested : 0;
  }

  /** The overall SLA violation: all demand not served, for any reason, over all demand (CloudSim's "overall"). */
  public static double overall(List<GuestDemand> guests) {
    double lost = 0;
    double requested = 0;
    for (GuestDemand g : guests) {
      lost += g.unserved();
      requested += g.requested();
    }
    return requested > 0 ? lost / requested : 0;
  }

  private static Sla sla(double slatah, double pdm, double energyKwh) {
    double slav = slatah * pdm;
    return new Sla(slatah, pdm, slav, energyKwh * slav);
  }
}
