package io.domsim.scheduler.consolidation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one consolidation step sees: every host and every running guest, each list in configuration order
 * (ties in every decision go to the earlier one), and the length of the step.
 *
 * <p>A host's CPU history is not given: it is derived from the histories of the guests it holds (their
 * demand over the host's capacity, aligned at the most recent interval), as CloudSim 3.0.3 derives it
 * ({@code PowerHostUtilizationHistory}). Only that form can be recomputed for the hypothetical hosts the
 * policies judge: a host a guest has left, a host a guest would go to. A guest's history follows it from
 * host to host. At most the last {@link #HISTORY_LENGTH} values are used.
 *
 * @param hosts every host, in configuration order
 * @param guests every guest that exists now (running, paused or migrating), in configuration order
 * @param intervalSeconds the time between two history values (the consolidation interval)
 * @param keepOn hosts that stay on whatever their load (the pool master's): never emptied nor switched off,
 *     though they take and give guests like any host
 */
public record DataCentre(List<Host> hosts, List<Guest> guests, double intervalSeconds, Set<String> keepOn) {

  /** A data centre where any host may be switched off. */
  public DataCentre(List<Host> hosts, List<Guest> guests, double intervalSeconds) {
    this(hosts, guests, intervalSeconds, Set.of());
  }

  /** History values a policy looks at, the most recent ones: CloudSim's {@code PowerVm.HISTORY_LENGTH}. */
  public static final int HISTORY_LENGTH = 30;

  /** Whether a host takes guests: on; off (may be powered on); or neither (booting, shutting down, failed). */
  public enum Power { ON, OFF, UNAVAILABLE }

  /**
   * One host.
   *
   * @param name the node's name
   * @param cores physical cores
   * @param mhzPerCore the speed of one core
   * @param memoryBytes physical memory
   * @param freeMemoryBytes memory not taken by Dom0, guests or reservations (an incoming migration's included)
   * @param domainOverheadBytes what the hypervisor takes per domain on top of the guest's memory
   * @param hvmSupport whether HVM guests can run here
   * @param power whether it is on
   * @param curve its power draw by CPU utilisation
   * @param migrationBytesPerSecond the rate a migration from here gets, for the longest migration time the
   *     regression detectors look ahead by (CloudSim: half the NIC)
   */
  public record Host(String name, int cores, double mhzPerCore, long memoryBytes, long freeMemoryBytes,
      long domainOverheadBytes, boolean hvmSupport, Power power, PowerCurve curve, double migrationBytesPerSecond) {

    public Host {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(power, "power");
      Objects.requireNonNull(curve, "curve");
      if (cores <= 0 || !(mhzPerCore > 0) || !Double.isFinite(mhzPerCore)) {
        throw new IllegalArgumentException("host " + name + ": cores and MHz must be positive");
      }
      if (memoryBytes < 0 || domainOverheadBytes < 0) {
        throw new IllegalArgumentException("host " + name + ": memory must not be negative");
      }
      if (!(migrationBytesPerSecond > 0) || !Double.isFinite(migrationBytesPerSecond)) {
        throw new IllegalArgumentException("host " + name + ": migration rate must be positive");
      }
    }

    /** All cores at full speed. */
    public double capacityMhz() {
      return cores * mhzPerCore;
    }

    /** What a guest takes of the free memory here. */
    public long footprint(Guest guest) {
      return guest.memoryBytes() + domainOverheadBytes;
    }
  }

  /**
   * One guest.
   *
   * @param name the guest's name
   * @param host where it runs now (the source while it migrates)
   * @param memoryBytes its memory
   * @param hvm whether it needs HVM support
   * @param capacityMhz the most it can ask for (vCPUs x their speed): its utilisation is demand over this
   * @param demandMhz its CPU demand now
   * @param history its CPU demand in MHz, one value per interval, oldest first, the last one the interval that
   *     just ended; shorter for a guest that has not existed long
   * @param migratingTo the destination of its migration in flight, or null: such a guest is never chosen, and
   *     loads both hosts until it lands
   */
  public record Guest(String name, String host, long memoryBytes, boolean hvm, double capacityMhz, double demandMhz,
      double[] history, String migratingTo) {

    public Guest {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(host, "host");
      history = history.clone();
      if (memoryBytes < 0 || !(capacityMhz > 0) || !(demandMhz >= 0) || !Double.isFinite(demandMhz)) {
        throw new IllegalArgumentException("guest " + name + ": memory, capacity and demand must be non-negative"
            + " and the capacity positive");
      }
      for (double v : history) {
        if (!(v >= 0) || !Double.isFinite(v)) {
          throw new IllegalArgumentException("guest " + name + ": history values must be finite and >= 0");
        }
      }
    }

    /** A guest that is not migrating. */
    public static Guest running(String name, String host, long memoryBytes, double capacityMhz, double demandMhz,
        double... history) {
      return new Guest(name, host, memoryBytes, false, capacityMhz, demandMhz, history, null);
    }

    public boolean migrating() {
      return migratingTo != null;
    }

    /** Its demand over its capacity. */
    public double utilisation() {
      return demandMhz / capacityMhz;
    }

    /** The history, oldest first (a copy). */
    @Override
    public double[] history() {
      return history.clone();
    }

    double[] historyNoCopy() {
      return history;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Guest g && name.equals(g.name) && host.equals(g.host) && memoryBytes == g.memoryBytes
          && hvm == g.hvm && capacityMhz == g.capacityMhz && demandMhz == g.demandMhz
          && Arrays.equals(history, g.history) && Objects.equals(migratingTo, g.migratingTo);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, host, memoryBytes, demandMhz, Arrays.hashCode(history), migratingTo);
    }

    @Override
    public String toString() {
      return "Guest[" + name + " on " + host + (migrating() ? " -> " + migratingTo : "") + ", " + memoryBytes
          + " B, " + demandMhz + "/" + capacityMhz + " MHz, history " + Arrays.toString(history) + "]";
    }
  }

  public DataCentre {
    hosts = List.copyOf(hosts);
    guests = List.copyOf(guests);
    keepOn = Set.copyOf(keepOn);
    if (!(intervalSeconds > 0) || !Double.isFinite(intervalSeconds)) {
      throw new IllegalArgumentException("the interval must be positive, got " + intervalSeconds);
    }
    Map<String, Host> byName = new HashMap<>();
    for (Host h : hosts) {
      if (byName.put(h.name(), h) != null) {
        throw new IllegalArgumentException("two hosts are named " + h.name());
      }
    }
    Map<String, Guest> guestNames = new HashMap<>();
    for (Guest g : guests) {
      if (guestNames.put(g.name(), g) != null) {
        throw new IllegalArgumentException("two guests are named " + g.name());
      }
      Host on = byName.get(g.host());
      if (on == null) {
        throw new IllegalArgumentException("guest " + g.name() + " is on " + g.host() + ", which is not a host");
      }
      if (on.power() == Power.OFF) {
        throw new IllegalArgumentException("guest " + g.name() + " is on " + g.host() + ", which is off");
      }
      if (g.migrating() && (!byName.containsKey(g.migratingTo()) || g.migratingTo().equals(g.host()))) {
        throw new IllegalArgumentException("guest " + g.name() + " migrates to " + g.migratingTo()
            + ", which is not another host");
      }
    }
  }

  /** The guests on {@code host} (not those migrating to it), in configuration order. */
  public List<Guest> guestsOn(String host) {
    List<Guest> on = new ArrayList<>();
    for (Guest g : guests) {
      if (g.host().equals(host)) {
        on.add(g);
      }
    }
    return on;
  }
}
