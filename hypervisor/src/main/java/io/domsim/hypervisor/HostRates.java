package io.domsim.hypervisor;

import static io.domsim.hypervisor.RecomputePaths.*;

import io.domsim.config.HypervisorKind;
import java.util.Arrays;
import java.util.List;

/**
 * {@link HostModel}'s rate engine: how the cores are shared and what every domain does with its share.
 * The algorithm is the one described on HostModel (credit shares in up to two rounds, then the Dom0 fixed
 * point when Dom0 is the bottleneck); this class runs it on primitive arrays, one slot per guest in domid
 * order, and skips the work whose result provably does not change:
 *
 * <ul>
 *   <li>a guest's own terms (its compute and I/O demand, its demand capped by its vCPUs, the Dom0 work
 *       its I/O needs) are derived again only when its load, throttle or state changed;
 *   <li>an undersubscribed host grants every demand: the share of its I/O a guest can issue then depends
 *       on that guest alone and is kept, and so is the number of guests held back by their own vCPUs;
 *   <li>a host that is, and was at the last recompute, <em>steady</em> (undersubscribed, no guest held
 *       back, Dom0 not the bottleneck) gives an unchanged guest the grant and I/O it had: only the changed
 *       guests are derived, and the node's sums are taken again;
 *   <li>the Dom0 fixed point's probe at full I/O is the first round's allocation, reused, and its probe
 *       at no I/O is kept rather than computed twice (and cut short when it answers 0);
 *   <li>a guest whose grant and served I/O are bit for bit those of the last time, and whose own inputs
 *       did not change, keeps its rates without touching the domain;
 *   <li>a guest held to its weighted share, when Dom0 serves all the I/O, follows the host's
 *       {@link CreditLevel}: its rates are multiples of the level derived from its own inputs, so a move of
 *       the level does not touch its domain (see {@link #finish});
 *   <li>after a recompute that ended on round 1's level with Dom0 serving all the I/O (a dense host's common
 *       case), the guests stay split at the level ({@link LevelSplit}), and the next change is recomputed from
 *       the split in O(log n) with no pass over the guests, as long as the full algorithm would take the same
 *       branches (see {@link #recomputeBySplit}).
 * </ul>
 *
 * The full algorithm's water-filling and every sum that feeds the Dom0 fixed point are taken over the same
 * terms in the same order as the plain algorithm's (the fixed point stops at a bracket of 1e-9, so a last-bit
 * change of its inputs could move its answer that far); the incremental path never reaches the fixed point
 * and decides the rounds' tests with margins, a follower's rates and integrals round differently, and
 * HostRatesEquivalenceTest holds everything within 1e-12 of a copy of the plain algorithm.
 *
 * <p>Memory, not arithmetic, bounds a recompute in a large run: between two recomputes of one host a
 * thousand others run, so its data comes from far caches. A guest's data therefore sits in two
 * interleaved blocks: the <em>hot</em> block (what the end of every recompute reads and writes) and the
 * <em>cold</em> block (what only a changed guest, or the full algorithm, reads); what the rounds' passes
 * read of every guest is in one array per field. Not thread-safe; owned by one HostModel.
 */
final class HostRates {
  // The cold block: per guest, CS doubles (booleans as 0/1): what only a changed guest, or the full
  // algorithm, reads.
  private static final int CS = 21;
  private static final int VCPUS = 0;
  private static final int ONE_OH = 1; // 1 + overhead
  private static final int GCPI = 2; // guest cores per I/O
  private static final int CPU_MEAN = 3;
  private static final int IO_MEAN = 4;
  private static final int DIRTY_MEAN = 5;
  // Its CostPath's counts: hypercalls and exits per busy core-second and per I/O, Dom0's hypercalls per I/O
  // (a product of two factors, multiplied in the order the PV/HVM model always did).
  private static final int HC_W = 6;
  private static final int COMPUTE = 7;
  private static final int LAST_GRANT = 8;
  private static final int LAST_IO = 9;
  private static final int HELD = 10; // its share of I/O issued when granted its demand < 1 and it has I/O to issue
  private static final int CHANGED = 11;
  private static final int DIRTY_NOW = 12; // dirty-rate × level × speed: its dirty writes at full progress
  private static final int RUNNING = 13;
  private static final int HC_IO = 14;
  private static final int EX_W = 15;
  private static final int EX_IO = 16;
  private static final int BHC = 17;
  private static final int BHC_F = 18;
  // Its work and dirty writes per unit of credit level, when it is held to its share (see CreditLevel).
  private static final int U_WORK = 19;
  private static final int U_DIRTY = 20;
  // The hot block: per guest, HS doubles: what the end of every recompute reads or writes.
  private static final int HS = 12;
  private static final int CPU = 0;
  private static final int BACKEND_HC = 1; // hypercalls its I/O costs Dom0
  private static final int HC = 2;
  private static final int EXITS = 3;
  private static final int IO = 4;
  // Whether its rates follow the host's credit level now, and whether they can (it computes: see refresh).
  private static final int FOLLOWS = 5;
  private static final int CAN_FOLLOW = 6;
  // Per unit of credit level, when it is held to its share: its I/O, the Dom0 cores that I/O needs, its
  // hypercalls and VM exits, the hypercalls its I/O costs Dom0.
  private static final int U_IO = 7;
  private static final int U_DOM0 = 8;
  private static final int U_HC = 9;
  private static final int U_BHC = 10;
  private static final int U_EXITS = 11;
  // What the water-filling's rounds read of every guest, one array each (guest i at i), so that a pass
  // reads a few contiguous lines instead of one line of each guest's block: the I/O it attempts, the CPU it
  // needs with all of it (unc1), the share of it issued when granted its whole demand, the Dom0 cores
  // per I/O, and the Dom0 cores all its I/O needs.
  private double[] attempts = new double[0];
  private double[] unc1s = new double[0];
  private double[] satUs = new double[0];
  private double[] dom0PerIo = new double[0];
  private double[] ioTerms = new double[0];

