package io.domsim.hypervisor;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;

/**
 * One domain as the hypervisor sees it: its reservation of vCPUs and memory, its state, its current
 * rates and what it has accumulated. Mutable, owned by one {@link HostModel}.
 */
public final class Domain {
  final int domid;
  final GuestSpec spec;
  /** {@code spec.vcpus()}, kept here: the request is derived at every change of load, and the spec is elsewhere in memory. */
  private final int vcpus;
  DomainState state;
  /** Multiplies the workload's mean load; redrawn at each workload phase. */
  double loadFactor = 1.0;
  /** The busy fraction of its vCPUs: the workload's cpu, or a traced guest's current value. */
  double cpu;
  /** Host cores one busy vCPU takes here ({@link GuestSpec#coresPerVcpu}); fixed at creation. */
  double coresPerVcpu = 1.0;
  /** Share of its speed taken away from the guest (auto-converge, post-copy page faults): 0..1. */
  double throttle;

  // Rates, recomputed whenever something on the host changes.
  double cpuCores;
  double workCores;
  double ioPerSecond;
  double hypercallsPerSecond;
  double vmExitsPerSecond;
  double dirtyWritesPerSecond;
  /**
   * Cores the guest's workload asks for now, whatever it is granted: its load while it runs, and while it
   * is held for a migration (log-dirty on, or throttled) even when paused for the stop-and-copy.
   */
  double requestCores;
  /** Whether a migration holds it now (log-dirty mode or a throttle): its unserved demand counts as the migration's. */
  boolean migrating;

  // Integrals since creation.
  double cpuSeconds;
  double workSeconds;
  double ioCompleted;
  double hypercalls;
  double vmExits;
  /** Core-seconds asked for; of them, not served; of those, not served while a migration held the guest. */
  double requestSeconds;
  double unservedSeconds;
  double unservedMigratingSeconds;

  /** Log-dirty mode: the dirty log while it is on, null when off (see HostModel.enableLogDirty). */
  DirtyLog dirtyLog;

  /** Up to when the integrals above are accrued; they are brought up to date lazily, when rates change. */
  long accruedNanos;
  /** Up to when the demand's integrals are accrued ({@link #accrueDemand}). */
  long demandAccruedNanos;

  /** Its index among its host's guests (domid order), kept by HostRates. */
  int slot;
  /**
   * While not null, its rates, request and integrals (the fields from {@code cpuCores} to
   * {@code demandAccruedNanos} above, but the dirty log) live in that HostRates' arrays, contiguous with its
   * host's other guests', and these fields are a copy brought up to date by {@link #sync} (every getter
   * does; see HomeSlots). Null when these
   * fields are current (a domain in log-dirty mode, on a halted host, destroyed, or in PlainHostModel).
   */
  HomeSlots home;

  // What one unit of this domain's work costs, fixed at creation (see HostModel.recompute).
  double overhead;
  double guestCoresPerIo;
  double dom0CoresPerIo;

  Domain(int domid, GuestSpec spec, DomainState state) {
    this.domid = domid;
    this.spec = spec;
    this.state = state;
    this.cpu = spec.workload().cpu();
    this.vcpus = spec.vcpus();
  }

  /**
   * Adds what the workload asked and was not granted since the demand's last accrual. Kept apart from
   * {@link #accrue}'s clock, so that a change of the request alone (a capped guest asking more) does not
   * split the other integrals' intervals, which would move their last bits.
   */
  void accrueDemand(long nowNanos) {
    detached();
    if (nowNanos <= demandAccruedNanos) {
      return;
    }
    double dt = (nowNanos - demandAccruedNanos) / 1e9;
    demandAccruedNanos = nowNanos;
    if (requestCores > 0) {
      requestSeconds += requestCores * dt;
      double unserved = Math.max(0, requestCores - workCores) * dt;
      unservedSeconds += unserved;
      if (migrating) {
        unservedMigratingSeconds += unserved;
      }
    }
  }

  /**
   * Brings what the workload asks now, and whether a migration holds it (log-dirty on or throttled), up to
   * date after a change, the demand accrued first under the old ones. It asks while it runs, and while a
   * migration holds it, paused or not (its downtime is unserved demand); before any share or throttle.
   */
  void updateDemand(long nowNanos) {
    detached();
    boolean held = dirtyLog != null || throttle > 0;
    boolean asks = state == DomainState.RUNNING || held;
    double request = asks ? Math.min(vcpus, cpu * loadFactor * vcpus * coresPerVcpu) : 0;
    if (request != requestCores || held != migrating) {
      accrueDemand(nowNanos);
      requestCores = request;
      migrating = held;
    }
  }

