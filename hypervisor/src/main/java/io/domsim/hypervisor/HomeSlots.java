package io.domsim.hypervisor;

/**
 * The rates, request and integrals of the guests at home in one {@link HostRates} (see Domain#home), one
 * slot per guest as HostRates numbers them, side by side in primitive arrays: at every phase of a dense
 * host, every guest held to its weighted share gets new rates and is accrued, and reading each one's
 * scattered Domain for it was a large part of the model's time. The arithmetic is Domain's
 * ({@link Domain#accrue}, {@link Domain#accrueDemand}, {@link Domain#updateDemand}) to the bit, on the
 * same values in the same order (HostRatesEquivalenceTest). A domain at home has no dirty log (HostModel
 * releases it first). Not thread-safe; owned by one HostRates.
 */
final class HomeSlots {
  // AS doubles per guest, in the order Domain.accrue reads them; its two accrual clocks in ta (accrue's,
  // then the demand's).
  private static final int AS = 16;
  private static final int R_CPU = 0;
  private static final int R_WORK = 1;
  private static final int R_IO = 2;
  private static final int R_HC = 3;
  private static final int R_EXITS = 4;
  private static final int R_DIRTY = 5;
  private static final int REQUEST = 6;
  private static final int MIGRATING = 7;
  private static final int CPU_S = 8;
  private static final int WORK_S = 9;
  private static final int IO_N = 10;
  private static final int HC_N = 11;
  private static final int EXITS_N = 12;
  private static final int REQUEST_S = 13;
  private static final int UNSERVED_S = 14;
  private static final int UNSERVED_M = 15;

  private double[] a = new double[0];
  private long[] ta = new long[0];
  private boolean[] atHome = new boolean[0];

  /** Takes domain d's rates, request and integrals into slot i's arrays. */
  void attach(int i, Domain d) {
    int ab = i * AS;
    a[ab + R_CPU] = d.cpuCores;
    a[ab + R_WORK] = d.workCores;
    a[ab + R_IO] = d.ioPerSecond;
    a[ab + R_HC] = d.hypercallsPerSecond;
    a[ab + R_EXITS] = d.vmExitsPerSecond;
    a[ab + R_DIRTY] = d.dirtyWritesPerSecond;
    a[ab + REQUEST] = d.requestCores;
    a[ab + MIGRATING] = d.migrating ? 1 : 0;
    a[ab + CPU_S] = d.cpuSeconds;
    a[ab + WORK_S] = d.workSeconds;
    a[ab + IO_N] = d.ioCompleted;
    a[ab + HC_N] = d.hypercalls;
    a[ab + EXITS_N] = d.vmExits;
    a[ab + REQUEST_S] = d.requestSeconds;
    a[ab + UNSERVED_S] = d.unservedSeconds;
    a[ab + UNSERVED_M] = d.unservedMigratingSeconds;
    ta[2 * i] = d.accruedNanos;
    ta[2 * i + 1] = d.demandAccruedNanos;
    atHome[i] = true;
    d.home = this;
  }

  /** Copies domain d's rates, request and integrals from its slot into its fields; it stays at home. */
  void writeBack(Domain d) {
    int i = d.slot;
    int ab = i * AS;
    d.cpuCores = a[ab + R_CPU];
    d.workCores = a[ab + R_WORK];
    d.ioPerSecond = a[ab + R_IO];
    d.hypercallsPerSecond = a[ab + R_HC];
    d.vmExitsPerSecond = a[ab + R_EXITS];
    d.dirtyWritesPerSecond = a[ab + R_DIRTY];
    d.requestCores = a[ab + REQUEST];
    d.migrating = a[ab + MIGRATING] != 0;
    d.cpuSeconds = a[ab + CPU_S];
    d.workSeconds = a[ab + WORK_S];
    d.ioCompleted = a[ab + IO_N];
    d.hypercalls = a[ab + HC_N];
    d.vmExits = a[ab + EXITS_N];
    d.requestSeconds = a[ab + REQUEST_S];
    d.unservedSeconds = a[ab + UNSERVED_S];
    d.unservedMigratingSeconds = a[ab + UNSERVED_M];
    d.accruedNanos = ta[2 * i];
    d.demandAccruedNanos = ta[2 * i + 1];
  }

