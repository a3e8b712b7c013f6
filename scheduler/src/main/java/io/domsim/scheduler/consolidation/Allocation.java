package io.domsim.scheduler.consolidation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The working copy of a {@link DataCentre} during one step: which guest is where (a guest chosen to leave
 * is detached until it is placed), which hosts are on, and what each host's load would be. Hosts and guests
 * are numbered in configuration order; sums run in that order, so a load does not depend on the order of
 * the moves that led to it.
 *
 * <p>Memory: a guest placed on a host other than its own takes its footprint there; its own host gets
 * nothing back within the step (the memory is freed only when the migration completes). A guest migrating
 * now loads both its source and its destination, whose free memory already holds its reservation.
 */
public final class Allocation {
  private final DataCentre dataCentre;
  private final OverloadDetector detector;
  private final List<DataCentre.Host> hosts;
  private final List<DataCentre.Guest> guests;
  private final Map<String, Integer> hostIndex = new HashMap<>(); // lookups only, never iterated
  private final int[] original;
  private final int[] location;
  private final List<List<Integer>> located = new ArrayList<>();
  private final List<List<Integer>> incoming = new ArrayList<>();
  private final long[] freeMemory;
  private final double[] demand;
  private final double[] capacity;
  private final boolean[] on;
  private final boolean[] poweredOn;
  private int[] onHosts;
  /** Per host, its guests placed or incoming in index order; null when it changed (derived again on use). */
  private final int[][] loading;

  private final java.util.Set<String> keepOn;

  /** Hosts that stay on whatever their load. */
  public java.util.Set<String> keepOn() {
    return keepOn;
  }

  public Allocation(DataCentre dataCentre, OverloadDetector detector) {
    this.dataCentre = dataCentre;
    this.detector = detector;
    this.hosts = dataCentre.hosts();
    this.keepOn = dataCentre.keepOn();
    this.guests = dataCentre.guests();
    int n = hosts.size();
    freeMemory = new long[n];
    demand = new double[n];
    capacity = new double[n];
    on = new boolean[n];
    poweredOn = new boolean[n];
    loading = new int[n][];
    for (int h = 0; h < n; h++) {
      hostIndex.put(hosts.get(h).name(), h);
      freeMemory[h] = hosts.get(h).freeMemoryBytes();
      capacity[h] = hosts.get(h).capacityMhz();
      on[h] = hosts.get(h).power() == DataCentre.Power.ON;
      located.add(new ArrayList<>());
      incoming.add(new ArrayList<>());
    }
    original = new int[guests.size()];
    location = new int[guests.size()];
    for (int g = 0; g < guests.size(); g++) {
      DataCentre.Guest guest = guests.get(g);
      original[g] = hostIndex.get(guest.host());
      location[g] = original[g];
      located.get(original[g]).add(g); // ascending: guests come in index order
      if (guest.migrating()) {
        incoming.get(hostIndex.get(guest.migratingTo())).add(g);
      }
    }
    for (int h = 0; h < n; h++) {
      demand[h] = sumDemand(h, -1);
    }
    onHosts = indicesOn();
  }

  private int[] indicesOn() {
    int count = 0;
    for (boolean b : on) {
      count += b ? 1 : 0;
    }
    int[] result = new int[count];
    for (int h = 0, i = 0; h < on.length; h++) {
      if (on[h]) {
        result[i++] = h;
      }
    }
    return result;
  }

  public DataCentre dataCentre() {
    return dataCentre;
  }

  public int hostCount() {
    return hosts.size();
  }

  public DataCentre.Host host(int h) {
    return hosts.get(h);
  }

  public DataCentre.Guest guest(int g) {
    return guests.get(g);
  }

