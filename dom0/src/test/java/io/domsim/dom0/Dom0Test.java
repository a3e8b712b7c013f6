package io.domsim.dom0;

import io.domsim.kernel.testkit.SimHarness;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.DomainState;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostModel;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.kernel.Network;
import io.domsim.scheduler.HostView;
import io.domsim.scheduler.PoolProtocol;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import io.domsim.scheduler.PoolProtocol.HostReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A real Hypervisor and Dom0 on the virtual clock: the toolstack verbs and the pool protocol. */
@Timeout(60)
class Dom0Test {
  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;
  static final long LATENCY = 100_000; // 100 us
  static final long MS = 1_000_000;
  static final CostSettings COSTS = CostSettings.from(ConfigFactory.load().getConfig("domsim"));
  static final long OVERHEAD = COSTS.domainOverheadBytes();
  static final long MEMORY = 16 * GIB;
  static final long DOM0_MEMORY = 2 * GIB;
  /** What a fresh node has for guests: all but Dom0 and Dom0's own per-domain state. */
  static final long FREE_AT_BOOT = MEMORY - DOM0_MEMORY - OVERHEAD;
  static final String NODE = "node-1";
  /** dom0's reference.conf: a PV guest shuts down in 10 s, an HVM one in 20 s. */
  static final ShutdownTimes SHUTDOWN = ShutdownTimes.from(ConfigFactory.load().getConfig("domsim"));
  static final io.domsim.scheduler.SchedulerPlugins ROLES = io.domsim.scheduler.SchedulerPlugins.onClassPath();

  private record Refs(ActorRef<Hypervisor.Command> hypervisor, ActorRef<Dom0.Command> dom0) {}

  /** One node: a hypervisor and its Dom0, and a clock the test moves forward a millisecond at a time. */
  /** These tests migrate nothing: no fabric, the cluster's default settings. */
  static MigrationContext noMigration() {
    com.typesafe.config.Config domsim = com.typesafe.config.ConfigFactory.load().getConfig("domsim");
    io.domsim.config.MigrationSpec spec = new io.domsim.config.MigrationSpec("pre-copy", "xen",
        java.time.Duration.ofMillis(300), false, java.util.OptionalLong.empty(), java.time.Duration.ofMinutes(15));
    return new MigrationContext(null, io.domsim.migration.MigrationPlugins.load(domsim, spec),
        io.domsim.migration.MigrationCosts.from(domsim), MigrationObserver.NONE,
        new io.domsim.hypervisor.InvariantMonitor());
  }

  private static final class Rig implements AutoCloseable {
    final SimHarness<Refs> h;
    long now;
    long tag = 1000;

    Rig(boolean hvmSupport) throws Exception {
      Hardware hw = new Hardware(8, 2.5, MEMORY, hvmSupport, 10_000_000_000L, 100, 300);
      h = new SimHarness<>(3, (ctx, kernel) -> {
        HostModel host = new HostModel(hw, COSTS, 2, DOM0_MEMORY, 256);
        ActorRef<Hypervisor.Command> hv = kernel.spawn(ctx, Hypervisor.create(kernel, NODE, host, 0, s -> { }),
            "xen");
        ActorRef<Dom0.Command> dom0 = kernel.spawn(ctx, Dom0.create(kernel, NODE, hw, hv, new Network(LATENCY),
            OVERHEAD, noMigration(), SHUTDOWN, ROLES), "dom0");
        return new Refs(hv, dom0);
      });
    }

    /** Sends, lets 1 ms of simulated time pass, and returns what came back with its arrival time. */
    List<SimHarness.Received> exchange(Runnable send) throws Exception {
      long sentAt = now;
      h.inject(send);
      now += MS;
      h.runUntil(now);
      List<SimHarness.Received> got = h.drain();
      for (SimHarness.Received r : got) {
        assertTrue(r.atNanos() >= sentAt, r.toString());
      }
      return got;
    }

    <T> T one(Class<T> type, Runnable send) throws Exception {
      List<SimHarness.Received> got = exchange(send);
      assertEquals(1, got.size(), "one reply expected: " + got);
      return assertInstanceOf(type, got.get(0).message());
    }

    Dom0.CreateResult create(GuestSpec spec) throws Exception {
      return one(Dom0.CreateResult.class, () -> h.refs.dom0().tell(new Dom0.CreateGuest(spec, h.inbox())));
    }

