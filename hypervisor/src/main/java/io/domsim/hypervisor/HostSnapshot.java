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
   * One guest's domain here and its totals, which count for the guest wherever the domain is now.
   * {@code presence} says whether the domain is still here.
   */
  public record GuestTotals(
      String name, int domid, DomainState state, double cpuSeconds, double workSeconds, double ioCompleted,
      double hypercalls, double vmExits, Presence presence) {}

  /** Where a domain of this host is now. */
  public enum Presence {
    /** On the host, running or paused. */
    HERE,
    /** Destroyed here: it migrated away, or its migration was given up. */
    DEPARTED,
    /** On the host when it crashed: lost with it (listed until the end, also after the host boots again). */
    CRASHED
  }
}
