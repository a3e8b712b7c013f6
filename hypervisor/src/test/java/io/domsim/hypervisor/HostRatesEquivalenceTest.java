package io.domsim.hypervisor;

import static io.domsim.hypervisor.Fixtures.COSTS;
import static io.domsim.hypervisor.Fixtures.GIB;
import static io.domsim.hypervisor.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HostModel (with its incremental {@link HostRates}) against {@link PlainHostModel}, the plain algorithm
 * it replaced: the same random hosts driven by the same random changes must give every domain and the
 * node the same rates and the same integrals, to 1e-12 (a guest held to its share follows its host's
 * credit level, whose arithmetic rounds differently; the plain model derives every guest every time).
 */
class HostRatesEquivalenceTest {

  /** The two models side by side, and what the random changes went through. */
  private static final class Pair {
    final HostModel fast;
    final PlainHostModel plain;
    int paths;
    long t;

    Pair(Hardware hw, int dom0Vcpus, int dom0Weight) {
      fast = new HostModel(hw, COSTS, dom0Vcpus, GIB, dom0Weight);
      plain = new PlainHostModel(hw, COSTS, dom0Vcpus, GIB, dom0Weight);
    }
  }

  private static GuestSpec randomGuest(SplittableRandom rnd, String name, boolean ioHeavy, boolean hosted) {
    GuestType type = GuestType.values()[rnd.nextInt(GuestType.values().length)];
    if (hosted && type.xenOnly()) {
      type = type == GuestType.PV ? GuestType.HVM : GuestType.PVHVM; // what a type-2 node runs
    }
    double io = switch (rnd.nextInt(4)) {
      case 0 -> 0;
      case 1 -> rnd.nextDouble() * 2_000;
      default -> rnd.nextDouble() * (ioHeavy ? 80_000 : 10_000);
    };
    WorkloadSpec w = new WorkloadSpec(rnd.nextInt(8) == 0 ? 0 : rnd.nextDouble(), rnd.nextDouble() * 30_000,
        64 * MIB, io, 0, Duration.ofSeconds(5));
    if (rnd.nextInt(3) == 0) {
      w = w.withKernelCalls(rnd.nextDouble() * 50_000, rnd.nextDouble() * 20_000); // 64-bit PV's extra costs
    }
    int weight = rnd.nextInt(3) == 0 ? 256 : 1 + rnd.nextInt(1024);
    return new GuestSpec(name, type, 1 + rnd.nextInt(8), GIB, weight, Optional.empty(), w);
  }