  public int hostIndex(String name) {
    Integer h = hostIndex.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host " + name);
    }
    return h;
  }

  /** On now: on in the view, or powered on in this step. */
  public boolean on(int h) {
    return on[h];
  }

  /** The hosts that are on now, ascending (do not modify): what a placement scans. */
  public int[] hostsOn() {
    return onHosts;
  }

  /** Off in the view and not yet powered on in this step. */
  public boolean canPowerOn(int h) {
    return hosts.get(h).power() == DataCentre.Power.OFF && !poweredOn[h];
  }

  public void powerOn(int h) {
    if (!canPowerOn(h)) {
      throw new IllegalStateException(hosts.get(h).name() + " is not off");
    }
    poweredOn[h] = true;
    on[h] = true;
    onHosts = indicesOn();
  }

  public boolean poweredOnThisStep(int h) {
    return poweredOn[h];
  }

  /** Where the guest is in this working copy; -1 while detached. */
  public int hostOf(int g) {
    return location[g];
  }

  /** Where the guest was in the view. */
  public int originalHostOf(int g) {
    return original[g];
  }

  /** The guests placed on {@code h} now (not those migrating to it), in configuration order. */
  public List<Integer> guestsOn(int h) {
    return Collections.unmodifiableList(located.get(h));
  }

  /** Whether a migration in flight lands on {@code h}. */
  public boolean hasIncoming(int h) {
    return !incoming.get(h).isEmpty();
  }

  /** Whether any guest is placed on or migrating to {@code h}. */
  public boolean hasGuests(int h) {
    return !located.get(h).isEmpty() || !incoming.get(h).isEmpty();
  }

  public long freeMemory(int h) {
    return freeMemory[h];
  }

  /** The CPU demand of the guests on and migrating to {@code h}, in MHz. */
  public double demandMhz(int h) {
    return demand[h];
  }

  public double utilisation(int h) {
    return demand[h] / capacity[h];
  }

  /**
   * The utilisation of {@code h} with guest {@code g} added. (The cached sum plus the guest's demand: it may
   * differ from {@link #loadWith}'s, summed in configuration order, in the last bit; it is only compared
   * with capacity and priced, and is as deterministic.)
   */
  public double utilisationWith(int h, int g) {
    return (demand[h] + guests.get(g).demandMhz()) / capacity[h];
  }

  /** Whether {@code g} could run on {@code h} as far as the host goes: HVM support, memory, CPU capacity. */
  public boolean fits(int g, int h) {
    DataCentre.Guest guest = guests.get(g);
    DataCentre.Host host = hosts.get(h);
    if (guest.hvm() && !host.hvmSupport()) {
      return false;
    }
    if (h != original[g] && host.footprint(guest) > freeMemory[h]) {
      return false;
    }
    return demand[h] + guest.demandMhz() <= capacity[h];
  }

  public HostLoad load(int h) {
    return load(h, -1);
  }

  public HostLoad loadWith(int h, int g) {
    return load(h, g);
  }

  public boolean overloaded(int h) {
    return detector.overloaded(load(h, -1));
  }

  public boolean overloadedWith(int h, int g) {
    return detector.overloaded(load(h, g));
  }

  /** Watts {@code h} would draw more with {@code g} than now (an off host counts from nothing). */
  public double powerIncrease(int h, int g) {
    PowerCurve curve = hosts.get(h).curve();
    double after = curve.watts(Math.min(1, utilisationWith(h, g)));
    return on(h) ? after - curve.watts(Math.min(1, utilisation(h))) : after;
  }

  /** Takes {@code g} off its host in this working copy (to be placed again). */
  public void detach(int g) {
    int h = location[g];
    if (h < 0) {
      throw new IllegalStateException(guests.get(g).name() + " is already detached");
    }
    if (guests.get(g).migrating()) {
      throw new IllegalStateException(guests.get(g).name() + " is migrating");
    }
    located.get(h).remove(Integer.valueOf(g));
    if (h != original[g]) {
      freeMemory[h] += hosts.get(h).footprint(guests.get(g));
    }
    location[g] = -1;
    loading[h] = null;
    demand[h] = sumDemand(h, -1);
  }

  /** Puts a detached {@code g} on {@code h}. */
  public void attach(int g, int h) {
    if (location[g] >= 0) {
      throw new IllegalStateException(guests.get(g).name() + " is not detached");
    }
    List<Integer> on = located.get(h);
    int at = Collections.binarySearch(on, g);
    on.add(-at - 1, g);
    if (h != original[g]) {
      freeMemory[h] -= hosts.get(h).footprint(guests.get(g));
    }
    location[g] = h;
    loading[h] = null;
    demand[h] = sumDemand(h, -1);
  }

  // ------------------------------------------------------------------ derived load

  /** The guests loading {@code h}, placed or incoming, plus {@code extra} if not negative, in index order. */
  private int[] contributors(int h, int extra) {
    int[] base = loading[h];
    if (base == null) {
      List<Integer> a = located.get(h);
      List<Integer> b = incoming.get(h);
      base = new int[a.size() + b.size()];
      int i = 0;
      for (int g : a) {
        base[i++] = g;
      }
      for (int g : b) {
        base[i++] = g;
      }
      if (!b.isEmpty()) {
        Arrays.sort(base);
      }
      loading[h] = base;
    }
    if (extra < 0) {
      return base;
    }
    int at = Arrays.binarySearch(base, extra);
    at = at < 0 ? -at - 1 : at;
    int[] all = new int[base.length + 1];
    System.arraycopy(base, 0, all, 0, at);
    all[at] = extra;
    System.arraycopy(base, at, all, at + 1, base.length - at);
    return all;
  }

  private double sumDemand(int h, int extra) {
    double sum = 0;
    for (int g : contributors(h, extra)) {
      sum += guests.get(g).demandMhz();
    }
    return sum;
  }

  private HostLoad load(int h, int extra) {
    DataCentre.Host host = hosts.get(h);
    int[] gs = contributors(h, extra);
    long maxMemory = 0;
    double now = 0;
    for (int g : gs) {
      DataCentre.Guest guest = guests.get(g);
      maxMemory = Math.max(maxMemory, guest.memoryBytes());
      now += guest.demandMhz();
    }
    double cap = capacity[h];
    return new HostLoad(now / cap, () -> history(gs, cap), maxMemory / host.migrationBytesPerSecond(),
        dataCentre.intervalSeconds());
  }

  /** The guests' histories summed, aligned at the most recent value, over the host's capacity. */
  private double[] history(int[] gs, double capacity) {
    int length = 0;
    for (int g : gs) {
      length = Math.max(length, Math.min(DataCentre.HISTORY_LENGTH, guests.get(g).historyNoCopy().length));
    }
    double[] history = new double[length];
    for (int g : gs) {
      double[] own = guests.get(g).historyNoCopy();
      int n = Math.min(length, own.length);
      for (int i = 0; i < n; i++) {
        history[length - n + i] += own[own.length - n + i];
      }
    }
    for (int i = 0; i < length; i++) {
      history[i] /= capacity;
    }
    return history;
  }
}
