package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  @Test
  void loopThreadEndsAfterTerminateAndClose() throws Exception {
    AtomicReference<Thread> loopThread = new AtomicReference<>();
    SimHarness sim = SimHarness.virtual(1, k -> Behaviors.setup(ctx -> {
      loopThread.set(Thread.currentThread());
      return Behaviors.empty();
    }));
    try {
      sim.runUntil(SimTime.seconds(1));
    } finally {
      sim.close();
    }
    Thread t = loopThread.get();
    assertNotNull(t);
    t.join(5_000);
    assertFalse(t.isAlive(), "simulation loop thread still running after terminate + close");
  }

  @Test
  void twoKernelsSideBySideKeepTheirOwnClocks() throws Exception {
    // Each actor system finds its own kernel in its setup: a mix-up would run one system's actors on the
    // other's loop, where they would see the other clock.
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    Function<Long, Function<SimKernel, Behavior<?>>> root = at -> k -> Behaviors.<String>setup(ctx -> {
      k.entity("tick").sendAfter(at, ctx.getSelf(), "tick");
      return Behaviors.receiveMessage(m -> {
        seen.add(k.now());
        return Behaviors.same();
      });
    });
    try (SimHarness one = SimHarness.virtual(1, root.apply(SimTime.seconds(1)));
        SimHarness two = SimHarness.virtual(1, root.apply(SimTime.seconds(7)))) {
      assertEquals(SimTime.seconds(5), one.runUntil(SimTime.seconds(5)));
      assertEquals(List.of(SimTime.seconds(1)), List.copyOf(seen));
      assertEquals(0, two.kernel.now());
      assertEquals(SimTime.seconds(9), two.runUntil(SimTime.seconds(9)));
      assertEquals(List.of(SimTime.seconds(1), SimTime.seconds(7)), List.copyOf(seen));
      assertEquals(SimTime.seconds(5), one.kernel.now());
    }
  }

  @Test
  void oneKernelRunsOneSystem() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.empty())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> sim.kernel.startSystem("second", Behaviors.empty(), ConfigFactory.empty()));
      assertTrue(e.getMessage().contains("one kernel per system"), e.getMessage());
    }
  }
}