    ActorRef<HostCommand> endpoint() throws Exception {
      Dom0.PoolEndpoint e = one(Dom0.PoolEndpoint.class,
          () -> h.refs.dom0().tell(new Dom0.GetPoolEndpoint(h.inbox())));
      assertEquals(NODE, e.node());
      return e.endpoint();
    }

    long free() throws Exception {
      long t = ++tag;
      Hypervisor.Result r = one(Hypervisor.Result.class, () -> h.refs.hypervisor().tell(
          new Hypervisor.Hypercall(HostModel.DOM0, t, new Hypervisor.Op.PhysInfo(), h.inbox())));
      return assertInstanceOf(Hypervisor.Done.class, r).value();
    }

    HostSnapshot snapshot() throws Exception {
      return one(HostSnapshot.class, () -> h.refs.hypervisor().tell(new Hypervisor.GetSnapshot(h.inbox())));
    }

    /** Pool messages come back through the network: exactly one latency after they were sent. */
    List<SimHarness.Received> pool(ActorRef<HostCommand> endpoint, HostCommand... commands) throws Exception {
      long sentAt = now;
      List<SimHarness.Received> got = exchange(() -> {
        for (HostCommand c : commands) {
          endpoint.tell(c);
        }
      });
      for (SimHarness.Received r : got) {
        assertEquals(sentAt + LATENCY, r.atNanos(), "pool replies cross the network: " + r);
      }
      return got;
    }

    <T extends HostReply> T poolOne(Class<T> type, ActorRef<HostCommand> endpoint, HostCommand command)
        throws Exception {
      List<SimHarness.Received> got = pool(endpoint, command);
      assertEquals(1, got.size(), "one reply expected: " + got);
      return assertInstanceOf(type, got.get(0).message());
    }

    @Override
    public void close() throws Exception {
      h.close();
    }
  }

  static final WorkloadSpec STEADY = new WorkloadSpec(0.5, 0, 0, 100, 0, Duration.ofSeconds(30));

  static GuestSpec guest(String name, GuestType type, long memoryBytes) {
    return new GuestSpec(name, type, 2, memoryBytes, 256, Optional.empty(), STEADY);
  }

  // ---- the toolstack: xl create ----

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void createGuestStartsItWithDomid1(GuestType type) throws Exception {
    try (Rig rig = new Rig(true)) {
      Dom0.CreateResult r = rig.create(guest("web-1", type, 4 * GIB));
      Dom0.GuestStarted s = assertInstanceOf(Dom0.GuestStarted.class, r, r::toString);
      assertEquals(new Dom0.GuestStarted("web-1", NODE, 1, s.atNanos()), s);

      Dom0.GuestStarted second = assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("web-2", type, 1 * GIB)));
      assertEquals(2, second.domid());

