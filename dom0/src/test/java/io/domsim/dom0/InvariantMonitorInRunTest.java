package io.domsim.dom0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.GuestType;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostModel;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.kernel.testkit.SimHarness;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The invariant monitor inside a run of real actors: two nodes share one monitor, as every run's nodes
 * do, and a toolstack mistake (the same guest started on both) ends the run at once, naming the
 * invariant, the guest and the simulated time, instead of being noticed (or not) in the report.
 */
class InvariantMonitorInRunTest {
  private static final long GIB = 1L << 30;

  @Test
  void aGuestStartedOnTwoNodesEndsTheRunNamingTheInvariant() throws Exception {
    InvariantMonitor monitor = new InvariantMonitor();
    MigrationContext shared = new MigrationContext(null, Dom0Test.noMigration().plugins(),
        Dom0Test.noMigration().costs(), MigrationObserver.NONE, monitor);
    Hardware hw = new Hardware(8, 2.5, 16 * GIB, true, 10_000_000_000L, 100, 300);
    try (SimHarness<List<ActorRef<Dom0.Command>>> h = new SimHarness<>(1, (ctx, kernel) -> {
      List<ActorRef<Dom0.Command>> dom0s = new java.util.ArrayList<>();
      for (String node : List.of("a", "b")) {
        HostModel host = new HostModel(hw, Dom0Test.COSTS, 2, 2 * GIB, 256);
        ActorRef<Hypervisor.Command> hv = kernel.spawn(ctx,
            Hypervisor.create(kernel, node, host, 0, s -> { }, monitor), node + "-xen");
        dom0s.add(kernel.spawn(ctx, Dom0.create(kernel, node, hw, hv, new Network(100_000), Dom0Test.OVERHEAD,
            shared, Dom0Test.SHUTDOWN, Dom0Test.ROLES), node + "-dom0"));
      }
      return dom0s;
    })) {
      h.inject(() -> h.refs.get(0).tell(new Dom0.CreateGuest(Dom0Test.guest("web", GuestType.PV, GIB), h.inbox())));
      h.runUntil(SimTime.seconds(1));
      assertInstanceOf(Dom0.GuestStarted.class, h.drain(Dom0.CreateResult.class).get(0), "one copy is fine");

      h.inject(() -> h.refs.get(1).tell(new Dom0.CreateGuest(Dom0Test.guest("web", GuestType.PV, GIB), h.inbox())));
      ExecutionException e = assertThrows(ExecutionException.class, () -> h.runUntil(SimTime.seconds(2)));
      SimulationFailedException failed = assertInstanceOf(SimulationFailedException.class, e.getCause());
      InvariantMonitor.Violation v = assertInstanceOf(InvariantMonitor.Violation.class, failed.failure().cause());
      assertEquals(InvariantMonitor.Invariant.ONE_RUNNING_COPY, v.invariant());
      assertEquals("web", v.subject());
      assertEquals(SimTime.seconds(1), failed.failure().atNanos(), "at the instant the second copy started");
      assertTrue(failed.failure().actor().endsWith("b-xen"), failed.failure().actor());
      assertTrue(failed.getMessage().contains("guest web runs on a and b at once"), failed.getMessage());
    }
  }
}