  /** A workload level as the Hypervisor draws them: log-normal, mean 1, coefficient of variation 0.5-1.5. */
  private static double level(SplittableRandom rnd) {
    double cv = 0.5 + rnd.nextDouble();
    double sigma2 = Math.log1p(cv * cv);
    return Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * rnd.nextGaussian());
  }

  /** One random change, applied to both models the same way (a deferred load change is a plain one there). */
  private static void step(Pair p, SplittableRandom rnd, int[] names, boolean ioHeavy, int maxGuests) {
    if (rnd.nextInt(4) != 0) {
      p.t += rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(2_000_000_000);
    }
    long t = p.t;
    if (p.fast.halted()) {
      if (rnd.nextInt(3) == 0) {
        p.fast.reboot(t);
        p.plain.reboot(t);
      }
      return;
    }
    List<Domain> fastGuests = p.fast.guests();
    int n = fastGuests.size();
    int op = rnd.nextInt(114);
    if (n == 0 || op < 12 && n < maxGuests) {
      GuestSpec spec = randomGuest(rnd, "g" + names[0]++, ioHeavy, p.fast.hardware().kind().hosted());
      boolean paused = rnd.nextInt(8) == 0;
      p.fast.createDomain(spec, null, paused, t);
      p.plain.createDomain(spec, null, paused, t);
      return;
    }
    Domain f = fastGuests.get(rnd.nextInt(n));
    int domid = f.domid();
    if (op < 16) {
      p.fast.destroyDomain(domid, t);
      p.plain.destroyDomain(domid, t);
    } else if (op >= 108) {
      // Dom0's migration work (its sender's and receiver's cycles) moves its base load, and with it the level.
      double cycles = rnd.nextBoolean() ? 0 : rnd.nextDouble() * 2 * p.fast.hardware().cyclesPerCoreSecond();
      p.fast.setDom0MigrationWork(cycles, t);
      p.plain.setDom0MigrationWork(cycles, t);
    } else if (op < 24) {
      DomainState s = f.state() == DomainState.RUNNING ? DomainState.PAUSED : DomainState.RUNNING;
      p.fast.setState(domid, s, t);
      p.plain.setState(domid, s, t);
    } else if (op < 32) {
      double throttle = rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.99;
      p.fast.setThrottle(domid, throttle, t);
      p.plain.setThrottle(domid, throttle, t);
    } else if (op < 60) {
      double lf = level(rnd);
      p.fast.setLoadFactor(domid, lf, t);
      p.plain.setLoadFactor(domid, lf, t);
    } else if (op < 99) {
      // A burst of workload phases at one instant, deferred on the fast side.
      // (Applied one by one, the plain model would also accrue a guest whose rates change and change back
      // within the instant: the same integral, cut in two, may differ in its last bit.)
      int k = 1 + rnd.nextInt(4);
      int[] domids = new int[k];
      double[] factors = new double[k];
      for (int j = 0; j < k; j++) {
        Domain d = fastGuests.get(rnd.nextInt(n));
        domids[j] = d.domid();
        factors[j] = level(rnd);
        p.fast.deferLoadFactor(d, factors[j], t);
      }
      p.plain.setLoadFactors(domids, factors, t);
    } else if (op < 100) {
      p.fast.halt(t);
      p.plain.halt(t);
    } else if (!f.logDirty()) {
      // Log-dirty mode, as a migration holds a guest: its rates and integrals leave its host's arrays
      // (HostRates.release) and come back when the log is off (reattach).
      p.fast.enableLogDirty(domid, t);
      p.plain.enableLogDirty(domid, t);
    } else if (op < 103) {
      assertEquals(p.plain.cleanDirtyLog(domid, t), p.fast.cleanDirtyLog(domid, t), "pages cleaned");
    } else if (op < 105) {
      assertEquals(p.plain.peekDirtyLog(domid, t), p.fast.peekDirtyLog(domid, t), "pages peeked");
    } else {
      p.fast.disableLogDirty(domid, t);
      p.plain.disableLogDirty(domid, t);
    }
    p.paths |= p.fast.rates().lastPaths;
  }

  /**
   * Equal to 1e-12 of the larger magnitude (or of {@code scale}, for a figure that is a small difference of
   * large ones): a guest held to its share follows its host's credit level, whose products and integrals
   * are rounded differently from the plain per-guest arithmetic (CreditLevel).
   */
  private static void close(double expected, double actual, double scale, String what) {
    double tolerance = 1e-12 * Math.max(scale, Math.max(Math.abs(expected), Math.abs(actual)));
    if (!(Math.abs(expected - actual) <= tolerance)) {
      assertEquals(expected, actual, tolerance, what);
    }
  }

  private static void close(double expected, double actual, String what) {
    close(expected, actual, 0, what);
  }

  private static void assertSame(Pair p, String where) {
    HostModel f = p.fast;
    PlainHostModel r = p.plain;
    // Rates first (they settle a deferred change), then the integrals up to now.
    double cores = f.hardware().cores();
    close(r.busyCores(), f.busyCores(), cores, where + ": busy cores");
    close(r.dom0Cores(), f.dom0Cores(), cores, where + ": Dom0 cores");
    close(r.watts(), f.watts(), where + ": watts");
    close(r.hypercallRate(), f.hypercallRate(), where + ": hypercall rate");
    close(r.vmExitRate(), f.vmExitRate(), where + ": VM exit rate");
    close(r.guestNetworkBitsPerSecond(), f.guestNetworkBitsPerSecond(), where + ": guest network");
    List<Domain> fg = f.guests();
    List<Domain> rg = r.guests();
    assertEquals(rg.size(), fg.size(), where + ": guests");
    for (int i = 0; i < fg.size(); i++) {
      Domain a = fg.get(i);
      Domain b = rg.get(i);
      String who = where + ": " + a.name();
      assertEquals(b.name(), a.name(), who);
      close(b.cpuCores(), a.cpuCores(), cores, who + " cpu");
      close(b.workCores(), a.workCores(), cores, who + " work");
      close(b.ioPerSecond(), a.ioPerSecond(), who + " io");
      close(b.hypercallsPerSecond(), a.hypercallsPerSecond(), who + " hypercalls/s");
      close(b.vmExitsPerSecond(), a.vmExitsPerSecond(), who + " VM exits/s");
      close(b.dirtyWritesPerSecond(), a.dirtyWritesPerSecond(), who + " dirty writes/s");
      assertEquals(b.requestCores(), a.requestCores(), who + " request");
      assertEquals(b.logDirty(), a.logDirty(), who + " log-dirty");
    }
    f.integrate(p.t);
    r.integrate(p.t);
    double seconds = p.t / 1e9;
    close(r.busyCoreSeconds(), f.busyCoreSeconds(), cores * seconds, where + ": busy core-seconds");
    close(r.dom0CoreSeconds(), f.dom0CoreSeconds(), cores * seconds, where + ": Dom0 core-seconds");
    close(r.energyJoules(), f.energyJoules(), where + ": energy");
    close(r.hypercalls(), f.hypercalls(), where + ": hypercalls");
    close(r.vmExits(), f.vmExits(), where + ": VM exits");
    for (int i = 0; i < fg.size(); i++) {
      Domain a = fg.get(i);
      Domain b = rg.get(i);
      String who = where + ": " + a.name();
      double vcpuSeconds = a.spec().vcpus() * seconds;
      close(b.cpuSeconds(), a.cpuSeconds(), vcpuSeconds, who + " cpu-seconds");
      close(b.workSeconds(), a.workSeconds(), vcpuSeconds, who + " work-seconds");
      close(b.ioCompleted(), a.ioCompleted(), who + " I/Os");
      close(b.hypercalls(), a.hypercalls(), who + " hypercalls");
      close(b.vmExits(), a.vmExits(), who + " VM exits");
      close(b.requestSeconds(), a.requestSeconds(), who + " requested core-seconds");
      close(b.unservedSeconds(), a.unservedSeconds(), vcpuSeconds, who + " unserved core-seconds");
      close(b.unservedMigratingSeconds(), a.unservedMigratingSeconds(), vcpuSeconds, who + " unserved while held");
      // A page count: the expected dirty count rounded, which a last-bit difference can tip by one.
      assertTrue(Math.abs(b.dirtyPages() - a.dirtyPages()) <= 1, who + " dirty pages " + b.dirtyPages() + " vs "
          + a.dirtyPages());
    }
  }

  /**
   * Random hosts (1-48 cores, Dom0 of 1-4 vCPUs and random weight) under random changes: guests of both
   * types created (up to 1-48, so many hosts are oversubscribed) and destroyed, paused, throttled, their
   * loads changed one at a time or several at one instant, their dirty logs switched on, cleaned, peeked and
   * off, the machine halted and rebooted. Every
   * branch of the algorithm must be reached, and the two models must agree after every change.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void incrementalRatesAreThePlainOnes(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int paths = 0;
    int compared = 0;
    for (int host = 0; host < 60; host++) {
      int cores = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 48);
      int maxGuests = 1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 48);
      Hardware hw = Fixtures.hardware(cores, 4096 * GIB, true);
      if (rnd.nextInt(4) == 0) {
        hw = hw.withKind(HypervisorKind.TYPE_2); // a hosted node: its host OS in Dom0's place
      }
      boolean ioHeavy = rnd.nextInt(3) == 0;
      // A light Dom0 (weight 1-16) on a full host does not get even its base load.
      int dom0Weight = switch (rnd.nextInt(3)) {
        case 0 -> 256;
        case 1 -> 1 + rnd.nextInt(16);
        default -> 1 + rnd.nextInt(1024);
      };
      Pair p = new Pair(hw, 1 + rnd.nextInt(Math.min(4, cores)), dom0Weight);
      int[] names = {0};
      for (int s = 0; s < 400; s++) {
        step(p, rnd, names, ioHeavy, maxGuests);
        if (rnd.nextInt(3) == 0 || s == 399) {
          assertSame(p, "seed " + seed + " host " + host + " step " + s);
          compared++;
        }
      }
      paths |= p.paths;
    }
    assertTrue(compared > 1000, "compared " + compared + " times");
    for (int path : new int[] {RecomputePaths.FOLLOWS_LEVEL, RecomputePaths.OVERSUBSCRIBED, RecomputePaths.HELD_BACK,
        RecomputePaths.DOM0_SERVES_NONE, RecomputePaths.DOM0_SERVES_ALL, RecomputePaths.DOM0_SEARCHED, RecomputePaths.ROUND_2_FITS, RecomputePaths.STEADY,
        RecomputePaths.NO_IO_PROBE_SKIPPED, RecomputePaths.INCREMENTAL}) {
      assertTrue((paths & path) != 0, "seed " + seed + ": no random host went through path " + path);
    }
  }

  /**
   * A guest of a dense host as scale-1000's are: it computes (so that, held to its share, it follows the level),
   * with a moderate I/O rate that Dom0 can serve; now and then one that only does I/O, or is idle.
   */
  private static GuestSpec denseGuest(SplittableRandom rnd, String name, boolean hosted, boolean io) {
    GuestType type = GuestType.values()[rnd.nextInt(GuestType.values().length)];
    if (hosted && type.xenOnly()) {
      type = type == GuestType.PV ? GuestType.HVM : GuestType.PVHVM;
    }
    double cpu = rnd.nextInt(20) == 0 ? 0 : 0.2 + 0.8 * rnd.nextDouble();
    double ioRate = !io || rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble() * 3_000;
    WorkloadSpec w = new WorkloadSpec(cpu, rnd.nextDouble() * 30_000, 64 * MIB, ioRate, 0, Duration.ofSeconds(5));
    int weight = rnd.nextInt(2) == 0 ? 256 : 1 + rnd.nextInt(1024);
    return new GuestSpec(name, type, 1 + rnd.nextInt(4), GIB, weight, Optional.empty(), w);
  }

  /**
   * A dense host: 4-32 cores, 2-4 guests a core (at least 15), Dom0 of 2-4 vCPUs and weight 256-1,279; on one
   * host in four no guest does I/O (then no guest is held back by it, and the full algorithm has one round).
   */
  private static Pair denseHost(SplittableRandom rnd, int[] names) {
    boolean io = rnd.nextInt(4) != 0;
    int cores = 4 + rnd.nextInt(29);
    Hardware hw = Fixtures.hardware(cores, 4096 * GIB, true);
    if (rnd.nextInt(4) == 0) {
      hw = hw.withKind(HypervisorKind.TYPE_2);
    }
    Pair p = new Pair(hw, 2 + rnd.nextInt(3), 256 + rnd.nextInt(1024));
    int guests = Math.max(15, cores * (2 + rnd.nextInt(3)));
    for (int i = 0; i < guests; i++) {
      GuestSpec spec = denseGuest(rnd, "g" + names[0]++, hw.kind().hosted(), io);
      p.fast.createDomain(spec, null, false, 0);
      p.plain.createDomain(spec, null, false, 0);
    }
    return p;
  }

  /**
   * One change on a dense host, as a run makes them: mostly workload phases (one, or a few at one instant),
   * now and then a load change applied at once, a throttle, a pause, Dom0's migration work, a dirty log, a
   * guest created or destroyed.
   */
  private static void denseStep(Pair p, SplittableRandom rnd, int[] names) {
    p.t += rnd.nextInt(8) == 0 ? 0 : 1 + rnd.nextInt(300_000_000);
    long t = p.t;
    List<Domain> guests = p.fast.guests();
    int n = guests.size();
    Domain f = guests.get(rnd.nextInt(n));
    int domid = f.domid();
    int op = rnd.nextInt(200);
    if (op < 170) {
      int k = rnd.nextInt(5) == 0 ? 2 + rnd.nextInt(3) : 1;
      int[] domids = new int[k];
      double[] factors = new double[k];
      for (int j = 0; j < k; j++) {
        Domain d = guests.get(rnd.nextInt(n));
        domids[j] = d.domid();
        factors[j] = level(rnd);
        p.fast.deferLoadFactor(d, factors[j], t);
      }
      p.plain.setLoadFactors(domids, factors, t);
    } else if (op < 178) {
      double lf = level(rnd);
      p.fast.setLoadFactor(domid, lf, t);
      p.plain.setLoadFactor(domid, lf, t);
    } else if (op < 182) {
      double throttle = rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.9;
      p.fast.setThrottle(domid, throttle, t);
      p.plain.setThrottle(domid, throttle, t);
    } else if (op < 186) {
      DomainState s = f.state() == DomainState.RUNNING ? DomainState.PAUSED : DomainState.RUNNING;
      p.fast.setState(domid, s, t);
      p.plain.setState(domid, s, t);
    } else if (op < 190) {
      double cycles = rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.5 * p.fast.hardware().cyclesPerCoreSecond();
      p.fast.setDom0MigrationWork(cycles, t);
      p.plain.setDom0MigrationWork(cycles, t);
    } else if (op < 196) {
      if (!f.logDirty()) {
        p.fast.enableLogDirty(domid, t);
        p.plain.enableLogDirty(domid, t);
      } else if (rnd.nextBoolean()) {
        assertEquals(p.plain.cleanDirtyLog(domid, t), p.fast.cleanDirtyLog(domid, t), "pages cleaned");
      } else {
        p.fast.disableLogDirty(domid, t);
        p.plain.disableLogDirty(domid, t);
      }
    } else if (op < 198 || n < 10) {
      GuestSpec spec = denseGuest(rnd, "g" + names[0]++, p.fast.hardware().kind().hosted(),
          p.fast.guests().stream().anyMatch(g -> g.spec().workload().ioRate() > 0));
      p.fast.createDomain(spec, null, false, t);
      p.plain.createDomain(spec, null, false, t);
    } else {
      p.fast.destroyDomain(domid, t);
      p.plain.destroyDomain(domid, t);
    }
    p.paths |= p.fast.rates().lastPaths;
  }

  /**
   * The incremental common path (HostRates.recomputeBySplit) on random dense hosts under random sequences of
   * changes: it is taken for most recomputes, on hosts with guests held back and without, and every domain and
   * the node agree with the plain algorithm to 1e-12 after every change, as on the full path. (Its level differs
   * from CreditShares' in the last bits, by a relative (2n + 4) x 2^-53 x cores / left at most, which the path
   * keeps below 4e-13 by leaving the hosts with too little left for their held guests to the full algorithm;
   * its decisions, which guests are held and which of the rounds stands, are the full algorithm's.)
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 11, 2027})
  void theIncrementalPathOnDenseHostsGivesThePlainRates(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int roundOneLevel = 0; // steps whose last recompute ended on round 1's level, Dom0 serving all
    int incremental = 0;
    int withHeldBack = 0;
    for (int host = 0; host < 12; host++) {
      int[] names = {0};
      Pair p = denseHost(rnd, names);
      HostRates rates = p.fast.rates();
      for (int s = 0; s < 1_500; s++) {
        long before = rates.incrementalRecomputes;
        long recomputes = rates.recomputes;
        denseStep(p, rnd, names);
        p.fast.busyCores(); // settles a deferred phase
        int last = rates.lastPaths;
        boolean byIncrement = (last & RecomputePaths.INCREMENTAL) != 0;
        // (A step that recomputed twice, or not at all, is counted by its one-recompute siblings.)
        boolean once = rates.recomputes == recomputes + 1;
        if (once) {
          assertEquals(byIncrement, rates.incrementalRecomputes == before + 1, "the path flag says what the counter does");
        }
        if (once && (last & RecomputePaths.OVERSUBSCRIBED) != 0 && (last & RecomputePaths.FOLLOWS_LEVEL) != 0
            && (last & (RecomputePaths.DOM0_SEARCHED | RecomputePaths.DOM0_SERVES_NONE | RecomputePaths.ROUND_2_FITS)) == 0) {
          roundOneLevel++;
          if (byIncrement) {
            incremental++;
            withHeldBack += (last & RecomputePaths.HELD_BACK) != 0 ? 1 : 0;
          }
        }
        if (rnd.nextInt(4) == 0 || s == 1_499) {
          assertSame(p, "seed " + seed + " dense host " + host + " step " + s);
        }
      }
    }
    // The rest go to the full algorithm: a host left with little for its held guests, a guest or Dom0 at the level,
    // the first recompute after a full one that did not end on round 1's level.
    assertTrue(incremental > 0.8 * roundOneLevel, "seed " + seed + ": " + incremental + " of " + roundOneLevel
        + " recomputes that ended on round 1's level were incremental");
    assertTrue(withHeldBack > 1_000 && incremental - withHeldBack > 1_000, "seed " + seed
        + ": incremental with guests held back " + withHeldBack + ", without " + (incremental - withHeldBack));
  }

  /**
   * The split's sums after 100,000 random changes on one dense host with its periodic rebuild lifted: the rates
   * and integrals are still those of the plain algorithm to 1e-12 (its double-double sums take each term away
   * as exactly as they added it, so nothing accumulates), and the split was rebuilt only where the full
   * algorithm was needed.
   */
  @Test
  void theSplitDoesNotDriftOver100000Changes() {
    SplittableRandom rnd = new SplittableRandom(100_000);
    int[] names = {0};
    Pair p;
    do {
      p = denseHost(rnd, names);
    } while (p.fast.hardware().kind().hosted() || p.fast.guestCount() < 30);
    HostRates rates = p.fast.rates();
    rates.splitRebuiltEvery = Integer.MAX_VALUE;
    long r0 = rates.recomputes;
    long i0 = rates.incrementalRecomputes;
    long b0 = rates.splitBuilds;
    int heldBack = 0;
    int fewestHeld = Integer.MAX_VALUE;
    int mostHeld = 0;
    List<Domain> guests = p.fast.guests();
    for (int s = 1; s <= 100_000; s++) {
      p.t += 1 + rnd.nextInt(100_000_000);
      Domain d = guests.get(rnd.nextInt(guests.size()));
      double lf = level(rnd);
      p.fast.deferLoadFactor(d, lf, p.t);
      p.fast.applyDeferred();
      p.plain.setLoadFactor(d.domid(), lf, p.t);
      heldBack += (rates.lastPaths & RecomputePaths.HELD_BACK) != 0 ? 1 : 0;
      fewestHeld = Math.min(fewestHeld, rates.heldGuests());
      mostHeld = Math.max(mostHeld, rates.heldGuests());
      if (s % 10_000 == 0) {
        assertSame(p, "after " + s + " changes");
        // A running sum in plain doubles is off by some 1e-15 after 10,000 changes (a random walk of roundings).
        double drift = rates.splitDrift();
        assertTrue(drift <= 1e-20, "the split's sums drifted by " + drift + " after " + s + " changes");
      }
    }
    long recomputes = rates.recomputes - r0;
    long incremental = rates.incrementalRecomputes - i0;
    long builds = rates.splitBuilds - b0;
    assertEquals(100_000, recomputes);
    assertTrue(incremental > 99_000, incremental + " of 100,000 recomputes incremental");
    assertTrue(builds < 100, "the split built " + builds + " times");
    assertTrue(heldBack > 10_000, heldBack + " recomputes with guests held back by their shares");
    assertTrue(mostHeld - fewestHeld >= 5, "guests crossed the level: " + fewestHeld + " to " + mostHeld + " held");
  }

  /**
   * A host whose held guest is left a sliver of the cores (here 2e-4 of 48, the satisfied guests, weighted
   * 65,535 so that they are satisfied below so low a level, taking the rest) is recomputed in full: there the
   * full algorithm's level, what is left after subtracting the satisfied demands one by one, carries their
   * rounding magnified some 200,000-fold, and the incremental path's exact sums would give its follower's rates
   * off by more than 1e-12 from the plain algorithm's.
   */
  @Test
  void aHostWithASliverLeftForItsHeldGuestIsRecomputedInFull() {
    Hardware hw = Fixtures.hardware(48, 1024 * GIB, true);
    Pair p = new Pair(hw, 4, 65_535);
    SplittableRandom rnd = new SplittableRandom(12);
    for (int i = 0; i < 47; i++) { // satisfied: about one core each
      GuestSpec spec = Fixtures.guest("s" + i, GuestType.PV, 1, GIB, 65_535,
          Fixtures.workload(0.6 + 0.35 * rnd.nextDouble(), 0));
      p.fast.createDomain(spec, null, false, 0);
      p.plain.createDomain(spec, null, false, 0);
    }
    GuestSpec heavy = Fixtures.guest("heavy", GuestType.PV, 8, GIB, 1, Fixtures.workload(1.0, 0));
    p.fast.createDomain(heavy, null, false, 0);
    p.plain.createDomain(heavy, null, false, 0);
    // A filler whose load leaves the heavy guest (held: 8 cores asked at weight 1) about 2e-4 of a core.
    GuestSpec fillerSpec = Fixtures.guest("filler", GuestType.PV, 12, GIB, 65_535, Fixtures.workload(1.0, 0));
    p.fast.createDomain(fillerSpec, null, false, 0);
    p.plain.createDomain(fillerSpec, null, false, 0);
    int filler = p.fast.guest("filler").domid();
    double lo = 0;
    double hi = 1;
    for (int k = 0; k < 60; k++) {
      double mid = (lo + hi) / 2;
      p.plain.setLoadFactor(filler, mid, 0);
      if (p.plain.guest("heavy").cpuCores() > 2e-4) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    p.fast.setLoadFactor(filler, lo, 0);
    p.plain.setLoadFactor(filler, lo, 0);
    double sliver = p.plain.guest("heavy").cpuCores();
    assertTrue(sliver > 1.9e-4 && sliver < 2.1e-4, "the heavy guest's sliver: " + sliver);
    Domain h = p.fast.guest("heavy");
    for (int k = 0; k < 200; k++) { // its phases leave what is left as it is: a sliver
      p.t += 1_000_000_000;
      double lf = 0.5 + rnd.nextDouble();
      p.fast.deferLoadFactor(h, lf, p.t);
      p.fast.applyDeferred();
      p.plain.setLoadFactor(h.domid(), lf, p.t);
      assertEquals(0, p.fast.rates().lastPaths & RecomputePaths.INCREMENTAL, "phase " + k + " recomputed in full");
      assertTrue((p.fast.rates().lastPaths & RecomputePaths.FOLLOWS_LEVEL) != 0, "the heavy guest follows the level");
      assertSame(p, "phase " + k);
    }
  }

  /**
   * A phase on a dense host by the incremental path allocates nothing: 20,000 phases after a warm-up, the
   * thread's allocated bytes counted by the JVM, under a byte a phase (one object an event would be 16 bytes or
   * more each, 320 KB; the count finds about a kilobyte in all).
   */
  @Test
  void aPhaseByTheIncrementalPathAllocatesNothing() {
    // Dom0 of weight 2,048: enough of a share that it is seldom the bottleneck (then the fixed point's).
    HostModel host = new HostModel(Fixtures.hardware(16, 1024 * GIB, true), COSTS, 4, 2 * GIB, 2048);
    SplittableRandom rnd = new SplittableRandom(9);
    for (int i = 0; i < 40; i++) {
      host.createDomain(Fixtures.guest("g" + i, i % 2 == 0 ? GuestType.PV : GuestType.HVM, 1 + rnd.nextInt(3),
          Fixtures.workload(0.3 + 0.7 * rnd.nextDouble(), rnd.nextDouble() * 1_000)), null, false, 0);
    }
    List<Domain> guests = host.guests();
    int count = guests.size();
    Domain[] chosen = new Domain[40_000];
    double[] levels = new double[chosen.length];
    for (int k = 0; k < chosen.length; k++) {
      chosen[k] = guests.get(rnd.nextInt(count));
      levels[k] = level(rnd);
    }
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long t = 0;
    long bytes = 0;
    long before = host.rates().incrementalRecomputes;
    for (int k = 0; k < chosen.length; k++) {
      if (k == chosen.length / 2) { // the first half warms up (the JIT compiles the path)
        bytes = threads.getCurrentThreadAllocatedBytes();
        before = host.rates().incrementalRecomputes;
      }
      t += 1_000_000;
      host.deferLoadFactor(chosen[k], levels[k], t);
      host.applyDeferred();
    }
    bytes = threads.getCurrentThreadAllocatedBytes() - bytes;
    long incremental = host.rates().incrementalRecomputes - before;
    assertTrue(incremental > 19_000, incremental + " of 20,000 phases by the incremental path");
    assertTrue(bytes < 20_000, bytes + " bytes allocated for 20,000 phases");
  }

  /**
   * The water-filling without allocation gives the plain one's shares to the bit, says when all fit, and
   * grants a domain not satisfied its weight times the level it answers.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {5, 6})
  void creditSharesAreThePlainOnes(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int oversubscribed = 0;
    int held = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      int n = 1 + rnd.nextInt(40);
      double capacity = 1 + rnd.nextInt(48);
      double[] demand = new double[n];
      double[] weight = new double[n];
      for (int i = 0; i < n; i++) {
        demand[i] = rnd.nextInt(10) == 0 ? 0 : rnd.nextDouble() * (1 + rnd.nextInt(8));
        weight[i] = rnd.nextInt(3) == 0 ? 256 : 1 + rnd.nextInt(1024);
      }
      double[] expected = new double[n];
      PlainHostModel.plainAllocate(capacity, demand, weight, n, expected);
      double[] grant = new double[n];
      double level = CreditShares.allocate(capacity, demand, weight, n, grant, new int[n]);
      boolean fits = level == CreditShares.ALL_SATISFIED;
      for (int i = 0; i < n; i++) {
        assertEquals(expected[i], grant[i], "seed " + seed + " trial " + trial + " domain " + i);
        if (!fits && grant[i] != demand[i]) {
          held++;
          close(weight[i] * level, grant[i], "a domain held to its share gets weight x level");
          assertTrue(grant[i] < demand[i], "held below its demand");
        }
      }
      double total = 0;
      for (double d : demand) {
        total += d;
      }
      assertEquals(total <= capacity, fits, "trial " + trial);
      oversubscribed += fits ? 0 : 1;
    }
    assertTrue(oversubscribed > 5_000, "oversubscribed trials: " + oversubscribed);
    assertTrue(held > 50_000, "domains held to their share: " + held);
  }

  /**
   * applyDeferred recomputes a deferred phase at once, as of its instant, and gives what a later read would
   * have: the same rates, and the same integrals afterwards.
   */
  @Test
  void aDeferredPhaseAppliedAtOnceIsTheOneAppliedAtTheNextRead() {
    HostModel now = Fixtures.host(Fixtures.hardware(4, 64 * GIB, true));
    HostModel later = Fixtures.host(Fixtures.hardware(4, 64 * GIB, true));
    for (HostModel m : List.of(now, later)) {
      for (int i = 0; i < 6; i++) { // 12 vCPUs busy on 4 cores: oversubscribed, guests held to their shares
        m.createDomain(Fixtures.guest("g" + i, GuestType.PV, 2, Fixtures.workload(1.0, 500)), null, false, 0);
      }
    }
    long t = 10 * Fixtures.SECOND;
    now.deferLoadFactor(now.guests().get(2), 0.3, t);
    later.deferLoadFactor(later.guests().get(2), 0.3, t);
    long before = now.rates().recomputes;
    now.applyDeferred();
    assertEquals(before + 1, now.rates().recomputes, "recomputed at once");
    now.applyDeferred();
    assertEquals(before + 1, now.rates().recomputes, "nothing left to apply");
    assertTrue((now.rates().lastPaths & RecomputePaths.FOLLOWS_LEVEL) != 0, "guests follow the level here");
    later.integrate(3 * t); // the deferred phase, recomputed at t by this read
    now.integrate(3 * t);
    assertEquals(later.busyCores(), now.busyCores());
    assertEquals(later.busyCoreSeconds(), now.busyCoreSeconds());
    for (int i = 0; i < 6; i++) {
      assertEquals(later.guests().get(i).cpuSeconds(), now.guests().get(i).cpuSeconds(), "g" + i);
      assertEquals(later.guests().get(i).unservedSeconds(), now.guests().get(i).unservedSeconds(), "g" + i);
    }
  }

  /**
   * On a dense host whose guests are held to their shares, a phase moves the credit level and with it every
   * guest's rates, but accrues only the guest that changed (and a guest that starts or stops being held): the
   * others follow the level. Before, it accrued them all.
   */
  @Test
  void aPhaseOnADenseHostAccruesOnlyTheGuestsWhoseTermsChanged() {
    HostModel host = Fixtures.host(Fixtures.hardware(16, 1024 * GIB, true));
    int guests = 40;
    for (int i = 0; i < guests; i++) { // 40 x 2 vCPUs at 0.8 on 16 cores: every guest held to its share
      host.createDomain(Fixtures.guest("g" + i, i % 2 == 0 ? GuestType.PV : GuestType.HVM, 2,
          Fixtures.workload(0.8, 300)), null, false, 0);
    }
    SplittableRandom rnd = new SplittableRandom(8);
    long t = 0;
    long before = host.rates().accruals;
    int phases = 200;
    for (int k = 0; k < phases; k++) {
      t += 1 + rnd.nextInt(1_000_000_000);
      Domain d = host.guests().get(rnd.nextInt(guests));
      host.deferLoadFactor(d, 0.8 + 0.4 * rnd.nextDouble(), t);
      host.applyDeferred();
      assertTrue((host.rates().lastPaths & RecomputePaths.FOLLOWS_LEVEL) != 0, "phase " + k + " follows the level");
    }
    long accruals = host.rates().accruals - before;
    assertTrue(accruals <= 2L * phases, accruals + " domains accrued for " + phases + " phases of " + guests
        + " guests held to their shares");
    assertTrue(accruals >= phases, "the changed guest is accrued each time: " + accruals);
  }

  /** The phases of three guests at one instant cost one recompute, when the host is next read. */
  @Test
  void loadChangesAtOneInstantAreAppliedTogether() {
    HostModel host = Fixtures.host(Fixtures.hardware());
    List<Domain> ds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ds.add(host.createDomain(Fixtures.guest("g" + i, GuestType.PV, 2, Fixtures.workload(0.5, 500)), null, false, 0));
    }
    long before = host.rates().recomputes;
    long t = 10 * Fixtures.SECOND;
    for (Domain d : ds) {
      host.deferLoadFactor(d, 1.5, t);
    }
    assertEquals(before, host.rates().recomputes, "nothing recomputed before the host is read");
    double busy = host.busyCores();
    assertEquals(before + 1, host.rates().recomputes, "one recompute for the three changes");
    // The same as three changes applied one by one.
    HostModel eager = Fixtures.host(Fixtures.hardware());
    for (int i = 0; i < 3; i++) {
      eager.createDomain(Fixtures.guest("g" + i, GuestType.PV, 2, Fixtures.workload(0.5, 500)), null, false, 0);
    }
    for (Domain d : eager.guests()) {
      eager.setLoadFactor(d.domid(), 1.5, t);
    }
    assertEquals(eager.busyCores(), busy);
    // A change at a later instant settles the earlier one at its own instant: the integrals see it from t.
    host.deferLoadFactor(ds.get(0), 0.5, 2 * t);
    eager.setLoadFactor(ds.get(0).domid(), 0.5, 2 * t);
    host.integrate(3 * t);
    eager.integrate(3 * t);
    assertEquals(eager.busyCoreSeconds(), host.busyCoreSeconds());
    assertEquals(eager.guests().get(0).cpuSeconds(), host.guests().get(0).cpuSeconds());
  }
}
