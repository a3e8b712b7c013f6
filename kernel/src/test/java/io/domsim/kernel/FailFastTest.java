package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A failure anywhere in the simulated world ends the run at once, naming the actor, the time and the exception. */
@Timeout(60)
class FailFastTest {
  static final class Boom extends RuntimeException {
    Boom(String message) {
      super(message);
    }
  }

  /** Runs to {@code nanos} and returns how the run failed; fails the test if it did not. */
  static SimulationFailure runUntilFailure(SimHarness sim, long nanos) throws Exception {
    CompletableFuture<Long> end = sim.kernel.runUntil(nanos).toCompletableFuture();
    ExecutionException e = assertThrows(ExecutionException.class, () -> end.get(20, SECONDS),
        "the run should have failed");
    SimulationFailedException failed = assertInstanceOf(SimulationFailedException.class, e.getCause());
    assertEquals(failed.failure(), sim.kernel.whenFailed().toCompletableFuture().getNow(null));
    return failed.failure();
  }

  /** A root that throws on the message it sets for itself at 1 s; "late" (at 2 s) must never arrive. */
  static Behavior<String> throwsAtOneSecond(SimKernel k, Boom boom, List<String> delivered) {
    return Behaviors.setup(ctx -> {
      SimEntity e = k.entity("thrower");
      e.sendAfter(seconds(1), ctx.getSelf(), "explode");
      e.sendAfter(seconds(2), ctx.getSelf(), "late");
      return Behaviors.receiveMessage(m -> {
        delivered.add(m);
        if (m.equals("explode")) {
          throw boom;
        }
        return Behaviors.same();
      });
    });
  }

  @ParameterizedTest
  @EnumSource(ClockKind.class)
  void anActorThrowingAtOneSecondFailsRunUntilTenSecondsAtOnce(ClockKind clock) throws Exception {
    Boom boom = new Boom("model broken");
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    // Real clock at speed 10: ten simulated seconds would take a wall second; the failure comes after 0.1 s.
    try (SimHarness sim = new SimHarness(clock, 10.0, 1, k -> throwsAtOneSecond(k, boom, delivered))) {
      long start = System.nanoTime();
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      long wall = System.nanoTime() - start;

      assertEquals("/user/sim", f.actor());
      assertSame(boom, f.cause());
      if (clock == ClockKind.VIRTUAL) {
        assertEquals(seconds(1), f.atNanos());
      } else {
        assertTrue(f.atNanos() >= seconds(1) && f.atNanos() < seconds(5), "failed at " + f.atNanos());
        assertTrue(wall < 700_000_000L, "the real run failed only after " + wall / 1e6 + " ms");
      }
      if (clock == ClockKind.VIRTUAL) {
        assertEquals("/user/sim failed at simulated time 1 s: " + Boom.class.getName() + ": model broken",
            f.describe());
      }
      // Nothing happens in the simulated world after its failure.
      Thread.sleep(50);
      assertEquals(List.of("explode"), List.copyOf(delivered));
      assertTrue(sim.kernel.now() < seconds(5), "the clock ran on to " + sim.kernel.now());
      // A later horizon fails with the same failure, at once.
      SimulationFailure again = runUntilFailure(sim, seconds(20));
      assertEquals(f, again);
    }
  }

  /** Child "node" spawns grandchild "dom0"; {@code dom0} is the grandchild's behavior. */
  static Behavior<Void> tree(SimKernel k, Behavior<String> dom0) {
    return Behaviors.setup(ctx -> {
      k.spawn(ctx, Behaviors.<Void>setup(node -> {
        k.spawn(node, dom0, "dom0");
        return Behaviors.empty();
      }), "node");
      return Behaviors.empty();
    });
  }

  @ParameterizedTest
  @EnumSource(ClockKind.class)
  void aDeepChildThrowingFailsTheRun(ClockKind clock) throws Exception {
    Boom boom = new Boom("deep");
    try (SimHarness sim = new SimHarness(clock, 100.0, 1, k -> tree(k, Behaviors.setup(ctx -> {
      k.entity("dom0").sendAfter(seconds(3), ctx.getSelf(), "go");
      return Behaviors.receiveMessage(m -> {
        throw boom;
      });
    })))) {
      SimulationFailure f = runUntilFailure(sim, seconds(3600));
      assertEquals("/user/sim/node/dom0", f.actor());
      assertSame(boom, f.cause());
      if (clock == ClockKind.VIRTUAL) {
        assertEquals(seconds(3), f.atNanos());
      } else {
        assertTrue(f.atNanos() >= seconds(3) && f.atNanos() < seconds(60), "failed at " + f.atNanos());
      }
    }
  }

