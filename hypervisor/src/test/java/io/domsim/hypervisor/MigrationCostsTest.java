package io.domsim.hypervisor;

import static io.domsim.hypervisor.Fixtures.GIB;
import static io.domsim.hypervisor.Fixtures.MIB;
import static io.domsim.hypervisor.Fixtures.SECOND;
import static io.domsim.hypervisor.Fixtures.guest;
import static io.domsim.hypervisor.Fixtures.hardware;
import static io.domsim.hypervisor.Fixtures.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a migration costs the host besides the wire: Dom0's CPU per page, and log-dirty faults on the guest. */
class MigrationCostsTest {
  private static final LogDirtyCosts COSTS = new LogDirtyCosts(5000, 100);

  private static WorkloadSpec writer(double cpu, double ioRate) {
    return new WorkloadSpec(cpu, 20_000, 256 * MIB, ioRate, 0, Duration.ofSeconds(5));
  }

  @Test
  void dom0MigrationWorkIsDom0LoadAndCompetesWithTheBackends() {
    HostModel host = host(hardware(), 1);
    // A PV guest whose I/O needs most of Dom0's one vCPU for its backend.
    Domain io = host.createDomain(guest("io", GuestType.PV, 4, 4 * GIB, 256, writer(0.1, 70_000)), null, false, 0);
    host.integrate(10 * SECOND);
    double dom0Before = host.dom0Cores();
    double ioBefore = io.ioPerSecond();
    // A gigabit stream out at 32,768 cycles a page: 30,518 pages/s, 1 GHz, 0.4 of a 2.5 GHz core.
    double cycles = 1e9 / 32768.0 * 32768;
    host.setDom0MigrationWork(cycles, 10 * SECOND);
    assertTrue(host.dom0Cores() > dom0Before, "Dom0 works more: " + host.dom0Cores() + " vs " + dom0Before);
    assertTrue(io.ioPerSecond() < ioBefore, "the backends serve less I/O: " + io.ioPerSecond() + " vs " + ioBefore);
    assertEquals(1.0, host.dom0Cores(), 1e-9, "Dom0 is bound by its one vCPU");
    host.setDom0MigrationWork(0, 20 * SECOND);
    assertEquals(dom0Before, host.dom0Cores(), 1e-12, "the stream ended: as before");
    assertEquals(ioBefore, io.ioPerSecond(), 1e-9);
    host.integrate(30 * SECOND);
    // Over 30 s: 10 s before, 10 s of the stream at Dom0's full vCPU, 10 s after.
    assertEquals(20 * dom0Before + 10 * 1.0, host.dom0CoreSeconds(), 1e-6);
  }

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void aTrackedGuestLosesTheCyclesItsFirstWritesTrap(GuestType type) {
    HostModel plain = host(hardware());
    HostModel costed = host(hardware());
    costed.setLogDirtyCosts(COSTS);
    Domain[] d = new Domain[2];
    HostModel[] hosts = {plain, costed};
    for (int i = 0; i < 2; i++) {
      d[i] = hosts[i].createDomain(guest("g", type, 2, 4 * GIB, 256, writer(0.5, 0)), null, false, 0);
      hosts[i].enableLogDirty(d[i].domid, SECOND);
      hosts[i].cleanDirtyLog(d[i].domid, 2 * SECOND); // round 1: every page, not faults
      hosts[i].cleanDirtyLog(d[i].domid, 3 * SECOND); // the pages written in that second each trapped once
    }
    double cycles = type == GuestType.PV ? 5000 : 100;
    // 20,000 writes/s over 65,536 pages: about 16,600 distinct pages a second, each trapping once.
    double faults = 65_536 * -Math.expm1(-20_000 / 65_536.0);
    double slowdown = faults * cycles / (2 * 2.5e9);
    assertEquals(slowdown, d[1].logDirtySlowdown, 0.02 * slowdown, type + " slowdown");
    assertEquals(0, d[0].logDirtySlowdown, "without costs, nothing");
    plain.integrate(13 * SECOND);
    costed.integrate(13 * SECOND);
    double lost = 1 - d[1].workSeconds() / d[0].workSeconds();
    assertTrue(lost > 0, type + ": the tracked guest did less: " + lost);
    costed.disableLogDirty(d[1].domid, 13 * SECOND);
    assertEquals(0, d[1].logDirtySlowdown, "tracking off: full speed again");
    if (type == GuestType.PV) {
      assertTrue(slowdown > 0.01, "PV's shadow faults cost percents: " + slowdown);
    } else {
      assertTrue(slowdown < 0.001, "HVM with PML: a fraction of a percent: " + slowdown);
    }
  }
}
