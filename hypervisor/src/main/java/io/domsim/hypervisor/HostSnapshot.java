package io.domsim.hypervisor;

import java.util.List;

/** Everything a hypervisor has accumulated up to {@code atNanos}: the material of the report. */
public record HostSnapshot(
    long atNanos, double busyCoreSeconds, double dom0CoreSeconds, double energyJoules, double hypercalls,
    double vmExits, long memoryUsedBytes, List<GuestTotals> guests, double fullSeconds)
    // SameMember: it goes from the hypervisor to its own node's Node and Dom0; a NodeSnapshot carries it on.
    implements io.domsim.kernel.serialization.SameMember {

  /** A snapshot of a node that never ran out of CPU. */
  public HostSnapshot(long atNanos, double busyCoreSeconds, double dom0CoreSeconds, double energyJoules,
      double hypercalls, double vmExits, long memoryUsedBytes, List<GuestTotals> guests) {
    this(atNanos, busyCoreSeconds, dom0CoreSeconds, energyJoules, hypercalls, vmExits, memoryUsedBytes, guests, 0);
  }

  public HostSnapshot {
    guests = List.copyOf(guests);
  }

  /**
   * One guest's domain here and its totals, which count for the guest wherever the domain is now.
   * {@code presence} says whether the domain is still here.
   */
  public record GuestTotals(
      String name, int domid, DomainState state, double cpuSeconds, double workSeconds, double ioCompleted,
      double hypercalls, double vmExits, Presence presence, Demand demand) {

    /** Totals without demand accounting (a domain that asked for nothing). */
    public GuestTotals(String name, int domid, DomainState state, double cpuSeconds, double workSeconds,
        double ioCompleted, double hypercalls, double vmExits, Presence presence) {
      this(name, domid, state, cpuSeconds, workSeconds, ioCompleted, hypercalls, vmExits, presence, Demand.NONE);
    }
  }

  /**
   * What a domain's workload asked of the CPU and did not get (core-seconds), the part of that while a
   * migration held it, and what it asks now (cores).
   */
  public record Demand(double requestSeconds, double unservedSeconds, double unservedMigratingSeconds,
      double requestCores) {
    public static final Demand NONE = new Demand(0, 0, 0, 0);
  }

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
