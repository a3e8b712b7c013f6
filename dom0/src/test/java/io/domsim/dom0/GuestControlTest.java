package io.domsim.dom0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import io.domsim.config.GuestOp;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.hypervisor.DomainState;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostModel;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.Network;
import io.domsim.kernel.testkit.SimHarness;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The toolstack's verbs on a running guest: xl destroy, pause, unpause, shutdown, on a real Hypervisor. */
@Timeout(60)
class GuestControlTest {
  private static final long S = 1_000_000_000L;
  private static final long GIB = Dom0Test.GIB;
  private static final String NODE = Dom0Test.NODE;

  private record Refs(ActorRef<Hypervisor.Command> hypervisor, ActorRef<Dom0.Command> dom0) {}

  /** One node; the clock moves only when the test says so. */
  private static final class Rig implements AutoCloseable {
    final SimHarness<Refs> h;
    final MigrationContext context = Dom0Test.noMigration();
    long now;

    Rig() throws Exception {
      Hardware hw = new Hardware(8, 2.5, Dom0Test.MEMORY, true, 10_000_000_000L, 100, 300);
      h = new SimHarness<>(3, (ctx, kernel) -> {
        HostModel host = new HostModel(hw, Dom0Test.COSTS, 2, Dom0Test.DOM0_MEMORY, 256);
        ActorRef<Hypervisor.Command> hv = kernel.spawn(ctx, Hypervisor.create(kernel, NODE, host, 0, s -> { },
            context.monitor()), "xen");
        ActorRef<Dom0.Command> dom0 = kernel.spawn(ctx, Dom0.create(kernel, NODE, hw, hv,
            new Network(Dom0Test.LATENCY), Dom0Test.OVERHEAD, context, Dom0Test.SHUTDOWN, Dom0Test.ROLES), "dom0");
        return new Refs(hv, dom0);
      });
    }

    /** Sends now, lets {@code nanos} pass, and returns what came back. */
    List<SimHarness.Received> after(long nanos, Runnable send) throws Exception {
      h.inject(send);
      now += nanos;
      h.runUntil(now);
      return h.drain();
    }

    void create(String name, GuestType type) throws Exception {
      GuestSpec spec = new GuestSpec(name, type, 1, 2 * GIB, 256, java.util.Optional.empty(), Dom0Test.STEADY);
      List<SimHarness.Received> got = after(1, () -> h.refs.dom0().tell(new Dom0.CreateGuest(spec, h.inbox())));
      assertInstanceOf(Dom0.GuestStarted.class, got.get(0).message());
    }

    Dom0.LifecycleResult verb(String guest, GuestOp op) throws Exception {
      List<SimHarness.Received> got = after(1, () -> h.refs.dom0().tell(new Dom0.Lifecycle(guest, op, h.inbox())));
      assertEquals(1, got.size(), got::toString);
      return (Dom0.LifecycleResult) got.get(0).message();
    }

    HostSnapshot.GuestTotals totals(String guest) throws Exception {
      return snapshot().guests().stream().filter(g -> g.name().equals(guest)).findFirst().orElseThrow();
    }

    HostSnapshot snapshot() throws Exception {
      List<SimHarness.Received> got = after(1, () -> h.refs.hypervisor().tell(new Hypervisor.GetSnapshot(h.inbox())));
      return (HostSnapshot) got.get(0).message();
    }

    @Override
    public void close() throws Exception {
      h.close();
    }
  }

  @Test
  void destroyFreesTheMemoryAtOnceAndTheGuestAccruesNothingMore() throws Exception {
    try (Rig rig = new Rig()) {
      rig.create("web", GuestType.PV);
      long used = rig.snapshot().memoryUsedBytes();
      rig.after(10 * S, () -> { });
      assertEquals(new Dom0.LifecycleDone("web", GuestOp.DESTROY, NODE, rig.now), rig.verb("web", GuestOp.DESTROY));
      HostSnapshot after = rig.snapshot();
      assertEquals(used - 2 * GIB - Dom0Test.OVERHEAD, after.memoryUsedBytes(), "its memory and its domain's state");
      HostSnapshot.GuestTotals gone = rig.totals("web");
      assertEquals(HostSnapshot.Presence.DEPARTED, gone.presence());
      rig.after(10 * S, () -> { });
      assertEquals(gone.cpuSeconds(), rig.totals("web").cpuSeconds(), "no CPU after the destroy");
      assertTrue(gone.cpuSeconds() > 4.9, "half a vCPU for 10 s: " + gone.cpuSeconds());
      Dom0.LifecycleRefused again = assertInstanceOf(Dom0.LifecycleRefused.class, rig.verb("web", GuestOp.DESTROY));
      assertEquals("guest web does not run on node-1", again.reason());
    }
  }

