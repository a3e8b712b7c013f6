package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.javadsl.Behaviors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RealClockTest {
  @Test
  void speedHundredRunsTwoSimulatedSecondsInAboutTwentyMillis() throws Exception {
    AtomicLong firedAtSim = new AtomicLong(-1);
    AtomicLong firedAtWall = new AtomicLong(-1);
    try (SimHarness sim = new SimHarness(ClockKind.REAL, 100.0, 1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("real");
      e.sendAfter(seconds(1), ctx.getSelf(), "tick");
      return Behaviors.receiveMessage(m -> {
        firedAtSim.set(e.now());
        firedAtWall.set(System.nanoTime());
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(0); // let the root start and set its timer
      long start = System.nanoTime();
      long reached = sim.runUntil(seconds(2));
      long elapsed = System.nanoTime() - start;

      assertEquals(seconds(2), reached);
      assertTrue(elapsed >= 15_000_000L, "2 s at speed 100 took only " + elapsed / 1e6 + " ms");
      assertTrue(elapsed < 2_000_000_000L, "2 s at speed 100 took " + elapsed / 1e6 + " ms");
      long sim1 = firedAtSim.get();
      assertTrue(sim1 >= seconds(1) && sim1 <= seconds(2), "timer saw now() = " + sim1);
      // The 1 s timer is due 10 ms of wall time after the run started, not earlier.
      assertTrue(firedAtWall.get() - start >= 9_000_000L, "timer fired early");
    }
  }

  @Test
  void realTimeNeverGoesBackwards() throws Exception {
    // A busy handler lets paced time run past the next timer; that timer must not move now() back.
    long[] last = {-1};
    boolean[] backwards = {false};
    try (SimHarness sim = new SimHarness(ClockKind.REAL, 1000.0, 1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("busy");
      e.sendAfter(seconds(1), ctx.getSelf(), "busy");
      e.sendAfter(seconds(1) + 1, ctx.getSelf(), "next");
      return Behaviors.receiveMessage(m -> {
        long t = e.now();
        if (t < last[0]) {
          backwards[0] = true;
        }
        last[0] = t;
        if (m.equals("busy")) {
          long until = System.nanoTime() + 5_000_000L; // 5 ms wall = 5 s simulated at speed 1000
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          last[0] = e.now();
        }
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(seconds(10));
      assertTrue(last[0] > seconds(1));
      assertTrue(!backwards[0], "now() went backwards");
    }
  }
}
