package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.atomic.AtomicReference;
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
  void oneKernelRunsOneSystem() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.empty())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> sim.kernel.startSystem("second", Behaviors.empty(), ConfigFactory.empty()));
      assertTrue(e.getMessage().contains("one kernel per system"), e.getMessage());
    }
  }
}
