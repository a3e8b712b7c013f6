package io.domsim.hypervisor;

import static io.domsim.hypervisor.Fixtures.COSTS;
import static io.domsim.hypervisor.Fixtures.GIB;
import static io.domsim.hypervisor.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Review test: what HostRatesEquivalenceTest's plain copy cannot drive (Dom0's migration work, traced cpu,
 * log-dirty costs that slow a tracked guest, applyDeferred, power off and on, the totals of domains that left),
 * checked against the model's own rates: after every change the rates are read (they hold until the next
 * change), and every domain's integrals must be the integrals of those piecewise-constant rates; the node's
 * busy cores must be Dom0's plus the guests'. A follower whose multiples went stale, or that accrues from a
 * level it no longer follows, breaks one of these.
 */
class FollowerIntegralsTest {

  /** An analytic log that also counts every write it is given. */
  private static final class CountingLog implements DirtyLog {
    final DirtyLog inner;
    double total;

    CountingLog(Domain d) {
      inner = DirtyLog.analytic().create(d);
    }

    @Override public void write(double writes) {
      if (writes > 0) {
        total += writes;
      }
      inner.write(writes);
    }
    @Override public long clean() { return inner.clean(); }
    @Override public long peek() { return inner.peek(); }
    @Override public long memoryPages() { return inner.memoryPages(); }
    @Override public long residentPages() { return inner.residentPages(); }
  }

  /** What the rates read after the last change say each integral should be. */
  private static final class Expected {
    final Domain d;
    double cpu, work, io, hc, exits, request, unserved, unservedHeld;
    double cpuRate, workRate, ioRate, hcRate, exitRate, dirtyRate, requestRate;
    boolean held;
    CountingLog log;
    double logWrites;
    boolean gone;

    Expected(Domain d) {
      this.d = d;
    }

    void read() {
      cpuRate = d.cpuCores();
      workRate = d.workCores();
      ioRate = d.ioPerSecond();
      hcRate = d.hypercallsPerSecond();
      exitRate = d.vmExitsPerSecond();
      dirtyRate = d.dirtyWritesPerSecond();
      requestRate = d.requestCores();
      held = d.logDirty() || d.throttle() > 0;
      DirtyLog l = d.dirtyLog();
      if (l != log) {
        log = (CountingLog) l;
        logWrites = 0;
      }
    }

    void advance(double dt) {
      if (gone || dt <= 0) {
        return;
      }
      cpu += cpuRate * dt;
      work += workRate * dt;
      io += ioRate * dt;
      hc += hcRate * dt;
      exits += exitRate * dt;
      if (requestRate > 0) {
        request += requestRate * dt;
        double u = Math.max(0, requestRate - workRate) * dt;
        unserved += u;
        if (held) {
          unservedHeld += u;
        }
      }
      if (log != null) {
        logWrites += dirtyRate * dt;
      }
    }
  }

  private static GuestSpec randomGuest(SplittableRandom rnd, String name) {
    GuestType type = GuestType.values()[rnd.nextInt(GuestType.values().length)];
    double io = switch (rnd.nextInt(4)) {
      case 0 -> 0;
      case 1 -> rnd.nextDouble() * 2_000;
      default -> rnd.nextDouble() * 20_000;
    };
    double cpu = switch (rnd.nextInt(8)) {
      case 0 -> 0; // I/O only
      default -> rnd.nextDouble();
    };
    WorkloadSpec w = new WorkloadSpec(cpu, rnd.nextDouble() * 60_000, 64 * MIB, io, 0, Duration.ofSeconds(5));
    int weight = rnd.nextInt(3) == 0 ? 256 : 1 + rnd.nextInt(1024);
    return new GuestSpec(name, type, 1 + rnd.nextInt(8), GIB, weight, Optional.empty(), w);
  }

  private static void close(double expected, double actual, double scale, String what) {
    double tolerance = 1e-9 * Math.max(scale, Math.max(Math.abs(expected), Math.abs(actual)));
    if (!(Math.abs(expected - actual) <= tolerance)) {
      assertEquals(expected, actual, tolerance, what);
    }
  }