  private final double cores;
  private final int dom0Vcpus;
  /** Dom0's own load, before any I/O: min(its vCPUs, the base load + the migration work it does now). */
  private double base;
  private final double baseLoad;
  private final double dom0Weight;
  private final double dom0HypercallsPerCpuSecond;

  private int n;
  private Domain[] slot = new Domain[0];
  private double[] c = new double[0];
  private double[] h = new double[0];
  private int[] changedList = new int[0];
  private int changedCount;
  private int heldCount;
  /** The last recompute found the host steady (see the class comment). */
  private boolean steady;

  // Indexed like CreditShares' arrays: Dom0 at 0, guest i at i + 1.
  private double[] weight = new double[1];
  private double[] dem1 = new double[1]; // demands with all I/O issued
  private double[] grantA = new double[1]; // round 1 (also the fixed point's probe at f = 1)
  private double[] grantB = new double[1]; // round 2
  private double[] grantF0 = new double[1]; // fixed point, probe at f = 0
  private double[] grantF = new double[1]; // fixed point, other probes
  private double[] demF = new double[1];
  private int[] active = new int[1];
  /** The last dom0BoundFraction answered 1 without its probe at f = 0. */
  private boolean probeSkipped;
  // Shares of the I/O each guest issues, guest i at i; null stands for satUs.
  private double[] satA = new double[0];
  private double[] satB = new double[0];
  private double[] satF0 = new double[0];
  private double[] satF = new double[0];
  private double[] uncF = new double[0];

  // The chosen allocation of the last recompute (one of the arrays above).
  private double[] grant;
  private double[] sat;
  /** The water levels of rounds 1 and 2 ({@link CreditShares#allocate}'s answers). */
  private double levelA = CreditShares.ALL_SATISFIED;
  private double levelB = CreditShares.ALL_SATISFIED;
  /** The level the guests held to their shares follow (CreditLevel), shared with their Domains. */
  private final CreditLevel level = new CreditLevel();
  /**
   * The guests split at the level as the last recompute left them, with their sums, for the incremental common
   * path ({@link #recomputeBySplit}); valid while {@link #splitValid}.
   */
  private final LevelSplit split = new LevelSplit();
  private boolean splitValid;
  /** Recomputes by the split since it was last built from a full recompute (see {@link #SPLIT_REBUILT_EVERY}). */
  private int bySplit;
  /** The guests an incremental recompute changed or moved across the level: they alone are settled or follow anew. */
  private int[] touched = new int[0];
  private boolean[] isTouched = new boolean[0];
  private int touchedCount;
  /** The held guests round 2 satisfies (issuedNeedOfRound2), in the order taken. */
  private int[] roundTwo = new int[0];

  // Node rates of the last recompute.
  double dom0Cores;
  double busyCores;
  double hypercallRate;
  double vmExitRate;
  double guestIoPerSecond;

  // What the last recompute went through (RecomputePaths' flags), and how many there were, and of them by the split.
  int lastPaths;
  long recomputes;
  long incrementalRecomputes;
  /** How often the split was built from a full recompute (for tests). */
  long splitBuilds;
  /** Domains accrued because their rates moved, over all recomputes (for tests: what following the level saves). */
  long accruals;

  HostRates(double cores, CostSettings costs, HypervisorKind kind, int dom0Vcpus, int dom0Weight) {
    this.cores = cores;
    this.dom0Vcpus = dom0Vcpus;
    // A type-2 node's host OS takes Dom0's place: its own base load, and no hypercalls (it is not a domain).
    this.baseLoad = kind.hosted() ? costs.type2().hostBaseLoad() : costs.dom0BaseLoad();
    this.base = Math.min(dom0Vcpus, baseLoad);
    this.dom0HypercallsPerCpuSecond = kind.hosted() ? 0 : costs.dom0HypercallsPerCpuSecond();
    this.dom0Weight = dom0Weight;
    weight[0] = dom0Weight;
  }

  /** Dom0's migration work in cores, on top of its base load (0: the same bits as without); derived afresh. */
  void setDom0MigrationCores(double migrationCores) {
    double b = Math.min(dom0Vcpus, baseLoad + migrationCores);
    if (Double.doubleToRawLongBits(b) != Double.doubleToRawLongBits(base)) {
      base = b;
      steady = false;
    }
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
    steady = false;
    splitValid = false;
    for (int i = 0; i < n; i++) {
      Domain d = guests.get(i);
      d.slot = i;
      slot[i] = d;
      var w = d.spec.workload();
      int b = i * CS;
      c[b + VCPUS] = d.spec.vcpus();
      c[b + ONE_OH] = 1 + d.overhead;
      c[b + GCPI] = d.guestCoresPerIo;
      dom0PerIo[i] = d.dom0CoresPerIo;
      c[b + CPU_MEAN] = w.cpu();
      c[b + IO_MEAN] = w.ioRate();
      c[b + DIRTY_MEAN] = w.dirtyRate();
      CostPath p = d.path;
      c[b + HC_W] = p.hypercallsPerWork();
      c[b + HC_IO] = p.hypercallsPerIo();
      c[b + EX_W] = p.exitsPerWork();
      c[b + EX_IO] = p.exitsPerIo();
      c[b + BHC] = p.backendHypercallsPerIo();
      c[b + BHC_F] = p.backendHypercallFactor();
      c[b + HELD] = 0;
      c[b + CHANGED] = 0;
      h[i * HS + FOLLOWS] = d.followsLevel() ? 1 : 0;
      weight[i + 1] = d.spec.weight();
      changed(d);
    }
    Arrays.fill(slot, n, slot.length, null);
  }

