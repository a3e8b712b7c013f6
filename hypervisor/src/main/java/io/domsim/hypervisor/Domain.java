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
  /** Share of its speed lost to log-dirty faults while a migration tracks it ({@link LogDirtyCosts}): 0..1. */
  double logDirtySlowdown;
  /** When the log was enabled or last cleaned: the first writes since then trapped. */
  long logDirtySinceNanos;
  /** The log has been cleaned since it was enabled (the first clean returns all of memory, not faults). */
  boolean logDirtyCleaned;

  // Rates, recomputed whenever something on the host changes; while the domain follows its host's credit
  // level (see below), they are stale and the getters give the level's multiples.
  double cpuCores;
  double workCores;
  double ioPerSecond;
  double hypercallsPerSecond;
  double vmExitsPerSecond;
  double dirtyWritesPerSecond;

  /**
   * Its host's credit level while the domain is held to its weighted share ({@link CreditLevel}), else null.
   * Its rates are then the multiples below times the level, and its integrals grow with the level's integral.
   */
  private CreditLevel level;
  private double perLevelCpu;
  private double perLevelWork;
  private double perLevelIo;
  private double perLevelHypercalls;
  private double perLevelVmExits;
  private double perLevelDirty;
  /** The level's integral up to {@link #accruedNanos} and up to {@link #demandAccruedNanos} (hi + lo each). */
  private double levelMarkHi;
  private double levelMarkLo;
  private double demandLevelMarkHi;
  private double demandLevelMarkLo;
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

  // What one unit of this domain's work costs, fixed at creation (see HostModel.recompute): its CostPath,
  // and the three terms of it the rate engine reads most, kept here as before.
  CostPath path;
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
    if (nowNanos <= demandAccruedNanos) {
      return;
    }
    double dt = (nowNanos - demandAccruedNanos) / 1e9;
    demandAccruedNanos = nowNanos;
    double levelSeconds = 0;
    if (level != null) {
      double hi = level.integralHi(nowNanos);
      double lo = level.integralLo(nowNanos);
      levelSeconds = (hi - demandLevelMarkHi) + (lo - demandLevelMarkLo);
      demandLevelMarkHi = hi;
      demandLevelMarkLo = lo;
    }
    if (requestCores > 0) {
      requestSeconds += requestCores * dt;
      // A domain held to its share does less work than it asks for: the difference is linear in the level.
      double unserved = level != null ? Math.max(0, requestCores * dt - perLevelWork * levelSeconds)
          : Math.max(0, requestCores - workCores) * dt;
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
    boolean held = dirtyLog != null || throttle > 0;
    boolean asks = state == DomainState.RUNNING || held;
    double request = asks ? Math.min(vcpus, cpu * loadFactor * vcpus * coresPerVcpu) : 0;
    if (request != requestCores || held != migrating) {
      accrueDemand(nowNanos);
      requestCores = request;
      migrating = held;
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
    if (level != null) {
      double hi = level.integralHi(nowNanos);
      double lo = level.integralLo(nowNanos);
      double levelSeconds = (hi - levelMarkHi) + (lo - levelMarkLo);
      levelMarkHi = hi;
      levelMarkLo = lo;
      cpuSeconds += perLevelCpu * levelSeconds;
      workSeconds += perLevelWork * levelSeconds;
      ioCompleted += perLevelIo * levelSeconds;
      hypercalls += perLevelHypercalls * levelSeconds;
      vmExits += perLevelVmExits * levelSeconds;
      if (dirtyLog != null) {
        dirtyLog.write(perLevelDirty * levelSeconds);
      }
      return;
    }
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
   * From now on (the domain accrued up to now) its rates are these multiples of its host's credit level.
   */
  void follow(CreditLevel level, double cpu, double work, double io, double hypercalls, double vmExits, double dirty) {
    this.level = level;
    perLevelCpu = cpu;
    perLevelWork = work;
    perLevelIo = io;
    perLevelHypercalls = hypercalls;
    perLevelVmExits = vmExits;
    perLevelDirty = dirty;
    levelMarkHi = level.integralHi(accruedNanos);
    levelMarkLo = level.integralLo(accruedNanos);
    demandLevelMarkHi = level.integralHi(demandAccruedNanos);
    demandLevelMarkLo = level.integralLo(demandAccruedNanos);
  }

  /** Its rates stop following the level (the domain accrued up to now): they stay what they are now, explicitly. */
  void unfollow() {
    if (level != null) {
      cpuCores = cpuCores();
      workCores = workCores();
      ioPerSecond = ioPerSecond();
      hypercallsPerSecond = hypercallsPerSecond();
      vmExitsPerSecond = vmExitsPerSecond();
      dirtyWritesPerSecond = dirtyWritesPerSecond();
      level = null;
    }
  }

  boolean followsLevel() {
    return level != null;
  }

  /** Nothing runs any more (the machine stopped; the domain accrued up to now): every rate is 0. */
  void stopRates() {
    level = null;
    cpuCores = 0;
    workCores = 0;
    ioPerSecond = 0;
    hypercallsPerSecond = 0;
    vmExitsPerSecond = 0;
    dirtyWritesPerSecond = 0;
  }

  public int domid() { return domid; }
  public String name() { return spec.name(); }
  public GuestType type() { return spec.type(); }
  public GuestSpec spec() { return spec; }
  /** What a unit of its work and of its I/O costs on its host (set when it is built there). */
  public CostPath costPath() { return path; }
  public DomainState state() { return state; }
  public double loadFactor() { return loadFactor; }
  public double cpu() { return cpu; }
  public double coresPerVcpu() { return coresPerVcpu; }
  public double throttle() { return throttle; }
  public double cpuCores() { return level == null ? cpuCores : perLevelCpu * level.value(); }
  public double workCores() { return level == null ? workCores : perLevelWork * level.value(); }
  public double ioPerSecond() { return level == null ? ioPerSecond : perLevelIo * level.value(); }
  double hypercallsPerSecond() { return level == null ? hypercallsPerSecond : perLevelHypercalls * level.value(); }
  double vmExitsPerSecond() { return level == null ? vmExitsPerSecond : perLevelVmExits * level.value(); }
  /** Pages it writes per second now (what its dirty log receives while on). */
  double dirtyWritesPerSecond() { return level == null ? dirtyWritesPerSecond : perLevelDirty * level.value(); }
  public double cpuSeconds() { return cpuSeconds; }
  public double workSeconds() { return workSeconds; }
  public double ioCompleted() { return ioCompleted; }
  public double hypercalls() { return hypercalls; }
  public double vmExits() { return vmExits; }
  public boolean logDirty() { return dirtyLog != null; }
  public double requestCores() { return requestCores; }
  public double requestSeconds() { return requestSeconds; }
  public double unservedSeconds() { return unservedSeconds; }
  public double unservedMigratingSeconds() { return unservedMigratingSeconds; }

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

  /** The hot part of its working set ({@code workload.hot-fraction}; all of it for uniform writes). */
  public long hotPages() {
    return spec.workload().skew().hotPages(workingSetPages());
  }

  /** The hot part's share of its writes ({@code workload.hot-write-share}). */
  public double hotWriteShare() {
    return spec.workload().skew().hotWriteShare();
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