  @Test
  void aDeepChildFailingInItsSetupFailsTheRun() throws Exception {
    Boom boom = new Boom("setup");
    try (SimHarness sim = SimHarness.virtual(1, k -> tree(k, Behaviors.setup(ctx -> {
      throw boom;
    })))) {
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      assertEquals("/user/sim/node/dom0", f.actor());
      assertSame(boom, f.cause());
      assertEquals(0, f.atNanos());
    }
  }

  @Test
  void aRootFailingInItsSetupFailsTheRun() throws Exception {
    Boom boom = new Boom("root setup");
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.setup(ctx -> {
      throw boom;
    }))) {
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      assertEquals("/user/sim", f.actor());
      assertSame(boom, f.cause());
    }
  }

  @Test
  void aChildThatStopsFailsTheRun() throws Exception {
    // Simulation actors never stop during a run: one that does ends it, like one that throws.
    try (SimHarness sim = SimHarness.virtual(1, k -> tree(k, Behaviors.setup(ctx -> {
      k.entity("dom0").sendAfter(seconds(2), ctx.getSelf(), "stop");
      return Behaviors.receiveMessage(m -> Behaviors.stopped());
    })))) {
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      assertEquals("/user/sim/node/dom0", f.actor());
      assertEquals(seconds(2), f.atNanos());
      assertTrue(f.cause().getMessage().contains("stopped during the run"), f.cause().toString());
    }
  }

  @Test
  void aMessageAdapterThatThrowsFailsTheRun() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> tree(k, Behaviors.setup(ctx -> {
      ActorRef<Integer> adapter = ctx.messageAdapter(Integer.class, i -> {
        throw new Boom("adapter");
      });
      k.entity("dom0").sendAfter(seconds(2), adapter, 7);
      return Behaviors.receiveMessage(m -> Behaviors.same());
    })))) {
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      assertEquals("/user/sim/node/dom0", f.actor());
      assertEquals(seconds(2), f.atNanos());
    }
  }

  @Test
  void anInjectedActionThatThrowsFailsTheRun() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.empty())) {
      sim.runUntil(seconds(4));
      Boom boom = new Boom("outside");
      sim.kernel.inject(() -> {
        throw boom;
      });
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      assertEquals("a task on the simulation thread", f.actor());
      assertEquals(seconds(4), f.atNanos());
      assertSame(boom, f.cause());
    }
  }

  @Test
  void onlyTheFirstFailureCounts() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.setup(ctx -> {
      for (String name : List.of("a", "b")) {
        k.spawn(ctx, Behaviors.<String>setup(c -> {
          k.entity(name).sendAfter(seconds(1), c.getSelf(), name);
          return Behaviors.receiveMessage(m -> {
            throw new Boom(m);
          });
        }), name);
      }
      return Behaviors.empty();
    }))) {
      SimulationFailure f = runUntilFailure(sim, seconds(10));
      // Same instant: timers are ordered by entity name, so "a" fails first and "b" never runs.
      assertEquals("/user/sim/a", f.actor());
      assertEquals("a", f.cause().getMessage());
    }
  }

  @Test
  void aRunThatEndsNormallyHasNoFailure() throws Exception {
    SimHarness sim = SimHarness.virtual(1, k -> tree(k, Behaviors.setup(ctx -> {
      k.entity("dom0").sendAfter(seconds(1), ctx.getSelf(), "fine");
      return Behaviors.receiveMessage(m -> Behaviors.same());
    })));
    assertEquals(seconds(10), sim.runUntil(seconds(10)));
    // Shutting the system down stops every actor; that is not a failure of the simulation.
    sim.close();
    assertFalse(sim.kernel.whenFailed().toCompletableFuture().isDone(), "a normal shutdown counted as a failure");
  }

  @Test
  void aFailureDescribesItselfOnOneLine() {
    SimulationFailure f = new SimulationFailure("/user/sim/beta/xen", seconds(1.5) + 1,
        new IllegalStateException("first line\n  second line"));
    assertEquals("/user/sim/beta/xen failed at simulated time 1.500000001 s: "
        + "java.lang.IllegalStateException: first line second line", f.describe());
    assertEquals("/user/sim failed at simulated time 2 s: java.lang.Error",
        new SimulationFailure("/user/sim", seconds(2), new Error()).describe());
  }
}