  private void grow(int size) {
    slot = Arrays.copyOf(slot, size);
    c = new double[size * CS];
    h = new double[size * HS];
    changedList = new int[size];
    touched = new int[size];
    isTouched = new boolean[size];
    roundTwo = new int[size];
    weight = new double[size + 1];
    dem1 = new double[size + 1];
    grantA = new double[size + 1];
    grantB = new double[size + 1];
    grantF0 = new double[size + 1];
    grantF = new double[size + 1];
    demF = new double[size + 1];
    active = new int[size + 1];
    attempts = new double[size];
    unc1s = new double[size];
    satUs = new double[size];
    dom0PerIo = new double[size];
    ioTerms = new double[size];
    satA = new double[size];
    satB = new double[size];
    satF0 = new double[size];
    satF = new double[size];
    uncF = new double[size];
  }

  /** A guest's load, throttle or state changed: its terms are derived again at the next recompute. */
  void changed(Domain d) {
    int i = d.slot;
    if (c[i * CS + CHANGED] == 0) {
      c[i * CS + CHANGED] = 1;
      changedList[changedCount++] = i;
    }
  }

  /** The guest's own terms, from its load, throttle and state (the first loops of the plain algorithm). */
  private void refresh(int i) {
    Domain d = slot[i];
    int b = i * CS;
    boolean running = d.state == DomainState.RUNNING;
    // A throttled guest (auto-converge, post-copy faults, log-dirty faults) gets through less of everything it does.
    double speed = (1 - d.throttle) * (1 - d.logDirtySlowdown);
    double vcpus = c[b + VCPUS];
    // Demand in cycles is cpu x vcpus x vcpu-ghz: on slower cores it takes more core-time, up to its vCPUs.
    double compute = running ? Math.min(vcpus, d.cpu * d.loadFactor * vcpus * d.coresPerVcpu) * speed : 0;
    double attempt = running ? c[b + IO_MEAN] * d.loadFactor * speed : 0;
    double unc1 = compute * c[b + ONE_OH] + attempt * c[b + GCPI];
    double dem = Math.min(vcpus, unc1);
    double satU = unc1 > 0 ? Math.min(1, dem / unc1) : 1;
    c[b + COMPUTE] = compute;
    attempts[i] = attempt;
    unc1s[i] = unc1;
    satUs[i] = satU;
    // Cached so that deriving its rates reads no Domain field (the same product, in the same order).
    c[b + DIRTY_NOW] = c[b + DIRTY_MEAN] * d.loadFactor * speed;
    c[b + RUNNING] = running ? 1 : 0;
    dem1[i + 1] = dem;
    int hb = i * HS;
    ioTerms[i] = attempt * dom0PerIo[i];
    // Held to its share (grant g = weight x level < its demand, so below unc1), it issues the share
    // g / unc1 of its I/O and does that share of its work: every rate is a multiple of the level. (With no
    // compute its dirty writes do not scale with its share: it does not follow.)
    boolean canFollow = compute > 0 && unc1 > 0;
    h[hb + CAN_FOLLOW] = canFollow ? 1 : 0;
    if (canFollow) {
      double w = weight[i + 1];
      double uIo = attempt * w / unc1;
      double uWork = w * compute / unc1;
      h[hb + U_IO] = uIo;
      h[hb + U_DOM0] = uIo * dom0PerIo[i];
      h[hb + U_HC] = uWork * c[b + HC_W] + uIo * c[b + HC_IO];
      h[hb + U_EXITS] = uWork * c[b + EX_W] + uIo * c[b + EX_IO];
      h[hb + U_BHC] = uIo * c[b + BHC] * c[b + BHC_F];
      c[b + U_WORK] = uWork;
      c[b + U_DIRTY] = c[b + DIRTY_NOW] * w / unc1;
    }
    double held = satU < 1 && attempt > 0 ? 1 : 0;
    if (held != c[b + HELD]) {
      c[b + HELD] = held;
      heldCount += held > 0 ? 1 : -1;
    }
  }

  /** Guest i's share of its I/O under {@link #sat}. */
  private double satOf(double[] s, int i) {
    return s == null ? satUs[i] : s[i];
  }

