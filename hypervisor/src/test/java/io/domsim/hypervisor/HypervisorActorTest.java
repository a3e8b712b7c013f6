package io.domsim.hypervisor;

import static io.domsim.hypervisor.Fixtures.GIB;
import static io.domsim.hypervisor.Fixtures.MIB;
import static io.domsim.hypervisor.Fixtures.SECOND;
import static io.domsim.hypervisor.Fixtures.guest;
import static io.domsim.hypervisor.Fixtures.hardware;
import static io.domsim.hypervisor.Fixtures.host;
import static io.domsim.hypervisor.Fixtures.workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import io.domsim.hypervisor.Hypervisor.Done;
import io.domsim.hypervisor.Hypervisor.Failed;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.hypervisor.Hypervisor.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Hypervisor actor on a real SimKernel with the virtual clock. */
@Timeout(120)
class HypervisorActorTest {

  private static Done assertDone(Result r) {
    return assertInstanceOf(Done.class, r, () -> "expected success, got " + r);
  }

  private static Failed assertFailed(Errno errno, Result r) {
    Failed f = assertInstanceOf(Failed.class, r, () -> "expected " + errno + ", got " + r);
    assertEquals(errno, f.errno(), f::reason);
    assertFalse(f.reason().isBlank());
    return f;
  }

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void onlyDom0MayIssueManagementHypercalls(GuestType type) throws Exception {
    GuestSpec spec = guest("web", type, 2, 2 * GIB, 256, workload(0.5, 100));
    try (HypervisorHarness h = new HypervisorHarness(7, host(hardware()), 0)) {
      long freeAtBoot = assertDone(h.hypercall(0, new Op.PhysInfo())).value();

      Op create = new Op.CreateDomain(spec, null, false);
      Done created = assertDone(h.hypercall(0, create));
      assertEquals(1, created.value(), "first guest's domid");
      assertEquals(create, created.op());
      h.runUntil(5 * SECOND);
      HostSnapshot before = h.snapshot();
      assertEquals(1, before.guests().size());
      assertEquals(DomainState.RUNNING, before.guests().get(0).state());
      long freeBefore = assertDone(h.hypercall(0, new Op.PhysInfo())).value();
      assertEquals(freeAtBoot - spec.memoryBytes() - Fixtures.COSTS.domainOverheadBytes(), freeBefore);

      // The guest (domain 1) tries every management operation, on itself and on the node.
      List<Op> ops = List.of(
          new Op.CreateDomain(guest("evil", type, 2, 2 * GIB, 256, workload(0.5, 0)), null, false),
          new Op.DestroyDomain(1),
          new Op.PauseDomain(1),
          new Op.ClaimPages("grab", 4 * GIB),
          new Op.EnableLogDirty(1),
          new Op.CleanDirtyLog(1),
          new Op.UnpauseDomain(1),
          new Op.ReleaseClaim("grab"));
      for (Op op : ops) {
        Failed f = assertFailed(Errno.EPERM, h.hypercall(1, op));
        assertEquals(op, f.op());
      }

      h.runUntil(10 * SECOND);
      HostSnapshot after = h.snapshot();
      assertEquals(10 * SECOND, after.atNanos());
      assertEquals(1, after.guests().size(), "no domain created or destroyed");
      HostSnapshot.GuestTotals g = after.guests().get(0);
      assertEquals("web", g.name());
      assertEquals(1, g.domid());
      assertEquals(DomainState.RUNNING, g.state(), "the guest is still running");
      assertEquals(before.memoryUsedBytes(), after.memoryUsedBytes(), "memory unchanged (no claim)");
      assertEquals(freeBefore, assertDone(h.hypercall(0, new Op.PhysInfo())).value());
      // It kept running between 5 s and 10 s: 2 vCPUs x 0.5 busy (plus its small I/O and overhead).
      double ran = g.cpuSeconds() - before.guests().get(0).cpuSeconds();
      assertEquals(5.0, ran, 0.05, "CPU seconds from 5 s to 10 s");

      // Dom0 can still do what the guest could not.
      assertDone(h.hypercall(0, new Op.PauseDomain(1)));
      assertEquals(DomainState.PAUSED, h.snapshot().guests().get(0).state());
      assertDone(h.hypercall(0, new Op.DestroyDomain(1)));
      // Destroyed domains stay in the snapshot, marked departed, so their totals still count.
      assertTrue(h.snapshot().guests().stream().allMatch(t -> t.presence() == HostSnapshot.Presence.DEPARTED));
      assertEquals(freeAtBoot, assertDone(h.hypercall(0, new Op.PhysInfo())).value());
    }
  }