  private static void check(Expected e, double seconds, String who) {
    Domain d = e.d;
    double scale = d.spec().vcpus() * seconds;
    close(e.cpu, d.cpuSeconds(), scale, who + " cpu-seconds");
    close(e.work, d.workSeconds(), scale, who + " work-seconds");
    close(e.io, d.ioCompleted(), 0, who + " I/Os");
    close(e.hc, d.hypercalls(), 0, who + " hypercalls");
    close(e.exits, d.vmExits(), 0, who + " VM exits");
    close(e.request, d.requestSeconds(), scale, who + " requested");
    close(e.unserved, d.unservedSeconds(), scale, who + " unserved");
    close(e.unservedHeld, d.unservedMigratingSeconds(), scale, who + " unserved while held");
    if (e.log != null) {
      close(e.logWrites, e.log.total, 1, who + " dirty writes into its log");
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void integralsAreThoseOfTheRatesRead(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int followed = 0;
    for (int hostNo = 0; hostNo < 40; hostNo++) {
      int cores = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 24);
      Hardware hw = Fixtures.hardware(cores, 4096 * GIB, true);
      HostModel host = new HostModel(hw, COSTS, 1 + rnd.nextInt(Math.min(4, cores)), GIB,
          rnd.nextBoolean() ? 256 : 1 + rnd.nextInt(1024));
      host.setDirtyLogFactory(CountingLog::new);
      if (rnd.nextBoolean()) {
        host.setLogDirtyCosts(new LogDirtyCosts(20_000 + rnd.nextDouble() * 200_000, 5_000 + rnd.nextDouble() * 50_000));
      }
      Map<Domain, Expected> live = new IdentityHashMap<>();
      List<Expected> all = new ArrayList<>();
      long t = 0;
      int names = 0;
      for (int s = 0; s < 500; s++) {
        long dt = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(2_000_000_000);
        for (Expected e : all) {
          e.advance(dt / 1e9);
        }
        t += dt;
        String where = "seed " + seed + " host " + hostNo + " step " + s;
        if (host.halted()) {
          if (host.guestCount() == 0 && rnd.nextBoolean()) {
            host.powerOn(t);
          } else if (rnd.nextInt(3) == 0) {
            for (Domain d : host.reboot(t)) {
              Expected e = live.remove(d);
              check(e, t / 1e9, where + " lost " + d.name());
              e.gone = true;
            }
          }
        } else {
          List<Domain> guests = host.guests();
          int n = guests.size();
          int op = rnd.nextInt(120);
          if (n == 0 && op < 3) {
            host.powerOff(t, 5);
          } else if (n == 0 || op < 14 && n < 30) {
            Domain d = host.createDomain(randomGuest(rnd, "g" + names++), null, rnd.nextInt(8) == 0, t);
            Expected e = new Expected(d);
            live.put(d, e);
            all.add(e);
          } else {
            Domain d = guests.get(rnd.nextInt(n));
            int domid = d.domid();
            if (op < 18) {
              host.destroyDomain(domid, t);
              Expected e = live.remove(d);
              check(e, t / 1e9, where + " destroyed " + d.name());
              e.gone = true;
            } else if (op < 24) {
              host.setState(domid, d.state() == DomainState.RUNNING ? DomainState.PAUSED : DomainState.RUNNING, t);
            } else if (op < 30) {
              host.setThrottle(domid, rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.9, t);
            } else if (op < 36) {
              host.setCpu(domid, rnd.nextDouble(), t);
            } else if (op < 44) {
              host.setDom0MigrationWork(rnd.nextBoolean() ? 0 : rnd.nextDouble() * 3 * hw.cyclesPerCoreSecond(), t);
            } else if (op < 80) {
              int k = 1 + rnd.nextInt(4);
              for (int j = 0; j < k; j++) {
                host.deferLoadFactor(guests.get(rnd.nextInt(n)), 0.2 + 2 * rnd.nextDouble(), t);
              }
              if (rnd.nextBoolean()) {
                host.applyDeferred();
              }
            } else if (op < 82) {
              host.halt(t);
            } else if (!d.logDirty()) {
              host.enableLogDirty(domid, t);
            } else if (op < 100) {
              host.cleanDirtyLog(domid, t);
            } else if (op < 108) {
              host.peekDirtyLog(domid, t);
            } else {
              host.disableLogDirty(domid, t);
            }
          }
          followed += (host.rates().lastPaths & RecomputePaths.FOLLOWS_LEVEL) != 0 ? 1 : 0;
        }
        // The rates hold until the next change: read them now (this settles a deferred change at t).
        double sum = host.dom0Cores();
        double busy = host.busyCores();
        for (Domain d : host.guests()) {
          Expected e = live.get(d);
          e.read();
          sum += e.cpuRate;
        }
        close(busy, sum, hw.cores(), where + ": busy cores = Dom0's + the guests'");
        if (rnd.nextInt(4) == 0 || s == 499) {
          host.integrate(t);
          for (Domain d : host.guests()) {
            check(live.get(d), t / 1e9, where + " " + d.name());
          }
        }
      }
    }
    assertTrue(followed > 500, "steps with guests following the level: " + followed);
  }
}