  /**
   * Shares the cores out again and derives every domain's rates; a domain whose rates change is accrued
   * up to {@code nowNanos} first. Leaves the node's rates in the fields above.
   */
  void recompute(long nowNanos) {
    recomputes++;
    if (splitValid) {
      if (recomputeBySplit(nowNanos)) {
        incrementalRecomputes++;
        return;
      }
      splitValid = false;
    }
    int paths = 0;
    for (int k = 0; k < changedCount; k++) {
      refresh(changedList[k]);
    }
    // A guest's need (compute plus the CPU side of its I/O) is fixed; Dom0's depends on how much I/O
    // the guests manage to issue, which depends on their shares. Round 1 assumes every guest issues all
    // its I/O; if some guest is held back, round 2 asks Dom0 only for the I/O actually issued.
    double dom0Need = base;
    for (int i = 0; i < n; i++) {
      dom0Need += ioTerms[i];
    }
    double needAll = dom0Need;
    dem1[0] = Math.min(dom0Vcpus, dom0Need);
    if (heldCount == 0 && fits()) {
      // Round 1 grants every demand and holds no guest back (so it is the only round, and Dom0's need is
      // bit for bit the need for all I/O: every term is attempt × 1 × Dom0 cores per I/O).
      grant = dem1;
      sat = null;
      double theta = needAll - base > 0 ? Math.min(1, Math.max(0, dem1[0] - base) / (needAll - base)) : 1;
      if (theta == 1) {
        finishSteady(needAll, nowNanos);
        return;
      }
      System.arraycopy(dem1, 0, grantA, 0, n + 1); // the probe at f = 1 of the fixed point below
      levelA = CreditShares.ALL_SATISFIED;
      theta = dom0BoundFraction(needAll, null);
      paths |= probeSkipped ? NO_IO_PROBE_SKIPPED : 0;
      paths |= theta == 0 ? DOM0_SERVES_NONE : theta == 1 ? DOM0_SERVES_ALL : DOM0_SEARCHED;
      finish(theta, paths, nowNanos);
      return;
    }
    double[] satRound1 = null;
    for (int round = 0; round < 2; round++) {
      double[] g = round == 0 ? grantA : grantB;
      dem1[0] = Math.min(dom0Vcpus, dom0Need);
      boolean heldBack;
      double lv = CreditShares.allocate(cores, dem1, weight, n + 1, g, active);
      if (round == 0) {
        levelA = lv;
      } else {
        levelB = lv;
      }
      if (lv == CreditShares.ALL_SATISFIED) {
        // Every guest got its demand: what it issues depends on itself alone (and, with none held back,
        // Dom0's need is bit for bit the need for all I/O).
        sat = null;
        heldBack = heldCount > 0;
        dom0Need = heldBack ? issuedNeed(null) : needAll;
        if (round == 1) {
          paths |= ROUND_2_FITS;
        }
      } else {
        paths |= OVERSUBSCRIBED;
        sat = round == 0 ? satA : satB;
        heldBack = false;
        for (int i = 0; i < n; i++) {
          double unc1 = unc1s[i];
          sat[i] = unc1 > 0 ? Math.min(1, g[i + 1] / unc1) : 1;
          heldBack |= sat[i] < 1 && attempts[i] > 0;
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
      paths |= probeSkipped ? NO_IO_PROBE_SKIPPED : 0;
      paths |= theta == 0 ? DOM0_SERVES_NONE : theta == 1 ? DOM0_SERVES_ALL : DOM0_SEARCHED;
    }
    finish(theta, paths, nowNanos);
  }

  /**
   * After this many recomputes by the split, a host is recomputed in full once (and its split built afresh from
   * it). The split's sums do not drift (LevelSplit), so this is a safeguard that costs one pass in thousands.
   */
  static final int SPLIT_REBUILT_EVERY = 4096;
  /** {@link #SPLIT_REBUILT_EVERY}, which a test may lift to show that the split's sums do not drift. */
  int splitRebuiltEvery = SPLIT_REBUILT_EVERY;

  /**
   * The incremental common path: when the last recompute ended on round 1's level with Dom0 serving all the
   * I/O (the split was built from it, or kept by this path), one guest's change moves the level in O(log n) and
   * the node's sums come from the split's sums; only the changed guests and those that cross the level are
   * touched. Answers false, having changed nothing the full algorithm reads (it refreshes the changed guests
   * again, to the same values), when the full algorithm is needed: a branch other than that one, or a guest or
   * Dom0 so near the level, or the rounds' Dom0 tests so near their thresholds, that the full algorithm's
   * rounding could decide them otherwise.
   *
   * <p>The full algorithm's decisions are kept (the same branches, the same guests held); its arithmetic is not:
   * the level is {@code (cores - Dom0's demand - the satisfied demands) / the held weights} over exact sums,
   * where CreditShares subtracts the satisfied demands in index order, so the level's last bits differ (by a
   * relative (2n + 4) x 2^-53 x cores / left at most, which this path keeps below 4e-13 by leaving hosts with
   * little left for their held guests to the full algorithm). The Dom0 need and the node's sums come from the
   * split's sums rather than index-order passes, within a few units of the last place.
   */
  private boolean recomputeBySplit(long nowNanos) {
    if (++bySplit > splitRebuiltEvery) {
      return false;
    }
    LevelSplit sp = split;
    for (int k = 0; k < changedCount; k++) {
      int i = changedList[k];
      sp.add(LevelSplit.NEED, -ioTerms[i]);
      count(i, -1);
      if (sp.inSums(i)) {
        countSettled(i, -1);
      }
      refresh(i);
      sp.add(LevelSplit.NEED, ioTerms[i]);
      count(i, 1);
      sp.rekey(i, dem1[i + 1] / weight[i + 1]);
      touch(i);
    }
    // Dom0 asks for its need with all the I/O issued, capped by its vCPUs (clearly below or above them).
    double needAll = base + sp.sum(LevelSplit.NEED);
    boolean capped = needAll > dom0Vcpus;
    if (!(capped ? needAll * (1 - 1e-9) > dom0Vcpus : needAll * (1 + 1e-9) < dom0Vcpus)) {
      return untouch();
    }
    double dom0Demand = capped ? dom0Vcpus : needAll;
    double w0 = weight[0];
    boolean dom0Held = false;
    double lv;
    double left;
    double heldWeight; // the held guests' (Dom0's apart)
    double activeWeight; // the weights sharing what is left: the held guests', and Dom0's when it is held too
    int low;
    int high;
    for (int moves = 0; ; moves++) {
      if (sp.heldSize() == 0 || moves > n + 3) {
        return untouch();
      }
      heldWeight = sp.sum(LevelSplit.HELD_WEIGHT);
      activeWeight = dom0Held ? heldWeight + w0 : heldWeight;
      left = (dom0Held ? cores : cores - dom0Demand) - sp.sum(LevelSplit.SAT_DEMAND);
      lv = left / activeWeight;
      if (dom0Held != dom0Demand > w0 * lv) {
        dom0Held = !dom0Held; // Dom0 is on the other side of the level
        continue;
      }
      low = sp.lowestHeld();
      if (sp.key[low] <= lv) {
        crossOver(low); // the level rose past it: satisfied now
        continue;
      }
      high = sp.highestSatisfied();
      if (high >= 0 && sp.key[high] > lv) {
        crossOver(high); // the level fell below it: held now
        continue;
      }
      break;
    }
    // The full algorithm's left (what is left for the held guests) is off the exact one by its index-order
    // subtractions and Dom0's index-order need, at most (2n + 4) x 2^-53 x cores; so its level and every rate
    // that follows it are within 4e-13 of this path's when left is large enough, which keeps the equivalence
    // with the plain algorithm at 1e-12. The margins: every guest and Dom0 at least 1e-9 x cores / the active
    // weights (in demand over weight) from the level, far beyond what that rounding could move it.
    double margin = 1e-9 * cores / activeWeight;
    if (!(left * 4e-13 > (2 * n + 4) * 0x1p-53 * cores && sp.key[low] > lv + margin
        && (high < 0 || sp.key[high] < lv - margin) && sp.heldNotFollowing == 0
        && (dom0Held ? dom0Demand * (1 - 1e-9) > w0 * (lv + margin) : dom0Demand * (1 + 1e-9) < w0 * (lv - margin)))) {
      return untouch();
    }
    // Dom0's grant in round 1: its demand, or its weighted share when held.
    double dom0Grant = dom0Held ? w0 * lv : dom0Demand;
    int paths = OVERSUBSCRIBED | FOLLOWS_LEVEL | INCREMENTAL;
    double satDom0 = sp.sum(LevelSplit.SAT_DOM0);
    double heldDom0 = sp.sum(LevelSplit.HELD_DOM0);
    if (heldCount > 0 || sp.heldWithIo > 0) {
      // Some guest issues less than all its I/O: the full algorithm runs round 2 with Dom0 asking only for the
      // I/O issued in round 1 (nA). Dom0, satisfied, gets nA, the held guests' shares rise with the level and
      // they issue more (nB > nA): Dom0 is short, and the fixed point's first probe, round 1's allocation, where
      // Dom0's grant covers nA, answers 1 without its probe at 0. So round 1's allocation stands, as here. Each
      // test with a margin far beyond the full algorithm's rounding of the same sums.
      double nA = base + satDom0 + lv * heldDom0;
      double nB = issuedNeedOfRound2(nA, heldWeight, satDom0, heldDom0);
      double tolerance = 1e-9 * needAll;
      if (!(nB - nA > tolerance && dom0Grant - nA > tolerance
          && dom0Grant - base > 1.000001 * (1e-9 + cores * (n + 2.0) * (n + 2.0) * 1e-15) + tolerance)) {
        return untouch();
      }
      paths |= HELD_BACK | DOM0_SERVES_ALL | NO_IO_PROBE_SKIPPED;
    } else if (dom0Held || capped) {
      return untouch(); // Dom0 granted less than the I/O all guests issue: the fixed point's
    }
    level.set(lv, nowNanos);
    for (int k = 0; k < touchedCount; k++) {
      int i = touched[k];
      isTouched[i] = false;
      int hb = i * HS;
      if (sp.held(i)) {
        h[hb + IO] = h[hb + U_IO] * lv;
        h[hb + CPU] = weight[i + 1] * lv;
        h[hb + HC] = h[hb + U_HC] * lv;
        h[hb + EXITS] = h[hb + U_EXITS] * lv;
        h[hb + BACKEND_HC] = h[hb + U_BHC] * lv;
        follow(i, nowNanos);
      } else {
        h[hb + IO] = attempts[i] * satUs[i] * 1.0;
        settleGuest(i, dem1[i + 1], nowNanos);
        countSettled(i, 1);
      }
    }
    touchedCount = 0;
    steady = false;
    changedCount = 0;
    lastPaths = paths;
    double dom0 = Math.min(dom0Grant, base + satDom0 + lv * heldDom0);
    dom0Cores = dom0;
    busyCores = dom0 + sp.sum(LevelSplit.SAT_CPU) + lv * heldWeight;
    hypercallRate = Math.min(dom0Grant, base) * dom0HypercallsPerCpuSecond + sp.sum(LevelSplit.SAT_HC)
        + lv * sp.sum(LevelSplit.HELD_HC);
    vmExitRate = sp.sum(LevelSplit.SAT_EXITS) + lv * sp.sum(LevelSplit.HELD_EXITS);
    guestIoPerSecond = sp.sum(LevelSplit.SAT_IO) + lv * sp.sum(LevelSplit.HELD_IO);
    return true;
  }

  /**
   * Round 2 of the full algorithm, from the split: Dom0 asks only for {@code nA} (and gets it: its grant in round 1
   * covered it, and the level only rises), so the level rises, and a held
   * guest whose key it passes is satisfied (taken across and put back: the split is left as it was). Answers
   * Dom0's need for the I/O the guests issue then (nB), or NaN when none stays held or a guest lies within the
   * margin of that level.
   */
  private double issuedNeedOfRound2(double nA, double heldWeight, double satDom0, double heldDom0) {
    LevelSplit sp = split;
    double satDemand = sp.sum(LevelSplit.SAT_DEMAND);
    double w = heldWeight;
    double sd = satDom0;
    double hd = heldDom0;
    int crossed = 0;
    double lv;
    while (true) {
      lv = (cores - nA - satDemand) / w;
      int low = sp.lowestHeld();
      if (sp.key[low] > lv) {
        break;
      }
      satDemand += dem1[low + 1];
      w -= weight[low + 1];
      sd += attempts[low] * satUs[low] * dom0PerIo[low];
      hd -= h[low * HS + U_DOM0];
      sp.cross(low);
      roundTwo[crossed++] = low;
      if (sp.heldSize() == 0) {
        break;
      }
    }
    double margin = 1e-9 * cores / w;
    boolean clear = sp.heldSize() > 0 && sp.key[sp.lowestHeld()] > lv + margin
        && nA * (1 + 1e-9) < weight[0] * (lv - margin) // Dom0 satisfied
        && (crossed == 0 || sp.key[roundTwo[crossed - 1]] < lv - margin); // the last taken has the highest key
    for (int k = crossed - 1; k >= 0; k--) {
      sp.cross(roundTwo[k]);
    }
    return clear ? base + sd + lv * hd : Double.NaN;
  }

  /** The split is left for the full algorithm, which builds it again if it ends on round 1's level: false. */
  private boolean untouch() {
    for (int k = 0; k < touchedCount; k++) {
      isTouched[touched[k]] = false;
    }
    touchedCount = 0;
    return false;
  }

  private void touch(int i) {
    if (!isTouched[i]) {
      isTouched[i] = true;
      touched[touchedCount++] = i;
    }
  }

  /** Guest i crosses the level: its terms move to the other side's sums (its settled rates leave them). */
  private void crossOver(int i) {
    count(i, -1);
    if (split.inSums(i)) {
      countSettled(i, -1);
    }
    split.cross(i);
    count(i, 1);
    touch(i);
  }

  /** Adds (sign 1) or takes away (-1) guest i's terms on its side of the split, but a satisfied guest's rates. */
  private void count(int i, int sign) {
    count(split, i, sign);
  }

  private void count(LevelSplit sp, int i, int sign) {
    if (sp.held(i)) {
      int hb = i * HS;
      sp.add(LevelSplit.HELD_WEIGHT, sign * weight[i + 1]);
      if (attempts[i] > 0) {
        sp.heldWithIo += sign;
      }
      if (h[hb + CAN_FOLLOW] != 0) {
        sp.add(LevelSplit.HELD_DOM0, sign * h[hb + U_DOM0]);
        sp.add(LevelSplit.HELD_IO, sign * h[hb + U_IO]);
        sp.add(LevelSplit.HELD_HC, sign * h[hb + U_HC]);
        sp.add(LevelSplit.HELD_HC, sign * h[hb + U_BHC]);
        sp.add(LevelSplit.HELD_EXITS, sign * h[hb + U_EXITS]);
      } else {
        sp.heldNotFollowing += sign;
      }
    } else {
      sp.add(LevelSplit.SAT_DEMAND, sign * dem1[i + 1]);
      sp.add(LevelSplit.SAT_DOM0, sign * (attempts[i] * satUs[i] * dom0PerIo[i]));
    }
  }

  /** Adds (sign 1) or takes away (-1) a satisfied guest's rates as its last settle left them. */
  private void countSettled(int i, int sign) {
    countSettled(split, i, sign);
  }

  private void countSettled(LevelSplit sp, int i, int sign) {
    int hb = i * HS;
    sp.add(LevelSplit.SAT_CPU, sign * h[hb + CPU]);
    sp.add(LevelSplit.SAT_HC, sign * h[hb + BACKEND_HC]);
    sp.add(LevelSplit.SAT_HC, sign * h[hb + HC]);
    sp.add(LevelSplit.SAT_EXITS, sign * h[hb + EXITS]);
    sp.add(LevelSplit.SAT_IO, sign * h[hb + IO]);
    sp.setInSums(i, sign > 0);
  }

  /**
   * After a full recompute that ended on round 1's level with Dom0 serving all the I/O: the split as it left the
   * guests (held: granted less than their demand), for the next recompute. O(n), once per full recompute.
   */
  private void buildSplit() {
    LevelSplit sp = split;
    sp.reset(n);
    for (int i = 0; i < n; i++) {
      boolean held = grantA[i + 1] < dem1[i + 1];
      if (held && h[i * HS + CAN_FOLLOW] == 0) {
        return; // it is derived afresh at every recompute: the full algorithm's
      }
      sp.key[i] = dem1[i + 1] / weight[i + 1];
      sp.place(i, held);
      sp.add(LevelSplit.NEED, ioTerms[i]);
      count(i, 1);
      if (!held) {
        countSettled(i, 1);
      }
    }
    sp.order();
    splitValid = true;
    bySplit = 0;
    splitBuilds++;
  }

  /** For tests: how many guests the split holds to their shares (-1 when it is not in use). */
  int heldGuests() {
    return splitValid ? split.heldSize() : -1;
  }

  /**
   * For tests: how far the split's running sums are from the same sums taken afresh over the guests' present
   * terms, at most, relative to the sum of those terms' magnitudes (every term is at least 0); 0 when the split
   * is not in use.
   */
  double splitDrift() {
    if (!splitValid) {
      return 0;
    }
    LevelSplit fresh = new LevelSplit();
    LevelSplit magnitude = new LevelSplit();
    fresh.reset(n);
    magnitude.reset(n);
    for (int i = 0; i < n; i++) {
      boolean held = split.held(i);
      fresh.place(i, held);
      magnitude.place(i, held);
      fresh.add(LevelSplit.NEED, ioTerms[i]);
      magnitude.add(LevelSplit.NEED, Math.abs(ioTerms[i]));
      count(fresh, i, 1);
      count(magnitude, i, 1); // every term is at least 0
      if (split.inSums(i)) {
        countSettled(fresh, i, 1);
        countSettled(magnitude, i, 1);
      }
    }
    double drift = 0;
    for (int k = 0; k < LevelSplit.SUMS; k++) {
      double m = magnitude.sum(k);
      if (m > 0) { // (a sum of no terms but zeros is what rounding left of the terms gone: nothing to compare with)
        drift = Math.max(drift, Math.abs(split.sum(k) - fresh.sum(k)) / m);
      }
    }
    return drift;
  }

  /** Whether round 1's demands fit the cores: CreditShares' own test, on the same sum. */
  private boolean fits() {
    double total = 0;
    for (int i = 0; i <= n; i++) {
      total += dem1[i];
    }
    return total <= cores;
  }

  /**
   * The end of a steady recompute: every guest gets its demand and issues all the I/O it can. After a
   * steady recompute, an unchanged guest's grant and I/O are the same bits: only the changed guests are
   * derived; otherwise all are compared. Dom0 works base + all the I/O (needAll, bit for bit).
   */
  private void finishSteady(double needAll, long nowNanos) {
    if (steady) {
      for (int k = 0; k < changedCount; k++) {
        int i = changedList[k];
        h[i * HS + IO] = attempts[i] * satUs[i] * 1.0;
        guestRates(i, dem1[i + 1], nowNanos);
      }
    } else {
      for (int i = 0; i < n; i++) {
        h[i * HS + IO] = attempts[i] * satUs[i] * 1.0;
        settleGuest(i, dem1[i + 1], nowNanos);
      }
    }
    steady = true;
    changedCount = 0;
    lastPaths = STEADY;
    sums(Math.min(dem1[0], needAll), dem1[0]);
  }

  /**
   * The end of any other recompute: every guest's I/O at the common fraction theta, every guest compared.
   * When Dom0 serves all the I/O and the allocation is one of the rounds' (not the fixed point's), a guest
   * held to its share follows the level: nothing of its Domain is touched unless it starts following.
   */
  private void finish(double theta, int paths, long nowNanos) {
    double lv = grant == grantA ? levelA : grant == grantB ? levelB : CreditShares.ALL_SATISFIED;
    boolean byLevel = theta == 1 && lv >= 0;
    if (byLevel) {
      level.set(lv, nowNanos);
    }
    double dom0Work = base;
    for (int i = 0; i < n; i++) {
      int hb = i * HS;
      if (byLevel && grant[i + 1] < dem1[i + 1] && h[hb + CAN_FOLLOW] != 0) {
        h[hb + IO] = h[hb + U_IO] * lv;
        dom0Work += h[hb + U_DOM0] * lv;
        h[hb + CPU] = weight[i + 1] * lv;
        h[hb + HC] = h[hb + U_HC] * lv;
        h[hb + EXITS] = h[hb + U_EXITS] * lv;
        h[hb + BACKEND_HC] = h[hb + U_BHC] * lv;
        follow(i, nowNanos);
        paths |= FOLLOWS_LEVEL;
      } else {
        // With theta 0 the shares may be partly derived (probeNoIo); attempt × share × 0 is 0 anyway.
        double x = theta == 0 ? 0 : attempts[i] * satOf(sat, i) * theta;
        h[hb + IO] = x;
        dom0Work += x * dom0PerIo[i];
        settleGuest(i, grant[i + 1], nowNanos);
      }
    }
    steady = false;
    changedCount = 0;
    lastPaths = paths;
    // Dom0 uses what its base load and the served I/O take, never more than it was granted.
    sums(Math.min(grant[0], dom0Work), grant[0]);
    if (byLevel && grant == grantA) {
      buildSplit();
    }
  }

  /** Guest i's rates follow the level from now on; its Domain is touched only if they did not, or its terms changed. */
  private void follow(int i, long nowNanos) {
    int b = i * CS;
    int hb = i * HS;
    boolean changed = c[b + CHANGED] != 0;
    if (h[hb + FOLLOWS] != 0 && !changed) {
      return;
    }
    Domain d = slot[i];
    if (changed) {
      d.updateDemand(nowNanos);
    }
    d.accrue(nowNanos); // under the rates it had, or the multiples it had, up to now
    accruals++;
    d.follow(level, weight[i + 1], c[b + U_WORK], h[hb + U_IO], h[hb + U_HC], h[hb + U_EXITS], c[b + U_DIRTY]);
    h[hb + FOLLOWS] = 1;
    c[b + CHANGED] = 0;
    c[b + LAST_GRANT] = Double.NaN; // when it stops following, its rates are derived again
  }

  /** Derives guest i's rates unless its inputs, grant and served I/O are bit for bit those of last time. */
  private void settleGuest(int i, double g, long nowNanos) {
    int b = i * CS;
    if (c[b + CHANGED] != 0 || Double.doubleToRawLongBits(g) != Double.doubleToRawLongBits(c[b + LAST_GRANT])
        || Double.doubleToRawLongBits(h[i * HS + IO]) != Double.doubleToRawLongBits(c[b + LAST_IO])) {
      guestRates(i, g, nowNanos);
    }
  }

  /** The node's rates: Dom0's cores, then every guest's in domid order. */
  private void sums(double dom0, double dom0Grant) {
    dom0Cores = dom0;
    double busy = dom0;
    double hcs = Math.min(dom0Grant, base) * dom0HypercallsPerCpuSecond;
    double exitSum = 0;
    double ioSum = 0;
    for (int i = 0; i < n; i++) {
      int b = i * HS;
      busy += h[b + CPU];
      hcs += h[b + BACKEND_HC];
      hcs += h[b + HC];
      exitSum += h[b + EXITS];
      ioSum += h[b + IO];
    }
    busyCores = busy;
    hypercallRate = hcs;
    vmExitRate = exitSum;
    guestIoPerSecond = ioSum;
  }

  /** Dom0's need for the I/O the guests issue with shares {@code s}: its base load first, then guest by guest. */
  private double issuedNeed(double[] s) {
    double need = base;
    for (int i = 0; i < n; i++) {
      need += attempts[i] * satOf(s, i) * dom0PerIo[i];
    }
    return need;
  }

  /**
   * A guest's rates from its grant and served I/O, onto the domain (accrued first) if they moved. Its own
   * inputs are read from the cold block (refresh), so an unchanged guest whose rates stay costs no read
   * of its Domain, and one whose rates move only the accrual's.
   */
  private void guestRates(int i, double g, long nowNanos) {
    int b = i * CS;
    int hb = i * HS;
    double x = h[hb + IO];
    double compute = c[b + COMPUTE];
    double cpu = Math.min(g, compute * c[b + ONE_OH] + x * c[b + GCPI]);
    double work = Math.max(0, cpu - x * c[b + GCPI]) / c[b + ONE_OH];
    double progress = compute > 0 ? work / compute : c[b + RUNNING];
    double dirty = c[b + DIRTY_NOW] * Math.min(1, progress);
    // A count the guest's type does not have is 0 here, and work × 0 + x × 0 is exactly 0.
    double dHc = work * c[b + HC_W] + x * c[b + HC_IO];
    double dExits = work * c[b + EX_W] + x * c[b + EX_IO];
    h[hb + BACKEND_HC] = x * c[b + BHC] * c[b + BHC_F];
    Domain d = slot[i];
    if (c[b + CHANGED] != 0) {
      // Only a change of its load, throttle or state moves its request (log-dirty's own change updates it).
      d.updateDemand(nowNanos);
    }
    boolean followed = h[hb + FOLLOWS] != 0;
    if (followed) {
      d.accrue(nowNanos); // under the level up to now
      d.unfollow();
      h[hb + FOLLOWS] = 0;
    }
    boolean moved = cpu != d.cpuCores || x != d.ioPerSecond || dirty != d.dirtyWritesPerSecond || work != d.workCores;
    if (followed || moved) {
      accruals++; // one domain accrued, whether it stopped following, its rates moved, or both
    }
    if (moved) {
      d.accrue(nowNanos); // the old rates held until now (nothing more when it just stopped following)
      d.cpuCores = cpu;
      d.workCores = work;
      d.ioPerSecond = x;
      d.dirtyWritesPerSecond = dirty;
      d.hypercallsPerSecond = dHc;
      d.vmExitsPerSecond = dExits;
    }
    h[hb + CPU] = cpu;
    h[hb + HC] = dHc;
    h[hb + EXITS] = dExits;
    c[b + LAST_GRANT] = g;
    c[b + LAST_IO] = x;
    c[b + CHANGED] = 0;
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
   * @param satRound1 the shares of round 1 (null: satUs), whose allocation, in {@link #grantA}, is the
   *     probe at {@code f = 1}
   */
  private double dom0BoundFraction(double needAll, double[] satRound1) {
    double b = 1;
    double fb = servable(grantA, satRound1) - 1;
    // The answer is 1 when fb >= 0, unless servable(0) is 0, which needs Dom0's grant at f = 0 not above its
    // base load. Weighted max-min is monotone: with every guest asking no more (at f = 0 each asks at most
    // what it asks at f = 1, Dom0 the same), Dom0 gets no less. So when its grant at f = 1 exceeds its base
    // by more than the water-filling's rounding could take away (and than its 1e-12 cut), the probe at
    // f = 0, an allocation, cannot change the answer and is skipped.
    probeSkipped = fb >= 0 && grantA[0] - base > 1e-9 + cores * (n + 2.0) * (n + 2.0) * 1e-15;
    if (probeSkipped) {
      grant = grantA;
      sat = satRound1;
      return 1;
    }
    double a = 0;
    double fa = probeNoIo(needAll);
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
      double cc = (a * fb - b * fa) / (fb - fa);
      if (!(cc > a && cc < b)) {
        cc = (a + b) / 2;
      }
      double fc = servableMinus(needAll, cc, grantF, satF);
      if (fc >= 0) {
        a = cc;
        fa = fc;
        if (side == 1) {
          fb /= 2; // Illinois: keep the stale end from stalling the secant
        }
        side = 1;
      } else {
        b = cc;
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
        if (attempts[i] * s * dom0PerIo[i] > 0) {
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
      int b = i * CS;
      uncF[i] = c[b + COMPUTE] * c[b + ONE_OH] + attempts[i] * f * c[b + GCPI];
      demF[i + 1] = Math.min(c[b + VCPUS], uncF[i]);
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
      perUnit += attempts[i] * satOf(s, i) * dom0PerIo[i];
    }
    double servable = perUnit > 0 ? Math.max(0, g[0] - base) / perUnit : Double.MAX_VALUE;
    return Math.min(servable, 2);
  }

  /** The machine crashed (HostModel zeroed every domain's rates): everything is derived afresh next time. */
  void halted() {
    splitValid = false;
    for (int i = 0; i < n; i++) {
      changed(slot[i]);
      h[i * HS + FOLLOWS] = 0; // HostModel stops every domain's rates
    }
    steady = false;
    dom0Cores = 0;
    busyCores = 0;
    hypercallRate = 0;
    vmExitRate = 0;
    guestIoPerSecond = 0;
  }
}