  @Test
  void hypercallErrorsComeBackAsErrnos() throws Exception {
    HostModel host = new HostModel(Fixtures.hardware(8, 8 * GIB, false), Fixtures.COSTS, 1, GIB, 256);
    try (HypervisorHarness h = new HypervisorHarness(7, host, 0)) {
      assertFailed(Errno.ENODEV, h.hypercall(0, new Op.CreateDomain(
          guest("h", GuestType.HVM, 2, GIB, 256, workload(0.5, 0)), null, false)));
      assertFailed(Errno.ENOMEM, h.hypercall(0, new Op.CreateDomain(
          guest("big", GuestType.PV, 2, 8 * GIB, 256, workload(0.5, 0)), null, false)));
      assertFailed(Errno.ENOMEM, h.hypercall(0, new Op.ClaimPages("c", 8 * GIB)));
      assertFailed(Errno.ESRCH, h.hypercall(0, new Op.DestroyDomain(5)));
      assertFailed(Errno.EINVAL, h.hypercall(0, new Op.ReleaseClaim("none")));
      assertDone(h.hypercall(0, new Op.ClaimPages("c", 2 * GIB)));
      assertEquals(1, assertDone(h.hypercall(0, new Op.CreateDomain(
          guest("p", GuestType.PV, 2, GIB, 256, workload(0.5, 0)), "c", true))).value());
      assertTrue(h.snapshot().guests().size() == 1);
    }
  }

  @Test
  void sinkGetsOneSamplePerInterval() throws Exception {
    GuestSpec spec = guest("busy", GuestType.HVM, 4, 4 * GIB, 256, workload(0.5, 2000));
    // A twin model, used only here to compute what the samples should say.
    HostModel twin = host(hardware());
    twin.createDomain(spec, null, false, 0);
    double expectedUtil = twin.busyCores() / twin.hardware().cores();
    double expectedDom0 = twin.dom0Cores() / twin.dom0Vcpus();

    try (HypervisorHarness h = new HypervisorHarness(11, host(hardware()), SECOND)) {
      assertDone(h.hypercall(0, new Op.CreateDomain(spec, null, false)));
      assertEquals(10 * SECOND, h.runUntil(10 * SECOND));
      List<NodeSample> samples = h.samples();
      assertEquals(10, samples.size(), "samples over 10 s at 1 s: " + samples);
      for (int i = 0; i < samples.size(); i++) {
        NodeSample s = samples.get(i);
        assertEquals((i + 1) * SECOND, s.atNanos(), "sample " + i + " time");
        assertTrue(s.cpuUtilization() >= 0 && s.cpuUtilization() <= 1, "utilisation " + s.cpuUtilization());
        assertTrue(s.dom0CpuUtilization() >= 0 && s.dom0CpuUtilization() <= 1, "Dom0 " + s.dom0CpuUtilization());
        assertEquals(expectedUtil, s.cpuUtilization(), 1e-9, "sample " + i + " utilisation");
        assertEquals(expectedDom0, s.dom0CpuUtilization(), 1e-9, "sample " + i + " Dom0 utilisation");
        assertEquals(1, s.guests());
        assertEquals(twin.memoryUsedBytes(), s.memoryUsedBytes());
        assertTrue(s.vmExits() > 8000, "HVM exits in a second at 2000 IOPS: " + s.vmExits());
        assertEquals(s.watts(), s.energyJoules(), 1e-9, "a 1 s period: joules = average watts");
        assertEquals(twin.hardware().watts(expectedUtil), s.watts(), 1e-6);
      }
      // Nothing more until the next interval is reached.
      h.runUntil(10 * SECOND + SECOND / 2);
      assertEquals(10, h.samples().size());
      h.runUntil(11 * SECOND);
      assertEquals(11, h.samples().size());
    }
  }

  @Test
  void haltStopsSamplingAndRefusesHypercalls() throws Exception {
    try (HypervisorHarness h = new HypervisorHarness(3, host(hardware()), SECOND)) {
      h.runUntil(3 * SECOND);
      h.kernel.inject(() -> h.hypervisor.tell(Hypervisor.Halt.INSTANCE));
      h.runUntil(3 * SECOND);
      h.runUntil(10 * SECOND);
      // Three regular samples, then one that shows the machine off (its gauges must not freeze).
      assertEquals(4, h.samples().size());
      NodeSample off = h.samples().get(3);
      assertEquals(0, off.guests());
      assertEquals(0, off.memoryUsedBytes());
      assertEquals(0.0, off.watts());
      assertEquals(0.0, off.cpuUtilization());
      assertFailed(Errno.ESRCH, h.hypercall(0, new Op.PhysInfo()));
    }
  }