  @Test
  void aPausedGuestKeepsItsMemoryAndGetsNoCpu() throws Exception {
    try (Rig rig = new Rig()) {
      rig.create("web", GuestType.PV);
      long used = rig.snapshot().memoryUsedBytes();
      assertEquals(new Dom0.LifecycleDone("web", GuestOp.PAUSE, NODE, rig.now), rig.verb("web", GuestOp.PAUSE));
      HostSnapshot.GuestTotals paused = rig.totals("web");
      assertEquals(DomainState.PAUSED, paused.state());
      rig.after(10 * S, () -> { });
      assertEquals(paused.cpuSeconds(), rig.totals("web").cpuSeconds(), 1e-9, "no CPU while paused");
      assertEquals(used, rig.snapshot().memoryUsedBytes());
      assertEquals("guest web is already paused",
          assertInstanceOf(Dom0.LifecycleRefused.class, rig.verb("web", GuestOp.PAUSE)).reason());
      assertTrue(assertInstanceOf(Dom0.LifecycleRefused.class, rig.verb("web", GuestOp.SHUTDOWN)).reason()
          .contains("cannot act on a shutdown request"));
      assertEquals(new Dom0.LifecycleDone("web", GuestOp.UNPAUSE, NODE, rig.now), rig.verb("web", GuestOp.UNPAUSE));
      assertEquals(DomainState.RUNNING, rig.totals("web").state());
      assertEquals("guest web is not paused",
          assertInstanceOf(Dom0.LifecycleRefused.class, rig.verb("web", GuestOp.UNPAUSE)).reason());
      rig.after(10 * S, () -> { });
      assertTrue(rig.totals("web").cpuSeconds() > paused.cpuSeconds() + 4.9, "it runs again");
    }
  }

  @Test
  void aPausedGuestDoesNotMigrate() throws Exception {
    try (Rig rig = new Rig()) {
      rig.create("web", GuestType.PV);
      rig.verb("web", GuestOp.PAUSE);
      List<SimHarness.Received> got = rig.after(1, () -> rig.h.refs.dom0().tell(new Dom0.Migrate("m1", "web", "node-2",
          0, rig.h.inbox(), "pre-copy", "xen", rig.now, rig.h.inbox(), rig.h.inbox())));
      MigrationRecord r = assertInstanceOf(MigrationRecord.class, got.get(0).message());
      assertEquals(Phase.REFUSED, r.outcome());
      assertEquals("guest web is paused; domsim migrates running guests only: unpause it first", r.reason());
    }
  }

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void aShutdownLetsTheGuestRunForItsTypesShutdownTimeThenItIsGone(GuestType type) throws Exception {
    long shutdown = Dom0Test.SHUTDOWN.of(type);
    assertEquals(type.cooperative() ? 10 * S : 20 * S, shutdown, "dom0's reference.conf (PV drivers act on xenstore; plain HVM on ACPI)");
    try (Rig rig = new Rig()) {
      rig.create("g", type);
      long asked = rig.now;
      assertEquals(new Dom0.ShutdownBegun("g", NODE, asked + shutdown, asked), rig.verb("g", GuestOp.SHUTDOWN));
      assertTrue(assertInstanceOf(Dom0.LifecycleRefused.class, rig.verb("g", GuestOp.PAUSE)).reason()
          .contains("is shutting down; only a destroy applies"));
      List<SimHarness.Received> done = rig.after(asked + shutdown - 2 - rig.now, () -> { });
      assertEquals(List.of(), done, "still running just before its shutdown time is over");
      assertEquals(HostSnapshot.Presence.HERE, rig.totals("g").presence()); // the clock at its time - 1 ns
      done = rig.after(2, () -> { });
      assertEquals(List.of(), done, "gone at its time; the operator hears so one latency later");
      assertEquals(HostSnapshot.Presence.DEPARTED, rig.totals("g").presence());
      done = rig.after(Dom0Test.LATENCY, () -> { });
      assertEquals(1, done.size(), done::toString);
      assertEquals(new Dom0.LifecycleDone("g", GuestOp.SHUTDOWN, NODE, asked + shutdown), done.get(0).message());
      assertEquals(asked + shutdown + Dom0Test.LATENCY, done.get(0).atNanos());
      double cpu = rig.totals("g").cpuSeconds();
      // Half a vCPU for the whole shutdown time, plus its little virtualization and I/O overhead.
      assertEquals(0.5 * shutdown / (double) S, cpu, 0.01 * 0.5 * shutdown / S, "it ran until the end");
    }
  }

  @Test
  void aDestroyCutsAShutdownShort() throws Exception {
    try (Rig rig = new Rig()) {
      rig.create("g", GuestType.PV);
      rig.verb("g", GuestOp.SHUTDOWN);
      assertEquals(new Dom0.LifecycleDone("g", GuestOp.DESTROY, NODE, rig.now), rig.verb("g", GuestOp.DESTROY));
      assertEquals(List.of(), rig.after(30 * S, () -> { }), "the shutdown ends without an answer of its own");
    }
  }

  @Test
  void theMonitorRefusesAnEndedGuestThatRunsAgain() throws Exception {
    try (Rig rig = new Rig()) {
      rig.create("g", GuestType.PV);
      rig.verb("g", GuestOp.DESTROY);
      InvariantMonitor monitor = rig.context.monitor();
      InvariantMonitor.Violation v = assertThrows(InvariantMonitor.Violation.class,
          () -> monitor.domainState("node-2", "g", DomainState.RUNNING, rig.now));
      assertEquals(InvariantMonitor.Invariant.ENDED_GUEST_STAYS_ENDED, v.invariant());
    }
  }
}
