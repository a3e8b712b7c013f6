package io.domsim.hypervisor;

import io.domsim.config.GuestSpec;
import io.domsim.kernel.SimTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reference for {@link HostRatesEquivalenceTest}: HostModel as it was before {@link HostRates}
 * (recompute runs the whole plain algorithm over the domains' objects at every change), with the plain
 * water-filling of CreditShares of that time. Test code only; do not change its arithmetic.
 */
final class PlainHostModel {
  public static final int DOM0 = 0;

  private final Hardware hardware;
  private final CostSettings costs;
  private final int dom0Vcpus;
  private final long dom0MemoryBytes;
  private final int dom0Weight;
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
  private double watts;
  private long lastNanos;
  private double dom0CoreSeconds;
  private double busyCoreSeconds;
  private double hypercallTotal;
  private double vmExitTotal;
  private double energyJoules;
  private long memoryUsedBytes;
  private boolean halted;

  PlainHostModel(Hardware hardware, CostSettings costs, int dom0Vcpus, long dom0MemoryBytes, int dom0Weight) {
    this.hardware = hardware;
    this.costs = costs;
    this.dom0Vcpus = dom0Vcpus;
    this.dom0MemoryBytes = dom0MemoryBytes;
    this.dom0Weight = dom0Weight;
    this.memoryUsedBytes = dom0MemoryBytes + costs.domainOverheadBytes();
    recompute(0);
  }

  public Hardware hardware() { return hardware; }
  public int dom0Vcpus() { return dom0Vcpus; }
  public List<Domain> guests() { return Collections.unmodifiableList(guests); }

  public Domain guest(int domid) {
    return byDomid.get(domid);
  }

  public Domain guest(String name) {
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
    if (hardware.cannotRun(spec.type()) != null) {
      throw new HypervisorException(Errno.ENODEV, spec.type().name() + " guest " + spec.name()
          + " cannot run here: " + hardware.cannotRun(spec.type()));
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
    setUnitCosts(d);
    guests.add(d);
    byDomid.put(d.domid, d);
    memoryUsedBytes += need;
    recompute(nowNanos);
    return d;
  }

  public Domain destroyDomain(int domid, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.accrue(nowNanos);
    guests.remove(d);
    byDomid.remove(domid);
    memoryUsedBytes -= footprint(d.spec);
    recompute(nowNanos);
    return d;
  }

  public void setState(int domid, DomainState state, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.state = state;
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
    recompute(nowNanos);
  }

  public void setLoadFactor(int domid, double factor, long nowNanos) {
    Domain d = require(domid);
    advanceTo(nowNanos);
    d.loadFactor = factor;
    recompute(nowNanos);
  }

  /** Dom0's migration work in cores on top of its base load (HostModel.setDom0MigrationWork). */
  private double dom0MigrationCores;

  /** Test addition: HostModel.setDom0MigrationWork, as its base load plus this many cores. */
  public void setDom0MigrationWork(double cyclesPerSecond, long nowNanos) {
    dom0MigrationCores = Math.max(0, cyclesPerSecond) / hardware.cyclesPerCoreSecond();
    if (halted) {
      return;
    }
    advanceTo(nowNanos);
    recompute(nowNanos);
  }

  /** Test addition: several load changes at one instant, then one recompute (HostModel.deferLoadFactor's meaning). */
  public void setLoadFactors(int[] domids, double[] factors, long nowNanos) {
    advanceTo(nowNanos);
    for (int i = 0; i < domids.length; i++) {
      require(domids[i]).loadFactor = factors[i];
    }
    recompute(nowNanos);
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
  }

  /**
   * SHADOW_OP_CLEAN: the number of pages dirty since the last clean (all of memory on the first), then
   * clear the log. {@code EINVAL} when log-dirty mode is off, as in Xen.
   */
  public long cleanDirtyLog(int domid, long nowNanos) {
    Domain d = require(domid);
    d.accrue(nowNanos);
    return requireLog(d).clean();
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
    for (Domain d : guests) {
      d.cpuCores = 0;
      d.workCores = 0;
      d.ioPerSecond = 0;
      d.hypercallsPerSecond = 0;
      d.vmExitsPerSecond = 0;
      d.dirtyWritesPerSecond = 0;
      d.requestCores = 0;
    }
    dom0Cores = 0;
    busyCores = 0;
    hypercallRate = 0;
    vmExitRate = 0;
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
    claims.clear();
    memoryUsedBytes = dom0MemoryBytes + costs.domainOverheadBytes();
    halted = false;
    recompute(nowNanos);
    return lost;
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
  }

  // Scratch arrays for recompute, grown as needed: recompute runs at every workload phase of every guest.
  private double[] compute = new double[8];
  private double[] attempt = new double[8];
  private double[] io = new double[8];
  private double[] satisfied = new double[8];
  private double[] demand = new double[9];
  private double[] weight = new double[9];
  private double[] uncapped = new double[9];
  private double[] grant = new double[9];

  private void ensureCapacity(int n) {
    if (compute.length < n) {
      int size = Math.max(n, compute.length * 2);
      compute = new double[size];
      attempt = new double[size];
      io = new double[size];
      satisfied = new double[size];
      demand = new double[size + 1];
      weight = new double[size + 1];
      uncapped = new double[size + 1];
      grant = new double[size + 1];
    }
  }

  /**
   * The common fraction {@code f} of every guest's I/O that Dom0 can serve when it is the bottleneck.
   * Guests size their demand for {@code f}; Dom0 asks for all the I/O work and so takes whatever the
   * guests leave (up to its vCPUs and its weighted share). {@code f} is the fixed point of
   * {@code servable(f) = f}, where {@code servable} is the fraction Dom0's grant covers: it falls as
   * {@code f} grows, since busier guests leave Dom0 less. Found by the Illinois variant of regula falsi,
   * a handful of allocations. Leaves {@code grant} and {@code satisfied} as allocated for the answer;
   * then {@code io = attempt × satisfied × f}.
   */
  private double dom0BoundFraction(int n, double base) {
    double a = 0;
    double fa = servableMinus(n, base, 0);
    double b = 1;
    double fb = servableMinus(n, base, 1);
    if (fa <= 0) {
      servableMinus(n, base, 0);
      return 0; // Dom0 cannot serve any I/O: its share does not exceed its own base load
    }
    if (fb >= 0) {
      return 1; // not Dom0-bound after all, once the guests' demands are sized consistently
    }
    int side = 0;
    for (int step = 0; step < 60 && b - a > 1e-9; step++) {
      double c = (a * fb - b * fa) / (fb - fa);
      if (!(c > a && c < b)) {
        c = (a + b) / 2;
      }
      double fc = servableMinus(n, base, c);
      if (fc >= 0) {
        a = c;
        fa = fc;
        if (side == 1) {
          fb /= 2; // Illinois: keep the stale end from stalling the secant
        }
        side = 1;
      } else {
        b = c;
        fb = fc;
        if (side == -1) {
          fa /= 2;
        }
        side = -1;
      }
    }
    servableMinus(n, base, a);
    return a;
  }

  /** Allocates with the guests sized for I/O fraction {@code f}; answers servable(f) − f. */
  private double servableMinus(int n, double base, double f) {
    double dom0Need = base;
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      uncapped[i + 1] = compute[i] * (1 + d.overhead) + attempt[i] * f * d.guestCoresPerIo;
      demand[i + 1] = Math.min(d.spec.vcpus(), uncapped[i + 1]);
      dom0Need += attempt[i] * d.dom0CoresPerIo;
    }
    demand[0] = Math.min(dom0Vcpus, dom0Need);
    plainAllocate(hardware.cores(), demand, weight, n + 1, grant);
    double perUnit = 0;
    for (int i = 0; i < n; i++) {
      // A guest's own share may hold its I/O back further; Dom0 only serves what is issued.
      satisfied[i] = uncapped[i + 1] > 0 ? Math.min(1, grant[i + 1] / uncapped[i + 1]) : 1;
      perUnit += attempt[i] * satisfied[i] * guests.get(i).dom0CoresPerIo;
    }
    double servable = perUnit > 0 ? Math.max(0, grant[0] - base) / perUnit : Double.MAX_VALUE;
    return Math.min(servable, 2) - f;
  }

  /** What each unit of a new domain's work costs, by its type and the host's hypervisor. */
  private void setUnitCosts(Domain d) {
    d.path = CostPath.of(d.type(), d.spec.workload(), hardware.kind(), costs, hardware.cyclesPerCoreSecond());
    d.overhead = d.path.overhead();
    d.guestCoresPerIo = d.path.guestCoresPerIo();
    d.dom0CoresPerIo = d.path.dom0CoresPerIo();
  }

  /**
   * Shares the cores out again and derives every domain's rates from its share. Called after the
   * integrals are up to {@code nowNanos}; a domain whose rates change is accrued first.
   */
  private void recompute(long nowNanos) {
    if (halted) {
      return; // a crashed machine runs nothing
    }
    int n = guests.size();
    ensureCapacity(n);
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      boolean running = d.state == DomainState.RUNNING;
      var w = d.spec.workload();
      // A throttled guest (auto-converge, post-copy faults) gets through less of everything it does.
      double speed = 1 - d.throttle;
      compute[i] = running ? Math.min(d.spec.vcpus(), w.cpu() * d.loadFactor * d.spec.vcpus()) * speed : 0;
      attempt[i] = running ? w.ioRate() * d.loadFactor * speed : 0;
      io[i] = attempt[i];
      weight[i + 1] = d.spec.weight();
    }
    weight[0] = dom0Weight;
    double base = Math.min(dom0Vcpus, (hardware.kind().hosted() ? costs.type2().hostBaseLoad() : costs.dom0BaseLoad())
        + dom0MigrationCores);
    // A guest's need (compute plus the CPU side of its I/O) is fixed; Dom0's depends on how much I/O
    // the guests manage to issue, which depends on their shares. Round 1 assumes every guest issues all
    // its I/O; if some guest is held back, round 2 asks Dom0 only for the I/O actually issued.
    double dom0Need = base;
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      uncapped[i + 1] = compute[i] * (1 + d.overhead) + attempt[i] * d.guestCoresPerIo;
      demand[i + 1] = Math.min(d.spec.vcpus(), uncapped[i + 1]);
      dom0Need += attempt[i] * d.dom0CoresPerIo;
    }
    for (int round = 0; round < 2; round++) {
      demand[0] = Math.min(dom0Vcpus, dom0Need);
      plainAllocate(hardware.cores(), demand, weight, n + 1, grant);
      boolean heldBack = false;
      dom0Need = base;
      for (int i = 0; i < n; i++) {
        satisfied[i] = uncapped[i + 1] > 0 ? Math.min(1, grant[i + 1] / uncapped[i + 1]) : 1;
        heldBack |= satisfied[i] < 1 && attempt[i] > 0;
        dom0Need += attempt[i] * satisfied[i] * guests.get(i).dom0CoresPerIo;
      }
      if (!heldBack) {
        break;
      }
    }
    // Dom0 serves the issued I/O as far as its share allows; every guest's I/O slows by the same factor.
    double dom0IoNeed = dom0Need - base;
    double theta = dom0IoNeed > 0 ? Math.min(1, Math.max(0, grant[0] - base) / dom0IoNeed) : 1;
    if (theta < 1) {
      // Dom0 is the bottleneck. Guests waiting on it leave CPU unused that Dom0 could take, so find the
      // largest common I/O fraction that Dom0's share can serve when every demand is sized for it.
      theta = dom0BoundFraction(n, base);
    }
    for (int i = 0; i < n; i++) {
      io[i] = attempt[i] * satisfied[i] * theta;
    }
    // Dom0 uses what its base load and the served I/O take, never more than it was granted.
    double dom0Work = base;
    for (int i = 0; i < n; i++) {
      dom0Work += io[i] * guests.get(i).dom0CoresPerIo;
    }
    dom0Cores = Math.min(grant[0], dom0Work);
    double busy = dom0Cores;
    double hc = Math.min(grant[0], base) * (hardware.kind().hosted() ? 0 : costs.dom0HypercallsPerCpuSecond());
    double exits = 0;
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      double cpu = Math.min(grant[i + 1], compute[i] * (1 + d.overhead) + io[i] * d.guestCoresPerIo);
      double work = Math.max(0, cpu - io[i] * d.guestCoresPerIo) / (1 + d.overhead);
      double progress = compute[i] > 0 ? work / compute[i] : (d.state == DomainState.RUNNING ? 1 : 0);
      double dirty = d.spec.workload().dirtyRate() * d.loadFactor * (1 - d.throttle) * Math.min(1, progress);
      CostPath p = d.path;
      double dHc = work * p.hypercallsPerWork() + io[i] * p.hypercallsPerIo();
      double dExits = work * p.exitsPerWork() + io[i] * p.exitsPerIo();
      hc += io[i] * p.backendHypercallsPerIo() * p.backendHypercallFactor();
      d.updateDemand(nowNanos); // what it asks moves only with its own load, throttle, state or log
      if (cpu != d.cpuCores || io[i] != d.ioPerSecond || dirty != d.dirtyWritesPerSecond || work != d.workCores) {
        d.accrue(nowNanos); // the old rates held until now
        d.cpuCores = cpu;
        d.workCores = work;
        d.ioPerSecond = io[i];
        d.dirtyWritesPerSecond = dirty;
        d.hypercallsPerSecond = dHc;
        d.vmExitsPerSecond = dExits;
      }
      busy += cpu;
      hc += dHc;
      exits += dExits;
    }
    busyCores = busy;
    hypercallRate = hc;
    vmExitRate = exits;
    watts = hardware.watts(busy / hardware.cores());
  }

  // ---- what an observer reads (node totals are as of the last advanceTo/integrate) ----

  public double busyCores() { return busyCores; }

  /** What the guests' I/O puts on the NIC now, in bits/s, both directions together. */
  public double guestNetworkBitsPerSecond() {
    double io = 0;
    for (Domain d : guests) {
      io += d.ioPerSecond;
    }
    return io * costs.networkBytesPerIo() * 8;
  }
  public double dom0Cores() { return dom0Cores; }

  /** The node's power draw now, in watts. */
  public double watts() { return watts; }
  public double dom0CoreSeconds() { return dom0CoreSeconds; }
  public double busyCoreSeconds() { return busyCoreSeconds; }
  public double energyJoules() { return energyJoules; }

  /** Hypercalls made on this node so far, Dom0's included. */
  public double hypercalls() { return hypercallTotal; }

  public double vmExits() { return vmExitTotal; }

  public double hypercallRate() { return hypercallRate; }

  public double vmExitRate() { return vmExitRate; }

  /** CreditShares.allocate as it was: a pass over all domains per round, skipping the satisfied ones. */
  static void plainAllocate(double capacity, double[] demand, double[] weight, int n, double[] grant) {
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
