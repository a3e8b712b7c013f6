package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import akka.actor.typed.javadsl.Behaviors;
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
}
