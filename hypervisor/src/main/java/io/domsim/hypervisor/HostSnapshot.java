package io.domsim.hypervisor;

import java.util.List;

/** Everything a hypervisor has accumulated up to {@code atNanos}: the material of the report. */
public record HostSnapshot(
    long atNanos, double busyCoreSeconds, double dom0CoreSeconds, double energyJoules, double hypercalls,
    double vmExits, long memoryUsedBytes, List<GuestTotals> guests) {

  public HostSnapshot {
    guests = List.copyOf(guests);
  }

  /**
   * One guest's totals. {@code departed} marks a domain that was destroyed here (it migrated away or
   * was lost): its totals still count for the guest.
   */
  public record GuestTotals(
      String name, int domid, DomainState state, double cpuSeconds, double workSeconds, double ioCompleted,
      double hypercalls, double vmExits, boolean departed) {}
}