  /** From now on domain d's fields are current (before anything accrues or zeroes them there). */
  void release(Domain d) {
    if (d.home == this) {
      writeBack(d);
      d.home = null;
      atHome[d.slot] = false;
    }
  }

  /** Every guest of {@code slot}'s first {@code n} its fields current. */
  void releaseAll(Domain[] slot, int n) {
    for (int i = 0; i < n; i++) {
      release(slot[i]);
    }
  }

  /** Every guest's integrals up to {@code nowNanos}, in slot order, at home or not. */
  void accrueAll(Domain[] slot, int n, long nowNanos) {
    for (int i = 0; i < n; i++) {
      if (atHome[i]) {
        accrue(i, nowNanos);
      } else {
        slot[i].accrue(nowNanos);
      }
    }
  }

  boolean atHome(int i) {
    return atHome[i];
  }

  void grow(int size) {
    a = new double[size * AS];
    ta = new long[size * 2];
    atHome = new boolean[size];
  }

  /** {@link Domain#accrueDemand} on slot i. */
  private void accrueDemand(int i, long nowNanos) {
    long since = ta[2 * i + 1];
    if (nowNanos <= since) {
      return;
    }
    double dt = (nowNanos - since) / 1e9;
    ta[2 * i + 1] = nowNanos;
    int ab = i * AS;
    double request = a[ab + REQUEST];
    if (request > 0) {
      a[ab + REQUEST_S] += request * dt;
      double unserved = Math.max(0, request - a[ab + R_WORK]) * dt;
      a[ab + UNSERVED_S] += unserved;
      if (a[ab + MIGRATING] != 0) {
        a[ab + UNSERVED_M] += unserved;
      }
    }
  }

  /** {@link Domain#accrue} on slot i (a domain at home has no dirty log). */
  void accrue(int i, long nowNanos) {
    accrueDemand(i, nowNanos);
    long since = ta[2 * i];
    if (nowNanos <= since) {
      return;
    }
    double dt = (nowNanos - since) / 1e9;
    ta[2 * i] = nowNanos;
    int ab = i * AS;
    a[ab + CPU_S] += a[ab + R_CPU] * dt;
    a[ab + WORK_S] += a[ab + R_WORK] * dt;
    a[ab + IO_N] += a[ab + R_IO] * dt;
    a[ab + HC_N] += a[ab + R_HC] * dt;
    a[ab + EXITS_N] += a[ab + R_EXITS] * dt;
  }

  /**
   * {@link Domain#updateDemand} on slot i, from domain d's inputs (a domain at home has no dirty log);
   * {@code vcpus} is its vCPU count.
   */
  void demand(int i, Domain d, double vcpus, long nowNanos) {
    boolean held = d.throttle > 0;
    boolean asks = d.state == DomainState.RUNNING || held;
    double request = asks ? Math.min(vcpus, d.cpu * d.loadFactor * vcpus * d.coresPerVcpu) : 0;
    int ab = i * AS;
    if (request != a[ab + REQUEST] || held != (a[ab + MIGRATING] != 0)) {
      accrueDemand(i, nowNanos);
      a[ab + REQUEST] = request;
      a[ab + MIGRATING] = held ? 1 : 0;
    }
  }

  /** The rates HostRates derived for slot i; if they moved, the old ones are accrued up to now first. */
  void rates(int i, double cpu, double work, double x, double dirty, double dHc, double dExits, long nowNanos) {
    int ab = i * AS;
    if (cpu != a[ab + R_CPU] || x != a[ab + R_IO] || dirty != a[ab + R_DIRTY] || work != a[ab + R_WORK]) {
      accrue(i, nowNanos); // the old rates held until now
      a[ab + R_CPU] = cpu;
      a[ab + R_WORK] = work;
      a[ab + R_IO] = x;
      a[ab + R_DIRTY] = dirty;
      a[ab + R_HC] = dHc;
      a[ab + R_EXITS] = dExits;
    }
  }
}