  /** The fields here are current only while no HostRates holds them: accruing them then would lose its work. */
  private void detached() {
    if (home != null) {
      throw new IllegalStateException("domain " + domid + " (" + name() + ") is accrued in its host's arrays");
    }
  }

  /** Brings the rates and integrals here up to date from its host's arrays (nothing when they are current). */
  void sync() {
    if (home != null) {
      home.writeBack(this);
    }
  }

  /** Adds what the current rates produced since the last accrual, up to {@code nowNanos}. */
  void accrue(long nowNanos) {
    accrueDemand(nowNanos);
    if (nowNanos <= accruedNanos) {
      return;
    }
    double dt = (nowNanos - accruedNanos) / 1e9;
    accruedNanos = nowNanos;
    cpuSeconds += cpuCores * dt;
    workSeconds += workCores * dt;
    ioCompleted += ioPerSecond * dt;
    hypercalls += hypercallsPerSecond * dt;
    vmExits += vmExitsPerSecond * dt;
    if (dirtyLog != null) {
      dirtyLog.write(dirtyWritesPerSecond * dt);
    }
  }

  /**
   * Its new rates from HostRates while it is not at home there (see {@link #home}); if they moved, the old
   * ones are accrued up to now first. {@code changed}: its load, throttle or state changed, which alone
   * moves its request (log-dirty's own change updates it).
   */
  void rates(boolean changed, double cpu, double work, double x, double dirty, double dHc, double dExits,
      long nowNanos) {
    if (changed) {
      updateDemand(nowNanos);
    }
    if (cpu != cpuCores || x != ioPerSecond || dirty != dirtyWritesPerSecond || work != workCores) {
      accrue(nowNanos); // the old rates held until now
      cpuCores = cpu;
      workCores = work;
      ioPerSecond = x;
      dirtyWritesPerSecond = dirty;
      hypercallsPerSecond = dHc;
      vmExitsPerSecond = dExits;
    }
  }

  public int domid() { return domid; }
  public String name() { return spec.name(); }
  public GuestType type() { return spec.type(); }
  public GuestSpec spec() { return spec; }
  public DomainState state() { return state; }
  public double loadFactor() { return loadFactor; }
  public double cpu() { return cpu; }
  public double coresPerVcpu() { return coresPerVcpu; }
  public double throttle() { return throttle; }
  public double cpuCores() { sync(); return cpuCores; }
  public double workCores() { sync(); return workCores; }
  public double ioPerSecond() { sync(); return ioPerSecond; }
  public double cpuSeconds() { sync(); return cpuSeconds; }
  public double workSeconds() { sync(); return workSeconds; }
  public double ioCompleted() { sync(); return ioCompleted; }
  public double hypercalls() { sync(); return hypercalls; }
  public double vmExits() { sync(); return vmExits; }
  public boolean logDirty() { return dirtyLog != null; }
  public double requestCores() { sync(); return requestCores; }
  public double requestSeconds() { sync(); return requestSeconds; }
  public double unservedSeconds() { sync(); return unservedSeconds; }
  public double unservedMigratingSeconds() { sync(); return unservedMigratingSeconds; }

  /** The log-dirty bitmap while log-dirty mode is on, else null. */
  public DirtyLog dirtyLog() { return dirtyLog; }

  /** The guest's memory in 4 KiB pages (at least one). */
  public long memoryPages() {
    return Page.memoryPages(spec);
  }

  /** Working set in pages (at least one, so the dirty model is defined for idle guests). */
  public long workingSetPages() {
    return Page.workingSetPages(spec);
  }

  /** The pages the guest has ever touched ({@link Page#residentPages}); the rest it never wrote. */
  public long residentPages() {
    return Page.residentPages(spec);
  }

  /**
   * What the dirty log holds as of the last accrual ({@link DirtyLog#peek}): pages dirtied since the last
   * clean, all of memory before the first clean, 0 when log-dirty mode is off.
   */
  public long dirtyPages() {
    return dirtyLog == null ? 0 : dirtyLog.peek();
  }
}