  @Test
  void aRebootedHypervisorStartsEmptyAndSamplesAgain() throws Exception {
    try (HypervisorHarness h = new HypervisorHarness(3, host(hardware()), SECOND)) {
      GuestSpec web = guest("web", GuestType.PV, 2, 2 * GIB, 256, workload(0.5, 100));
      long freeAtBoot = assertDone(h.hypercall(0, new Op.PhysInfo())).value();
      assertDone(h.hypercall(0, new Op.CreateDomain(web, null, false)));
      assertDone(h.hypercall(0, new Op.ClaimPages("m1", GIB)));
      h.runUntil(3 * SECOND);
      h.kernel.inject(() -> h.hypervisor.tell(Hypervisor.Halt.INSTANCE));
      h.runUntil(5 * SECOND);
      HostSnapshot atCrash = h.snapshot();
      h.kernel.inject(() -> h.hypervisor.tell(Hypervisor.Reboot.INSTANCE));
      h.runUntil(5 * SECOND);
      assertEquals(5, h.samples().size(), "three periods, the crash, the machine off, then the machine on");
      NodeSample on = h.samples().get(4);
      assertEquals(5 * SECOND, on.atNanos());
      assertEquals(0, on.guests());
      assertTrue(on.memoryUsedBytes() > 0 && on.watts() > 0 && on.dom0CpuUtilization() > 0, on.toString());
      assertEquals(0.0, on.energyJoules(), "nothing accrued while the machine was off");
      assertEquals(freeAtBoot, assertDone(h.hypercall(0, new Op.PhysInfo())).value(),
          "the guest's memory and the claim went with the crash");
      assertFailed(Errno.EINVAL, h.hypercall(0, new Op.ReleaseClaim("m1")));
      h.runUntil(8 * SECOND);
      assertEquals(8, h.samples().size(), "sampling resumes a period after the boot");
      HostSnapshot later = h.snapshot();
      assertEquals(List.of(HostSnapshot.Presence.CRASHED),
          later.guests().stream().map(HostSnapshot.GuestTotals::presence).toList(), "web was lost with the crash");
      assertEquals(atCrash.guests().get(0).cpuSeconds(), later.guests().get(0).cpuSeconds(), 0);
      double energyAfter = h.samples().subList(5, 8).stream().mapToDouble(NodeSample::energyJoules).sum();
      assertEquals(atCrash.energyJoules() + energyAfter, later.energyJoules(), 1e-6 * later.energyJoules(),
          "the node's energy goes on from the crash");
      // A new guest of the same name can run here again.
      assertDone(h.hypercall(0, new Op.CreateDomain(web, null, false)));
      assertEquals(2, h.snapshot().guests().size());
    }
  }

  // ---- determinism ----

  private static final WorkloadSpec VARIABLE =
      new WorkloadSpec(0.5, 1000, 256 * MIB, 500, 0.3, Duration.ofSeconds(5));

  private record Run(List<Double> cpuSeconds, List<NodeSample> samples) {}

  private static Run run(long seed) throws Exception {
    try (HypervisorHarness h = new HypervisorHarness(seed, host(hardware()), SECOND)) {
      assertDone(h.hypercall(0, new Op.CreateDomain(guest("a", GuestType.PV, 4, 2 * GIB, 256, VARIABLE), null, false)));
      assertDone(h.hypercall(0, new Op.CreateDomain(guest("b", GuestType.HVM, 2, 2 * GIB, 512, VARIABLE), null, false)));
      h.runUntil(60 * SECOND);
      HostSnapshot snap = h.snapshot();
      List<Double> cpu = new ArrayList<>();
      for (HostSnapshot.GuestTotals g : snap.guests()) {
        cpu.add(g.cpuSeconds());
      }
      return new Run(cpu, h.samples());
    }
  }

  @Test
  void sameSeedSameResultsDifferentSeedDifferentResults() throws Exception {
    Run first = run(42);
    Run second = run(42);
    Run other = run(43);
    assertEquals(2, first.cpuSeconds().size());
    assertEquals(60, first.samples().size());
    assertEquals(first.cpuSeconds(), second.cpuSeconds(), "same seed, same CPU seconds (exactly)");
    assertEquals(first.samples(), second.samples(), "same seed, same samples (exactly)");
    for (int i = 0; i < 2; i++) {
      double a = first.cpuSeconds().get(i);
      double b = other.cpuSeconds().get(i);
      assertTrue(Math.abs(a - b) > 1e-3, "guest " + i + ": seed 42 gave " + a + ", seed 43 gave " + b);
    }
    assertNotEquals(first.samples(), other.samples());
    // The load does vary over time (variability 0.3): per-second utilisation is not constant.
    double min = Double.MAX_VALUE;
    double max = 0;
    for (NodeSample s : first.samples()) {
      min = Math.min(min, s.cpuUtilization());
      max = Math.max(max, s.cpuUtilization());
    }
    assertTrue(max - min > 0.01, "utilisation range " + min + ".." + max);
    System.out.println("determinism: seed 42 cpu " + first.cpuSeconds() + ", seed 43 cpu " + other.cpuSeconds());
  }
}
