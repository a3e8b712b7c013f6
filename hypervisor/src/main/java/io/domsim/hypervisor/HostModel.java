package io.domsim.hypervisor;

import io.domsim.config.GuestType;
import io.domsim.config.GuestSpec;
import io.domsim.config.PowerCurve;
import io.domsim.kernel.SimTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The functional core of one hypervisor: its domains, memory claims, how cores are shared and what
 * every operation costs. No actors and no clock of its own; the caller passes the simulated time.
 *
 * <p>Rates are recomputed whenever something changes (a domain created, paused, destroyed, or its load
 * changing) and integrated between changes, so the cost does not depend on how often anyone samples.
 * Load changes can be deferred ({@link #deferLoadFactor}): those of one instant are then applied together,
 * by one recompute, before the host is next read or changed.
 *
 * <p>The cost model: a guest's work turns into hypercalls (PV) or VM exits (HVM) at a per-busy-core
 * rate; each I/O costs guest cycles plus, for PV, frontend hypercalls and backend work in Dom0, and for
 * HVM, VM exits each handled by the device model in Dom0. Dom0 is a domain like the others for the
 * credit scheduler: when its share is not enough for the I/O work asked of it, every guest's I/O slows
 * down in proportion.
 */
public final class HostModel {
  public static final int DOM0 = 0;

  private final Hardware hardware;
  /** The hardware's cores and power curve, kept here: every recompute reads them. */
  private final double cores;
  private final PowerCurve power;
  private final CostSettings costs;
  private final int dom0Vcpus;
  private final long dom0MemoryBytes;
  private final HostRates rates;
  private final List<Domain> guests = new ArrayList<>(); // in domid order: deterministic iteration
  private final Map<Integer, Domain> byDomid = new HashMap<>(); // lookups only, never iterated
  private final Map<String, Long> claims = new TreeMap<>();
  private int nextDomid = 1;
  private DirtyLog.Factory dirtyLogFactory = DirtyLog.analytic();

  // Node-level rates, recomputed on every change, and their integrals.
  private double dom0Cores;
  private double busyCores;
  private double hypercallRate;
  private double vmExitRate;
  private double guestIoPerSecond;
  private double watts;
  private long lastNanos;
  private double dom0CoreSeconds;
  private double busyCoreSeconds;
  private double hypercallTotal;
  private double vmExitTotal;
  private double energyJoules;
  private double fullSeconds;
  private boolean full;
  private long memoryUsedBytes;
  private boolean halted;
  private LogDirtyCosts logDirtyCosts = LogDirtyCosts.NONE;
  /** A deferred change at {@link #pendingNanos} is not yet in the rates. */
  private boolean pending;
  private long pendingNanos;

  public HostModel(Hardware hardware, CostSettings costs, int dom0Vcpus, long dom0MemoryBytes, int dom0Weight) {
    this.hardware = hardware;
    this.cores = hardware.cores();
    this.power = hardware.power();
    this.costs = costs;
    this.dom0Vcpus = dom0Vcpus;
    this.dom0MemoryBytes = dom0MemoryBytes;
    this.rates = new HostRates(hardware.cores(), costs, hardware.kind(), dom0Vcpus, dom0Weight);
    this.memoryUsedBytes = dom0MemoryBytes + costs.domainOverheadBytes();
    rates.rebuild(guests);
    recompute(0);
  }

  public Hardware hardware() { return hardware; }
  public int dom0Vcpus() { return dom0Vcpus; }

  /** The guests in domid order, their rates up to date. */
  public List<Domain> guests() {
    settle();
    return Collections.unmodifiableList(guests);
  }

  /** How many guests the host holds. */
  public int guestCount() {
    return guests.size();
  }

  public Domain guest(int domid) {
    settle();
    return byDomid.get(domid);
  }

  public Domain guest(String name) {
    settle();
    for (Domain d : guests) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  // ---- memory ----

  /** Dom0, guests (with the hypervisor's per-domain state) and outstanding claims. */
  public long memoryUsedBytes() {
    return memoryUsedBytes;
  }

  public long memoryFreeBytes() {
    return hardware.memoryBytes() - memoryUsedBytes();
  }

  /** Memory a guest of this size takes, including the hypervisor's per-domain state. */
  public long footprint(GuestSpec spec) {
    return spec.memoryBytes() + costs.domainOverheadBytes();
  }

  /** XENMEM_claim_pages: set memory aside for a domain about to be built. False when it does not fit. */
  public boolean claim(String claimId, long bytes) {
    if (bytes < 0 || claims.containsKey(claimId) || bytes > memoryFreeBytes()) {
      return false;
    }
    claims.put(claimId, bytes);
    memoryUsedBytes += bytes;
    return true;
  }

  public boolean releaseClaim(String claimId) {
    Long bytes = claims.remove(claimId);
    if (bytes == null) {
      return false;
    }
    memoryUsedBytes -= bytes;
    return true;
  }

  public Map<String, Long> claims() {
    return Collections.unmodifiableMap(claims);
  }

  // ---- domain lifecycle (the caller has checked privilege) ----

  /**
   * Builds a domain, from a claim if {@code claimId} is not null. Returns the new domain, or throws
   * {@link HypervisorException} with the reason it cannot be built.
   */
  public Domain createDomain(GuestSpec spec, String claimId, boolean paused, long nowNanos) {
    // One rule for validate, placement, the toolstack and here (HypervisorKind.cannotRun): VT-x, and Xen's PV ABI.
    String cannot = hardware.cannotRun(spec.type());
    if (cannot != null) {
      throw new HypervisorException(Errno.ENODEV, spec.type().name() + " guest " + spec.name() + " cannot run here: "
          + cannot);
    }
    if (guest(spec.name()) != null) {
      throw new HypervisorException(Errno.EEXIST, "a domain named " + spec.name() + " already exists here");
    }
    long need = footprint(spec);
    long claimed = claimId == null ? 0 : claims.getOrDefault(claimId, 0L);
    if (claimId != null && !claims.containsKey(claimId)) {
      throw new HypervisorException(Errno.EINVAL, "no memory claim " + claimId);
    }
    if (need > memoryFreeBytes() + claimed) {
      throw new HypervisorException(Errno.ENOMEM, "guest " + spec.name() + " needs "
          + need + " bytes but only " + (memoryFreeBytes() + claimed) + " are free");
    }
    advanceTo(nowNanos);
    if (claimId != null) {
      releaseClaim(claimId);
    }
    Domain d = new Domain(nextDomid++, spec, paused ? DomainState.PAUSED : DomainState.RUNNING);
    d.accruedNanos = nowNanos;
    d.demandAccruedNanos = nowNanos;
    d.coresPerVcpu = spec.coresPerVcpu(hardware.ghz());
    setUnitCosts(d);
    guests.add(d);
    byDomid.put(d.domid, d);
    rates.rebuild(guests);
    memoryUsedBytes += need;
    recompute(nowNanos);
    return d;
  }

  public Domain destroyDomain(int domid, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.accrue(nowNanos);
    d.unfollow(); // its rates stay as they were when it left; its totals are final
    guests.remove(d);
    byDomid.remove(domid);
    rates.rebuild(guests);
    memoryUsedBytes -= footprint(d.spec);
    recompute(nowNanos);
    return d;
  }

  public void setState(int domid, DomainState state, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.state = state;
    rates.changed(d);
    recompute(nowNanos);
  }

  /** Caps a domain's vCPUs at {@code 1 - fraction} of their speed; 0 lifts the cap. */
  public void setThrottle(int domid, double fraction, long nowNanos) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new HypervisorException(Errno.EINVAL, "throttle must be in [0, 1), was " + fraction);
    }
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.throttle = fraction;
    rates.changed(d);
    recompute(nowNanos);
  }

  /**
   * Dom0's migration work from now on: the CPU its sender and receiver spend per page (mapping, copying, the
   * TCP stack), {@code cyclesPerSecond} at the rates its streams move now. It is Dom0's load like its base
   * load, so it competes with the backends' I/O work and with the guests for the cores.
   */
  public void setDom0MigrationWork(double cyclesPerSecond, long nowNanos) {
    double migrationCores = Math.max(0, cyclesPerSecond) / hardware.cyclesPerCoreSecond();
    if (halted) {
      rates.setDom0MigrationCores(migrationCores);
      return;
    }
    advanceTo(nowNanos);
    rates.setDom0MigrationCores(migrationCores);
    recompute(nowNanos);
  }

  /** A traced guest's busy fraction from now on (0..1). */
  public void setCpu(int domid, double cpu, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.cpu = cpu;
    rates.changed(d);
    recompute(nowNanos);
  }

  public void setLoadFactor(int domid, double factor, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.loadFactor = factor;
    rates.changed(d);
    recompute(nowNanos);
  }

  /**
   * {@link #setLoadFactor} for a guest's workload phase, deferred: the rates are recomputed when the host
   * is next read or changed, as of {@code nowNanos}, so that the changes of every guest at one instant
   * cost one recompute. Until then, the rates of a {@link Domain} held by the caller are those before
   * the change (anything obtained from this host afterwards is up to date).
   */
  public void deferLoadFactor(Domain d, double factor, long nowNanos) {
    if (d.slot >= guests.size() || guests.get(d.slot) != d) {
      throw new HypervisorException(Errno.ESRCH, "no domain " + d.domid + " (" + d.name() + ") here");
    }
    if (pending && pendingNanos != nowNanos) {
      settle();
    }
    advance(nowNanos);
    d.loadFactor = factor;
    rates.changed(d);
    if (!halted) {
      pending = true;
      pendingNanos = nowNanos;
    }
  }

  // ---- log-dirty mode (XEN_DOMCTL_SHADOW_OP_*) ----

  /**
   * Which dirty-page model {@link #enableLogDirty} gives a domain: {@link DirtyLog#analytic()} unless
   * set (tests set {@link DirtyLog#pageLevel} to check every page). Applies to logs enabled afterwards.
   */
  public void setDirtyLogFactory(DirtyLog.Factory factory) {
    this.dirtyLogFactory = java.util.Objects.requireNonNull(factory, "factory");
  }

  public DirtyLog.Factory dirtyLogFactory() {
    return dirtyLogFactory;
  }

  /**
   * SHADOW_OP_ENABLE_LOGDIRTY: from {@code nowNanos} on, the domain's writes go into a fresh log in which
   * every page starts dirty (the first clean returns all of memory: round 1 sends everything). Writes
   * before {@code nowNanos} do not count. Enabling again starts a fresh log.
   */
  public void enableLogDirty(int domid, long nowNanos) {
    Domain d = require(domid);
    d.accrue(nowNanos); // writes up to now belong to no log
    d.dirtyLog = dirtyLogFactory.create(d);
    d.updateDemand(nowNanos);
    // Every page is write-protected now: until the first clean, each of its writes may trap.
    d.logDirtySinceNanos = nowNanos;
    d.logDirtyCleaned = false;
    setLogDirtySlowdown(d, d.dirtyWritesPerSecond(), nowNanos);
  }

  /** What log-dirty tracking costs the guests it tracks (none unless set). */
  public void setLogDirtyCosts(LogDirtyCosts costs) {
    this.logDirtyCosts = java.util.Objects.requireNonNull(costs, "costs");
  }

  /** The guest loses what {@code pagesPerSecond} log-dirty faults take; nothing changes when that is the same. */
  private void setLogDirtySlowdown(Domain d, double pagesPerSecond, long nowNanos) {
    // PV tracks dirty pages with shadow page tables; the HVM container types (HVM, PVH, PVHVM) with EPT/PML.
    double slowdown = logDirtyCosts.slowdown(d.type() == GuestType.PV, pagesPerSecond, d.spec.vcpus(),
        hardware.cyclesPerCoreSecond());
    if (slowdown != d.logDirtySlowdown) {
      advanceTo(nowNanos);
      d.logDirtySlowdown = slowdown;
      rates.changed(d);
      recompute(nowNanos);
    }
  }

  /**
   * SHADOW_OP_CLEAN: the number of pages dirty since the last clean (all of memory on the first), then
   * clear the log. {@code EINVAL} when log-dirty mode is off, as in Xen.
   */
  public long cleanDirtyLog(int domid, long nowNanos) {
    Domain d = require(domid);
    d.accrue(nowNanos);
    DirtyLog log = requireLog(d);
    boolean first = !d.logDirtyCleaned;
    d.logDirtyCleaned = true;
    long pages = log.clean();
    // The pages just cleaned each trapped once since the last clean (the first clean returns every page the
    // guest has, not its faults): their rate stands for the faults until the next clean.
    long since = d.logDirtySinceNanos;
    d.logDirtySinceNanos = nowNanos;
    if (!first && nowNanos > since) {
      setLogDirtySlowdown(d, pages / ((nowNanos - since) / 1e9), nowNanos);
    }
    return pages;
  }

  /** SHADOW_OP_PEEK: what {@link #cleanDirtyLog} would return now, without clearing. */
  public long peekDirtyLog(int domid, long nowNanos) {
    Domain d = require(domid);
    d.accrue(nowNanos);
    return requireLog(d).peek();
  }

  /** SHADOW_OP_OFF: stop logging and drop the log; nothing happens when it is already off. */
  public void disableLogDirty(int domid, long nowNanos) {
    Domain d = require(domid);
    d.accrue(nowNanos);
    d.dirtyLog = null;
    d.updateDemand(nowNanos);
    setLogDirtySlowdown(d, 0, nowNanos);
  }

  private static DirtyLog requireLog(Domain d) {
    if (d.dirtyLog == null) {
      throw new HypervisorException(Errno.EINVAL, "log-dirty mode is off for domain " + d.domid
          + " (" + d.name() + "); enable it first (SHADOW_OP_ENABLE_LOGDIRTY)");
    }
    return d.dirtyLog;
  }

  /**
   * The machine has crashed: every integral stops at {@code nowNanos} and nothing runs or draws power
   * any more. The domains stay listed, so that the report can say what was lost.
   */
  public void halt(long nowNanos) {
    integrate(nowNanos);
    halted = true;
    rates.halted();
    for (Domain d : guests) {
      d.stopRates();
      d.requestCores = 0; // lost with the machine: nothing more is asked of it here
    }
    dom0Cores = 0;
    busyCores = 0;
    full = false;
    hypercallRate = 0;
    vmExitRate = 0;
    guestIoPerSecond = 0;
    watts = 0;
  }

  public boolean halted() {
    return halted;
  }

  /**
   * The crashed machine boots again at {@code nowNanos}, empty: Dom0 alone, no claims. The domains it held
   * at the crash leave it and are returned (they were lost; their totals still count for the report).
   * The node's integrals go on from where the crash left them (nothing accrued while it was off), and new
   * domains get domids never used here, so a domain of the old life cannot be mistaken for a new one.
   */
  public List<Domain> reboot(long nowNanos) {
    if (!halted) {
      throw new IllegalStateException("only a halted host can boot again");
    }
    integrate(nowNanos); // the rates are zero: this only moves the clocks of the integrals to now
    List<Domain> lost = new ArrayList<>(guests);
    guests.clear();
    byDomid.clear();
    rates.rebuild(guests);
    claims.clear();
    memoryUsedBytes = dom0MemoryBytes + costs.domainOverheadBytes();
    halted = false;
    recompute(nowNanos);
    return lost;
  }

  /**
   * The empty machine is switched off at {@code nowNanos}: nothing runs, and from now on it draws
   * {@code offWatts} (its BMC and the power supply's standby) until {@link #powerOn}.
   */
  public void powerOff(long nowNanos, double offWatts) {
    if (halted || !guests.isEmpty() || !claims.isEmpty()) {
      throw new IllegalStateException("only a running host without domains or claims can be switched off; this one"
          + (halted ? " is not running" : " holds " + guests.stream().map(d -> d.name() + " (" + d.state + ")").toList()
          + " and claims " + claims.keySet()));
    }
    halt(nowNanos);
    watts = offWatts;
  }

  /** The switched-off machine is on again at {@code nowNanos}: Dom0 alone, drawing power as it runs. */
  public void powerOn(long nowNanos) {
    if (!halted || !guests.isEmpty()) {
      throw new IllegalStateException("only a switched-off host can be switched on");
    }
    integrate(nowNanos); // up to now at the off draw
    halted = false;
    rates.rebuild(guests);
    recompute(nowNanos);
  }

  private Domain require(int domid) {
    Domain d = guest(domid);
    if (d == null) {
      throw new HypervisorException(Errno.ESRCH, "no domain " + domid);
    }
    return d;
  }

  // ---- rates and their integrals ----

  /**
   * Brings every integral up to {@code nowNanos}: the node's totals and each domain's. Sampling only
   * needs the node's totals ({@link #advanceTo}), which cost the same however many domains there are.
   */
  public void integrate(long nowNanos) {
    advanceTo(nowNanos);
    for (Domain d : guests) {
      d.accrue(nowNanos);
    }
  }

  /** Accumulates the node-level rates from the last change up to {@code nowNanos}. */
  public void advanceTo(long nowNanos) {
    settle();
    advance(nowNanos);
  }

  private void advance(long nowNanos) {
    if (nowNanos <= lastNanos) {
      return;
    }
    double dt = SimTime.toSeconds(nowNanos - lastNanos);
    lastNanos = nowNanos;
    dom0CoreSeconds += dom0Cores * dt;
    busyCoreSeconds += busyCores * dt;
    hypercallTotal += hypercallRate * dt;
    vmExitTotal += vmExitRate * dt;
    energyJoules += watts * dt;
    if (full) {
      fullSeconds += dt;
    }
  }

  /** What each unit of a new domain's work costs, by its type and this host's hypervisor ({@link CostPath}). */
  private void setUnitCosts(Domain d) {
    d.path = CostPath.of(d.type(), d.spec.workload(), hardware.kind(), costs, hardware.cyclesPerCoreSecond());
    d.overhead = d.path.overhead();
    d.guestCoresPerIo = d.path.guestCoresPerIo();
    d.dom0CoresPerIo = d.path.dom0CoresPerIo();
  }

  /**
   * Shares the cores out again and derives every domain's rates from its share ({@link HostRates}).
   * Called after the integrals are up to {@code nowNanos}; a domain whose rates change is accrued first.
   */
  private void recompute(long nowNanos) {
    if (halted) {
      return; // a crashed machine runs nothing
    }
    rates.recompute(nowNanos);
    dom0Cores = rates.dom0Cores;
    busyCores = rates.busyCores;
    hypercallRate = rates.hypercallRate;
    vmExitRate = rates.vmExitRate;
    guestIoPerSecond = rates.guestIoPerSecond;
    full = busyCores >= cores * (1 - 1e-9);
    watts = power.watts(busyCores / cores);
  }

  /**
   * Applies the deferred changes ({@link #deferLoadFactor}) now, as of their instant. The caller knows no
   * other change can come at that instant; the rates are those a later read would have computed (nothing
   * changes the host in between without settling it first), and they are computed while the changed guest's
   * data is still in the caches.
   */
  public void applyDeferred() {
    settle();
  }

  /** Recomputes a deferred change ({@link #deferLoadFactor}) as of its instant, before anything reads or changes the host. */
  private void settle() {
    if (pending) {
      pending = false;
      recompute(pendingNanos);
    }
  }

  /** Time the node's CPU was saturated (every core busy): SLATAH's numerator. */
  public double fullSeconds() {
    return fullSeconds;
  }

  // ---- what an observer reads (node totals are as of the last advanceTo/integrate) ----

  public double busyCores() {
    settle();
    return busyCores;
  }

  /** What the guests' I/O puts on the NIC now, in bits/s, both directions together. */
  public double guestNetworkBitsPerSecond() {
    settle();
    return guestIoPerSecond * costs.networkBytesPerIo() * 8;
  }

  double hypercallRate() {
    settle();
    return hypercallRate;
  }

  double vmExitRate() {
    settle();
    return vmExitRate;
  }

  /** The rate engine, for tests. */
  HostRates rates() {
    return rates;
  }

  public double dom0Cores() {
    settle();
    return dom0Cores;
  }

  /** The node's power draw now, in watts. */
  public double watts() {
    settle();
    return watts;
  }
  public double dom0CoreSeconds() { return dom0CoreSeconds; }
  public double busyCoreSeconds() { return busyCoreSeconds; }
  public double energyJoules() { return energyJoules; }

  /** Hypercalls made on this node so far, Dom0's included. */
  public double hypercalls() { return hypercallTotal; }

  public double vmExits() { return vmExitTotal; }
}
