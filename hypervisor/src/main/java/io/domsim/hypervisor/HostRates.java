package io.domsim.hypervisor;

import io.domsim.config.GuestType;
import java.util.Arrays;
import java.util.List;

/**
 * {@link HostModel}'s rate engine: how the cores are shared and what every domain does with its share.
 * The algorithm is the one described on HostModel (credit shares in up to two rounds, then the Dom0 fixed
 * point when Dom0 is the bottleneck); this class runs it on primitive arrays, one slot per guest in domid
 * order, and skips the work whose result provably does not change, so that a workload phase costs a few
 * passes over doubles instead of the whole computation over the domains' objects:
 *
 * <ul>
 *   <li>a guest's own terms (its compute and I/O demand, its demand capped by its vCPUs, the Dom0 work
 *       its I/O needs) are derived again only when its load, throttle or state changed;
 *   <li>an undersubscribed host grants every demand: the share of its I/O a guest can issue then depends
 *       on that guest alone and is kept, and so is the number of guests held back by their own vCPUs;
 *   <li>the Dom0 fixed point's probe at full I/O is the first round's allocation, reused, and its probe
 *       at no I/O is kept rather than computed twice;
 *   <li>a guest whose grant and served I/O are bit for bit those of the last time, and whose own inputs
 *       did not change, keeps its rates without touching the domain.
 * </ul>
 *
 * Every sum is taken over the same terms in the same order as the plain algorithm's, so the results are
 * the same to the last bit (HostRatesEquivalenceTest checks this against a copy of the plain one). Not
 * thread-safe; owned by one HostModel.
 */
final class HostRates {
  private final double cores;
  private final CostSettings costs;
  private final int dom0Vcpus;
  /** Dom0's own load, before any I/O: min(its vCPUs, the base load). */
  private final double base;
  private final double dom0Weight;

  private int n;
  private Domain[] slot = new Domain[0];

  // Per guest, fixed at creation.
  private double[] vcpus = new double[0];
  private double[] oneOh = new double[0]; // 1 + overhead
  private double[] gcpi = new double[0]; // guest cores per I/O
  private double[] c0 = new double[0]; // Dom0 cores per I/O
  private double[] cpuMean = new double[0];
  private double[] ioMean = new double[0];
  private double[] dirtyMean = new double[0];
  private boolean[] pv = new boolean[0];

  // Per guest, derived from its load, throttle and state (refreshed when marked changed).
  private boolean[] changed = new boolean[0];
  private int[] changedList = new int[0];
  private int changedCount;
  private double[] compute = new double[0];
  private double[] attempt = new double[0];
  private double[] unc1 = new double[0]; // the CPU it needs with all its I/O
  private double[] ioTerm = new double[0]; // the Dom0 cores all its I/O needs
  private double[] satU = new double[0]; // the share of its I/O it issues when granted its whole demand
  private boolean[] heldU = new boolean[0]; // satU < 1 and it has I/O to issue
  private int heldCount;

  // Indexed like CreditShares' arrays: Dom0 at 0, guest i at i + 1.
  private double[] weight = new double[1];
  private double[] dem1 = new double[1]; // demands with all I/O issued
  private double[] grantA = new double[1]; // round 1 (also the fixed point's probe at f = 1)
  private double[] grantB = new double[1]; // round 2
  private double[] grantF0 = new double[1]; // fixed point, probe at f = 0
  private double[] grantF = new double[1]; // fixed point, other probes
  private double[] demF = new double[1];
  private int[] active = new int[1];
  private double[] satA = new double[0];
  private double[] satB = new double[0];
  private double[] satF0 = new double[0];
  private double[] satF = new double[0];
  private double[] uncF = new double[0];

  // The chosen allocation of the last recompute (one of the grant/sat arrays above).
  private double[] grant;
  private double[] sat;