      assertEquals(FREE_AT_BOOT - 5 * GIB - 2 * OVERHEAD, rig.free());
      HostSnapshot snap = rig.snapshot();
      assertEquals(List.of("web-1", "web-2"), snap.guests().stream().map(HostSnapshot.GuestTotals::name).toList());
      assertEquals(DomainState.RUNNING, snap.guests().get(0).state());
      assertEquals(MEMORY - FREE_AT_BOOT + 5 * GIB + 2 * OVERHEAD, snap.memoryUsedBytes());
    }
  }

  @Test
  void aPvGuestRunsOnHardwareWithoutHvmSupport() throws Exception {
    try (Rig rig = new Rig(false)) {
      assertEquals(1, assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("pv-1", GuestType.PV, 1 * GIB))).domid());
    }
  }

  @Test
  void createGuestOfHvmOnHardwareWithoutHvmSupportIsRefused() throws Exception {
    try (Rig rig = new Rig(false)) {
      Dom0.CreateResult r = rig.create(guest("win-1", GuestType.HVM, 2 * GIB));
      Dom0.GuestRefused refused = assertInstanceOf(Dom0.GuestRefused.class, r, r::toString);
      assertEquals("win-1", refused.guest());
      assertEquals(NODE, refused.node());
      assertTrue(refused.reason().contains("hvm-support"), refused.reason());
      assertTrue(refused.reason().contains("win-1"), refused.reason());
      assertEquals(List.of(), rig.snapshot().guests(), "nothing half-built");
      assertEquals(FREE_AT_BOOT, rig.free());
    }
  }

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void createGuestTooBigIsRefusedNamingTheMemory(GuestType type) throws Exception {
    try (Rig rig = new Rig(true)) {
      long memory = 15 * GIB;
      Dom0.CreateResult r = rig.create(guest("big-1", type, memory));
      Dom0.GuestRefused refused = assertInstanceOf(Dom0.GuestRefused.class, r, r::toString);
      assertEquals("big-1", refused.guest());
      String why = refused.reason();
      assertTrue(why.contains("big-1"), why);
      assertTrue(why.contains(String.valueOf(memory + OVERHEAD)), "names what the guest needs: " + why);
      assertTrue(why.contains(String.valueOf(FREE_AT_BOOT)), "names what is free: " + why);
      assertEquals(List.of(), rig.snapshot().guests());
      // Exactly what is free still fits.
      assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("exact", type, FREE_AT_BOOT - OVERHEAD)));
      assertEquals(0, rig.free());
    }
  }

  @Test
  void aSecondGuestOfTheSameNameIsRefused() throws Exception {
    try (Rig rig = new Rig(true)) {
      assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("web-1", GuestType.PV, 1 * GIB)));
      Dom0.GuestRefused r = assertInstanceOf(Dom0.GuestRefused.class, rig.create(guest("web-1", GuestType.PV, 1 * GIB)));
      assertTrue(r.reason().contains("web-1"), r.reason());
      assertEquals(1, rig.snapshot().guests().size());
    }
  }

  // ---- the pool protocol ----

  @Test
  void describeReportsFreeMemoryAndHardwareOverTheNetwork() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      PoolProtocol.Described d = rig.poolOne(PoolProtocol.Described.class, ep, new PoolProtocol.Describe("master", rig.h.inbox()));
      assertEquals(new HostView(NODE, 8, 2.5, MEMORY, 10_000_000_000L, true, FREE_AT_BOOT, 0, OVERHEAD), d.view());

      // Each guest's demand is its workload's cpu (0.5) times its vCPUs (2).
      assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("web-1", GuestType.PV, 3 * GIB)));
      assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("web-2", GuestType.HVM, 1 * GIB)));
      d = rig.poolOne(PoolProtocol.Described.class, ep, new PoolProtocol.Describe("master", rig.h.inbox()));
      assertEquals(FREE_AT_BOOT - 4 * GIB - 2 * OVERHEAD, d.view().freeMemoryBytes());
      assertEquals(2.0, d.view().cpuDemandCores());
      assertEquals(6.0, d.view().idleCores());
    }
  }

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void reserveThenCommitStartsTheGuest(GuestType type) throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      GuestSpec g = guest("db-1", type, 6 * GIB);
      PoolProtocol.Reserved res = rig.poolOne(PoolProtocol.Reserved.class, ep,
          new PoolProtocol.Reserve("p-1", g, 0, "master", rig.h.inbox()));
      assertEquals(new PoolProtocol.Reserved("p-1", NODE), res);
      // The claim holds the memory before the guest exists.
      assertEquals(FREE_AT_BOOT - 6 * GIB - OVERHEAD, rig.free());
      assertEquals(List.of(), rig.snapshot().guests());

      PoolProtocol.Started st = rig.poolOne(PoolProtocol.Started.class, ep,
          new PoolProtocol.Commit("p-1", g, 0, "master", rig.h.inbox()));
      assertEquals(new PoolProtocol.Started("p-1", NODE, "db-1"), st);
      // Built from the claim: charged once, not twice.
      assertEquals(FREE_AT_BOOT - 6 * GIB - OVERHEAD, rig.free());
      HostSnapshot snap = rig.snapshot();
      assertEquals(1, snap.guests().size());
      assertEquals("db-1", snap.guests().get(0).name());
      assertEquals(1, snap.guests().get(0).domid());
      assertEquals(DomainState.RUNNING, snap.guests().get(0).state());
    }
  }

  @Test
  void reserveBeyondFreeMemoryIsRefusedWithTheRealFreeMemory() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      assertInstanceOf(Dom0.GuestStarted.class, rig.create(guest("web-1", GuestType.PV, 4 * GIB)));
      long free = FREE_AT_BOOT - 4 * GIB - OVERHEAD;
      PoolProtocol.ReserveRefused r = rig.poolOne(PoolProtocol.ReserveRefused.class, ep,
          new PoolProtocol.Reserve("p-1", guest("big", GuestType.PV, 12 * GIB), 0, "master", rig.h.inbox()));
      assertEquals("p-1", r.placementId());
      assertEquals(NODE, r.node());
      assertEquals(free, r.freeMemoryBytes());
      assertTrue(!r.reason().isBlank(), r.toString());
      assertEquals(free, rig.free(), "a refused claim holds nothing");
    }
  }

  @Test
  void twoReservesThatTogetherExceedMemoryCannotBothSucceed() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      GuestSpec g1 = guest("g1", GuestType.PV, 8 * GIB);
      GuestSpec g2 = guest("g2", GuestType.HVM, 8 * GIB);
      // Both in flight at once, as two pool-master decisions on a stale view would be.
      List<SimHarness.Received> got = rig.pool(ep,
          new PoolProtocol.Reserve("p-1", g1, 0, "master", rig.h.inbox()),
          new PoolProtocol.Reserve("p-2", g2, 0, "master", rig.h.inbox()));
      assertEquals(2, got.size(), got.toString());
      assertEquals(new PoolProtocol.Reserved("p-1", NODE), got.get(0).message());
      PoolProtocol.ReserveRefused refused = assertInstanceOf(PoolProtocol.ReserveRefused.class, got.get(1).message());
      assertEquals("p-2", refused.placementId());
      assertEquals(FREE_AT_BOOT - 8 * GIB - OVERHEAD, refused.freeMemoryBytes());

      assertEquals(new PoolProtocol.Started("p-1", NODE, "g1"),
          rig.poolOne(PoolProtocol.Started.class, ep, new PoolProtocol.Commit("p-1", g1, 0, "master", rig.h.inbox())));
      // A commit without a claim does not build anything.
      PoolProtocol.StartFailed failed = rig.poolOne(PoolProtocol.StartFailed.class, ep,
          new PoolProtocol.Commit("p-2", g2, 0, "master", rig.h.inbox()));
      assertEquals("g2", failed.guest());
      HostSnapshot snap = rig.snapshot();
      assertEquals(List.of("g1"), snap.guests().stream().map(HostSnapshot.GuestTotals::name).toList());
      assertTrue(snap.memoryUsedBytes() <= MEMORY, "used " + snap.memoryUsedBytes());
      assertEquals(FREE_AT_BOOT - 8 * GIB - OVERHEAD, rig.free());
    }
  }

  @Test
  void reserveOfAnHvmGuestWithoutHvmSupportIsRefused() throws Exception {
    try (Rig rig = new Rig(false)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      PoolProtocol.ReserveRefused r = rig.poolOne(PoolProtocol.ReserveRefused.class, ep,
          new PoolProtocol.Reserve("p-1", guest("win-1", GuestType.HVM, 1 * GIB), 0, "master", rig.h.inbox()));
      assertTrue(r.reason().contains("hvm-support"), r.reason());
      assertEquals(FREE_AT_BOOT, r.freeMemoryBytes());
      assertEquals(FREE_AT_BOOT, rig.free());
    }
  }

  @Test
  void releaseGivesTheClaimBack() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      GuestSpec g = guest("g", GuestType.PV, 10 * GIB);
      rig.poolOne(PoolProtocol.Reserved.class, ep, new PoolProtocol.Reserve("p-1", g, 0, "master", rig.h.inbox()));
      rig.poolOne(PoolProtocol.ReserveRefused.class, ep, new PoolProtocol.Reserve("p-2", g, 0, "master", rig.h.inbox()));
      assertEquals(new PoolProtocol.Released("p-1", NODE), rig.poolOne(PoolProtocol.Released.class, ep,
          new PoolProtocol.Release("p-1", 0, "master", rig.h.inbox())));
      assertEquals(FREE_AT_BOOT, rig.free());
      rig.poolOne(PoolProtocol.Reserved.class, ep, new PoolProtocol.Reserve("p-3", g, 0, "master", rig.h.inbox()));
    }
  }

  @Test
  void aRepeatedReserveOrCommitGetsTheSameAnswerAndClaimsAndBuildsOnce() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      GuestSpec g = guest("g", GuestType.PV, 2 * GIB);
      PoolProtocol.Reserve reserve = new PoolProtocol.Reserve("p-1", g, 0, "master", rig.h.inbox());
      // Twice at once (a duplicate), then once more (a repeat after a lost answer).
      List<SimHarness.Received> got = rig.pool(ep, reserve, reserve);
      assertEquals(List.of(new PoolProtocol.Reserved("p-1", NODE)), got.stream().map(SimHarness.Received::message)
          .toList(), "the duplicate that came while the claim was made is answered by the claim's answer");
      assertEquals(new PoolProtocol.Reserved("p-1", NODE), rig.poolOne(PoolProtocol.Reserved.class, ep, reserve));
      assertEquals(FREE_AT_BOOT - 2 * GIB - OVERHEAD, rig.free(), "one claim");

      PoolProtocol.Commit commit = new PoolProtocol.Commit("p-1", g, 0, "master", rig.h.inbox());
      assertEquals(1, rig.pool(ep, commit, commit).size());
      assertEquals(new PoolProtocol.Started("p-1", NODE, "g"), rig.poolOne(PoolProtocol.Started.class, ep, commit));
      assertEquals(List.of("g"), rig.snapshot().guests().stream().map(HostSnapshot.GuestTotals::name).toList(),
          "one domain");
      assertEquals(FREE_AT_BOOT - 2 * GIB - OVERHEAD, rig.free());
      // The master never releases a started placement; if a release came, the guest would stay.
      rig.poolOne(PoolProtocol.Released.class, ep, new PoolProtocol.Release("p-1", 0, "master", rig.h.inbox()));
      assertEquals(1, rig.snapshot().guests().size());
    }
  }

  @Test
  void aRequestForAnEarlierLifeOfTheHostClaimsNothing() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      GuestSpec g = guest("g", GuestType.PV, 2 * GIB);
      assertEquals(0, rig.poolOne(PoolProtocol.Described.class, ep,
          new PoolProtocol.Describe("master", rig.h.inbox())).boot());
      rig.exchange(() -> rig.h.refs.dom0().tell(Dom0.Halt.INSTANCE));
      rig.exchange(() -> rig.h.refs.dom0().tell(new Dom0.Reboot(1, new java.util.TreeMap<>())));
      // The master described life 0; its reservation, late or repeated, must not claim in life 1.
      PoolProtocol.ReserveRefused r = rig.poolOne(PoolProtocol.ReserveRefused.class, ep,
          new PoolProtocol.Reserve("p-1", g, 0, "master", rig.h.inbox()));
      assertTrue(r.reason().contains("rebooted"), r.reason());
      assertInstanceOf(PoolProtocol.StartFailed.class, rig.poolOne(PoolProtocol.StartFailed.class, ep,
          new PoolProtocol.Commit("p-1", g, 0, "master", rig.h.inbox())));
      rig.poolOne(PoolProtocol.Released.class, ep, new PoolProtocol.Release("p-1", 0, "master", rig.h.inbox()));
      assertEquals(FREE_AT_BOOT, rig.free());
      assertEquals(1, rig.poolOne(PoolProtocol.Described.class, ep,
          new PoolProtocol.Describe("master", rig.h.inbox())).boot());
      rig.poolOne(PoolProtocol.Reserved.class, ep, new PoolProtocol.Reserve("p-2", g, 1, "master", rig.h.inbox()));
    }
  }

  @Test
  void aReleaseBeforeItsReserveKeepsTheLateReserveFromClaiming() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      GuestSpec g = guest("g", GuestType.PV, 2 * GIB);
      // A release of a claim this host never made is harmless, and answered.
      rig.poolOne(PoolProtocol.Released.class, ep, new PoolProtocol.Release("p-1", 0, "master", rig.h.inbox()));
      assertEquals(List.of(), rig.pool(ep, new PoolProtocol.Reserve("p-1", g, 0, "master", rig.h.inbox())),
          "the master gave up on p-1: nobody waits for an answer");
      assertEquals(FREE_AT_BOOT, rig.free(), "and nothing is claimed");
      PoolProtocol.StartFailed f = rig.poolOne(PoolProtocol.StartFailed.class, ep,
          new PoolProtocol.Commit("p-1", g, 0, "master", rig.h.inbox()));
      assertTrue(f.reason().contains("no memory claim"), f.reason());
      assertEquals(List.of(), rig.snapshot().guests());
    }
  }

  @Test
  void aHaltedDom0AnswersNothing() throws Exception {
    try (Rig rig = new Rig(true)) {
      ActorRef<HostCommand> ep = rig.endpoint();
      rig.exchange(() -> rig.h.refs.dom0().tell(Dom0.Halt.INSTANCE));
      assertEquals(List.of(), rig.exchange(() -> rig.h.refs.dom0().tell(
          new Dom0.CreateGuest(guest("g", GuestType.PV, 1 * GIB), rig.h.inbox()))));
      assertEquals(List.of(), rig.pool(ep, new PoolProtocol.Describe("master", rig.h.inbox()),
          new PoolProtocol.Reserve("p-1", guest("g", GuestType.PV, 1 * GIB), 0, "master", rig.h.inbox())));
      assertEquals(List.of(), rig.snapshot().guests());
    }
  }
}
