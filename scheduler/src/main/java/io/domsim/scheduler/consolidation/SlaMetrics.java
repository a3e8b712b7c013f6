package io.domsim.scheduler.consolidation;

import java.util.List;
import java.util.function.ToDoubleFunction;

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
    return meanOfRatios(hosts, HostTime::fullSeconds, HostTime::activeSeconds);
  }

  /** sum T_s,i / sum T_a,i. */
  public static double slatahPooled(List<HostTime> hosts) {
    return ratioOfSums(hosts, HostTime::fullSeconds, HostTime::activeSeconds);
  }

  /** (1/M) sum of C_d,j / C_r,j over the guests that asked for CPU. */
  public static double pdm(List<GuestDemand> guests) {
    return meanOfRatios(guests, GuestDemand::unservedMigrating, GuestDemand::requested);
  }

  /** sum C_d,j / sum C_r,j. */
  public static double pdmPooled(List<GuestDemand> guests) {
    return ratioOfSums(guests, GuestDemand::unservedMigrating, GuestDemand::requested);
  }

  /** The paper's form: the mean of each item's ratio, over the items whose denominator is positive (0 if none). */
  private static <T> double meanOfRatios(List<T> items, ToDoubleFunction<T> part, ToDoubleFunction<T> whole) {
    double sum = 0;
    int n = 0;
    for (T t : items) {
      double w = whole.applyAsDouble(t);
      if (w > 0) {
        sum += part.applyAsDouble(t) / w;
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  /** CloudSim's form: the ratio of the totals (0 when the total is not positive). */
  private static <T> double ratioOfSums(List<T> items, ToDoubleFunction<T> part, ToDoubleFunction<T> whole) {
    double parts = 0;
    double wholes = 0;
    for (T t : items) {
      parts += part.applyAsDouble(t);
      wholes += whole.applyAsDouble(t);
    }
    return wholes > 0 ? parts / wholes : 0;
  }

  /** The overall SLA violation: all demand not served, for any reason, over all demand (CloudSim's "overall"). */
  public static double overall(List<GuestDemand> guests) {
    return ratioOfSums(guests, GuestDemand::unserved, GuestDemand::requested);
  }


  private static Sla sla(double slatah, double pdm, double energyKwh) {
    double slav = slatah * pdm;
    return new Sla(slatah, pdm, slav, energyKwh * slav);
  }
}