  // Per guest, what the last recompute gave it.
  private double[] io = new double[0];
  private double[] lastGrant = new double[0];
  private double[] lastIo = new double[0];
  private double[] cpu = new double[0];
  private double[] backendHc = new double[0]; // hypercalls its I/O costs Dom0
  private double[] hc = new double[0];
  private double[] exits = new double[0];

  // Node rates of the last recompute.
  double dom0Cores;
  double busyCores;
  double hypercallRate;
  double vmExitRate;
  double guestIoPerSecond;

  // What the last recompute went through, and how many there were (for tests: the equivalence test
  // checks that its random hosts reach every branch, the batching test counts recomputes).
  static final int OVERSUBSCRIBED = 1;
  static final int HELD_BACK = 2;
  static final int DOM0_SERVES_NONE = 4;
  static final int DOM0_SERVES_ALL = 8;
  static final int DOM0_SEARCHED = 16;
  static final int ROUND_2_FITS = 32;
  int lastPaths;
  long recomputes;

  HostRates(double cores, CostSettings costs, int dom0Vcpus, int dom0Weight) {
    this.cores = cores;
    this.costs = costs;
    this.dom0Vcpus = dom0Vcpus;
    this.base = Math.min(dom0Vcpus, costs.dom0BaseLoad());
    this.dom0Weight = dom0Weight;
  }

  /** The host's guests changed (created, destroyed, rebooted): every slot again, in list order. */
  void rebuild(List<Domain> guests) {
    n = guests.size();
    if (slot.length < n) {
      grow(Math.max(n, 2 * slot.length));
    }
    weight[0] = dom0Weight;
    heldCount = 0;
    changedCount = 0;
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      d.slot = i;
      slot[i] = d;
      var w = d.spec.workload();
      vcpus[i] = d.spec.vcpus();
      oneOh[i] = 1 + d.overhead;
      gcpi[i] = d.guestCoresPerIo;
      c0[i] = d.dom0CoresPerIo;
      cpuMean[i] = w.cpu();
      ioMean[i] = w.ioRate();
      dirtyMean[i] = w.dirtyRate();
      pv[i] = d.type() == GuestType.PV;
      weight[i + 1] = d.spec.weight();
      heldU[i] = false;
      changed[i] = false;
      changed(d);
    }
    Arrays.fill(slot, n, slot.length, null);
  }

  private void grow(int size) {
    slot = Arrays.copyOf(slot, size);
    vcpus = new double[size];
    oneOh = new double[size];
    gcpi = new double[size];
    c0 = new double[size];
    cpuMean = new double[size];
    ioMean = new double[size];
    dirtyMean = new double[size];
    pv = new boolean[size];
    changed = new boolean[size];
    changedList = new int[size];
    compute = new double[size];
    attempt = new double[size];
    unc1 = new double[size];
    ioTerm = new double[size];
    satU = new double[size];
    heldU = new boolean[size];
    weight = new double[size + 1];
    dem1 = new double[size + 1];
    grantA = new double[size + 1];
    grantB = new double[size + 1];
    grantF0 = new double[size + 1];
    grantF = new double[size + 1];
    demF = new double[size + 1];
    active = new int[size + 1];
    satA = new double[size];
    satB = new double[size];
    satF0 = new double[size];
    satF = new double[size];
    uncF = new double[size];
    io = new double[size];
    lastGrant = new double[size];
    lastIo = new double[size];
    cpu = new double[size];
    backendHc = new double[size];
    hc = new double[size];
    exits = new double[size];
  }

  /** A guest's load, throttle or state changed: its terms are derived again at the next recompute. */
  void changed(Domain d) {
    int i = d.slot;
    if (!changed[i]) {
      changed[i] = true;
      changedList[changedCount++] = i;
    }
  }

  /** The guest's own terms, from its load, throttle and state (the first loops of the plain algorithm). */
  private void refresh(int i) {
    Domain d = slot[i];
    boolean running = d.state == DomainState.RUNNING;
    // A throttled guest (auto-converge, post-copy faults) gets through less of everything it does.
    double speed = 1 - d.throttle;
    compute[i] = running ? Math.min(vcpus[i], cpuMean[i] * d.loadFactor * vcpus[i]) * speed : 0;
    attempt[i] = running ? ioMean[i] * d.loadFactor * speed : 0;
    unc1[i] = compute[i] * oneOh[i] + attempt[i] * gcpi[i];
    dem1[i + 1] = Math.min(vcpus[i], unc1[i]);
    ioTerm[i] = attempt[i] * c0[i];
    satU[i] = unc1[i] > 0 ? Math.min(1, dem1[i + 1] / unc1[i]) : 1;
    boolean held = satU[i] < 1 && attempt[i] > 0;
    if (held != heldU[i]) {
      heldU[i] = held;
      heldCount += held ? 1 : -1;
    }
  }

  /**
   * Shares the cores out again and derives every domain's rates; a domain whose rates change is accrued
   * up to {@code nowNanos} first. Leaves the node's rates in the fields above.
   */
  void recompute(long nowNanos) {
    recomputes++;
    int paths = 0;
    for (int k = 0; k < changedCount; k++) {
      refresh(changedList[k]);
    }
    // A guest's need (compute plus the CPU side of its I/O) is fixed; Dom0's depends on how much I/O
    // the guests manage to issue, which depends on their shares. Round 1 assumes every guest issues all
    // its I/O; if some guest is held back, round 2 asks Dom0 only for the I/O actually issued.
    double dom0Need = base;
    for (int i = 0; i < n; i++) {
      dom0Need += ioTerm[i];
    }
    double needAll = dom0Need;
    double[] satRound1 = null;
    for (int round = 0; round < 2; round++) {
      double[] g = round == 0 ? grantA : grantB;
      dem1[0] = Math.min(dom0Vcpus, dom0Need);
      boolean heldBack;
      if (CreditShares.allocate(cores, dem1, weight, n + 1, g, active)) {
        // Every guest got its demand: what it issues depends on itself alone (and, with none held back,
        // Dom0's need is bit for bit the need for all I/O: every term is attempt × 1 × Dom0 cores per I/O).
        sat = satU;
        heldBack = heldCount > 0;
        dom0Need = heldBack ? issuedNeed(satU) : needAll;
        if (round == 1) {
          paths |= ROUND_2_FITS;
        }
      } else {
        paths |= OVERSUBSCRIBED;
        sat = round == 0 ? satA : satB;
        heldBack = false;
        for (int i = 0; i < n; i++) {
          sat[i] = unc1[i] > 0 ? Math.min(1, g[i + 1] / unc1[i]) : 1;
          heldBack |= sat[i] < 1 && attempt[i] > 0;
        }
        dom0Need = issuedNeed(sat);
      }
      grant = g;
      if (round == 0) {
        satRound1 = sat;
      }
      if (!heldBack) {
        break;
      }
      paths |= HELD_BACK;
    }
    // Dom0 serves the issued I/O as far as its share allows; every guest's I/O slows by the same factor.
    double dom0IoNeed = dom0Need - base;
    double theta = dom0IoNeed > 0 ? Math.min(1, Math.max(0, grant[0] - base) / dom0IoNeed) : 1;
    if (theta < 1) {
      // Dom0 is the bottleneck. Guests waiting on it leave CPU unused that Dom0 could take, so find the
      // largest common I/O fraction that Dom0's share can serve when every demand is sized for it.
      theta = dom0BoundFraction(needAll, satRound1);
      paths |= theta == 0 ? DOM0_SERVES_NONE : theta == 1 ? DOM0_SERVES_ALL : DOM0_SEARCHED;
    }
    lastPaths = paths;
    double dom0Work = base;
    for (int i = 0; i < n; i++) {
      // With theta 0 the shares may be partly derived (probeNoIo); attempt × share × 0 is 0 anyway.
      io[i] = theta == 0 ? 0 : attempt[i] * sat[i] * theta;
      dom0Work += io[i] * c0[i];
    }
    // Dom0 uses what its base load and the served I/O take, never more than it was granted.
    dom0Cores = Math.min(grant[0], dom0Work);
    double busy = dom0Cores;
    double hcs = Math.min(grant[0], base) * costs.dom0HypercallsPerCpuSecond();
    double exitSum = 0;
    double ioSum = 0;
    for (int i = 0; i < n; i++) {
      double g = grant[i + 1];
      if (changed[i] || Double.doubleToRawLongBits(g) != Double.doubleToRawLongBits(lastGrant[i])
          || Double.doubleToRawLongBits(io[i]) != Double.doubleToRawLongBits(lastIo[i])) {
        guestRates(i, g, nowNanos);
      }
      busy += cpu[i];
      hcs += backendHc[i];
      hcs += hc[i];
      exitSum += exits[i];
      ioSum += io[i];
    }
    changedCount = 0;
    busyCores = busy;
    hypercallRate = hcs;
    vmExitRate = exitSum;
    guestIoPerSecond = ioSum;
  }

  /** Dom0's need for the I/O the guests issue with shares {@code s}: its base load first, then guest by guest. */
  private double issuedNeed(double[] s) {
    double need = base;
    for (int i = 0; i < n; i++) {
      need += attempt[i] * s[i] * c0[i];
    }
    return need;
  }

  /** A guest's rates from its grant and served I/O, onto the domain (accrued first) if they moved. */
  private void guestRates(int i, double g, long nowNanos) {
    Domain d = slot[i];
    double x = io[i];
    double c = Math.min(g, compute[i] * oneOh[i] + x * gcpi[i]);
    double work = Math.max(0, c - x * gcpi[i]) / oneOh[i];
    double progress = compute[i] > 0 ? work / compute[i] : (d.state == DomainState.RUNNING ? 1 : 0);
    double dirty = dirtyMean[i] * d.loadFactor * (1 - d.throttle) * Math.min(1, progress);
    double dHc;
    double dExits;
    if (pv[i]) {
      dHc = work * costs.pvHypercallsPerCpuSecond() + x * costs.pvHypercallsPerIo();
      dExits = 0;
      backendHc[i] = x * costs.pvBackendHypercallsPerIo();
    } else {
      dHc = 0;
      dExits = work * costs.hvmVmExitsPerCpuSecond() + x * costs.hvmVmExitsPerIo();
      backendHc[i] = x * costs.hvmVmExitsPerIo() * costs.deviceModelHypercallsPerExit();
    }
    if (c != d.cpuCores || x != d.ioPerSecond || dirty != d.dirtyWritesPerSecond || work != d.workCores) {
      d.accrue(nowNanos); // the old rates held until now
      d.cpuCores = c;
      d.workCores = work;
      d.ioPerSecond = x;
      d.dirtyWritesPerSecond = dirty;
      d.hypercallsPerSecond = dHc;
      d.vmExitsPerSecond = dExits;
    }
    cpu[i] = c;
    hc[i] = dHc;
    exits[i] = dExits;
    lastGrant[i] = g;
    lastIo[i] = x;
    changed[i] = false;
  }

  /**
   * The common fraction {@code f} of every guest's I/O that Dom0 can serve when it is the bottleneck.
   * Guests size their demand for {@code f}; Dom0 asks for all the I/O work and so takes whatever the
   * guests leave (up to its vCPUs and its weighted share). {@code f} is the fixed point of
   * {@code servable(f) = f}, where {@code servable} is the fraction Dom0's grant covers: it falls as
   * {@code f} grows, since busier guests leave Dom0 less. Found by the Illinois variant of regula falsi,
   * a handful of allocations. Leaves {@link #grant} and {@link #sat} as allocated for the answer; then
   * {@code io = attempt × sat × f}.
   *
   * @param needAll Dom0's need with all I/O issued (round 1's)
   * @param satRound1 the shares of round 1, whose allocation is the probe at {@code f = 1}
   */
  private double dom0BoundFraction(double needAll, double[] satRound1) {
    double a = 0;
    double fa = probeNoIo(needAll);
    double b = 1;
    double fb = servable(grantA, satRound1) - 1;
    if (fa <= 0) {
      grant = grantF0;
      sat = satF0;
      return 0; // Dom0 cannot serve any I/O: its share does not exceed its own base load
    }
    if (fb >= 0) {
      grant = grantA;
      sat = satRound1;
      return 1; // not Dom0-bound after all, once the guests' demands are sized consistently
    }
    int side = 0;
    for (int step = 0; step < 60 && b - a > 1e-9; step++) {
      double c = (a * fb - b * fa) / (fb - fa);
      if (!(c > a && c < b)) {
        c = (a + b) / 2;
      }
      double fc = servableMinus(needAll, c, grantF, satF);
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
    if (a == 0) {
      grant = grantF0;
      sat = satF0;
    } else {
      servableMinus(needAll, a, grantF, satF);
      grant = grantF;
      sat = satF;
    }
    return a;
  }

  /**
   * servable(0) − 0, allocated into {@link #grantF0}. When Dom0's grant does not exceed its base load,
   * servable is 0 if any guest would issue I/O at all, so the shares are derived only up to the first that
   * does (the answer is then 0 whatever the rest; the I/O served is 0, whatever the shares).
   */
  private double probeNoIo(double needAll) {
    allocateFor(needAll, 0, grantF0);
    if (grantF0[0] - base <= 0) {
      for (int i = 0; i < n; i++) {
        double s = uncF[i] > 0 ? Math.min(1, grantF0[i + 1] / uncF[i]) : 1;
        if (attempt[i] * s * c0[i] > 0) {
          return 0; // servable = 0 / perUnit with perUnit > 0
        }
      }
    }
    for (int i = 0; i < n; i++) {
      satF0[i] = uncF[i] > 0 ? Math.min(1, grantF0[i + 1] / uncF[i]) : 1;
    }
    return servable(grantF0, satF0);
  }

  /** The allocation with the guests sized for I/O fraction {@code f} (their needs left in {@link #uncF}). */
  private void allocateFor(double needAll, double f, double[] g) {
    for (int i = 0; i < n; i++) {
      uncF[i] = compute[i] * oneOh[i] + attempt[i] * f * gcpi[i];
      demF[i + 1] = Math.min(vcpus[i], uncF[i]);
    }
    demF[0] = Math.min(dom0Vcpus, needAll);
    CreditShares.allocate(cores, demF, weight, n + 1, g, active);
  }

  /** Allocates with the guests sized for I/O fraction {@code f}, into {@code g} and {@code s}; answers servable(f) − f. */
  private double servableMinus(double needAll, double f, double[] g, double[] s) {
    allocateFor(needAll, f, g);
    for (int i = 0; i < n; i++) {
      // A guest's own share may hold its I/O back further; Dom0 only serves what is issued.
      s[i] = uncF[i] > 0 ? Math.min(1, g[i + 1] / uncF[i]) : 1;
    }
    return servable(g, s) - f;
  }

  /** The fraction of the issued I/O that Dom0's grant covers beyond its base load (capped at 2). */
  private double servable(double[] g, double[] s) {
    double perUnit = 0;
    for (int i = 0; i < n; i++) {
      perUnit += attempt[i] * s[i] * c0[i];
    }
    double servable = perUnit > 0 ? Math.max(0, g[0] - base) / perUnit : Double.MAX_VALUE;
    return Math.min(servable, 2);
  }

  /** The machine crashed (HostModel zeroed every domain's rates): everything is derived afresh next time. */
  void halted() {
    for (int i = 0; i < n; i++) {
      changed(slot[i]);
    }
    dom0Cores = 0;
    busyCores = 0;
    hypercallRate = 0;
    vmExitRate = 0;
    guestIoPerSecond = 0;
  }
}
