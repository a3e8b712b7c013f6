package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The real clock paces when timers fire, and nothing else: simulated time is event time, as on the
 * virtual clock. Handlers here stall the loop thread on purpose, as a slow machine would.
 */
@Timeout(60)
class RealClockTest {
  /** Keeps the loop thread busy for {@code nanos} of wall time. */
  static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

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
      assertEquals(seconds(1), firedAtSim.get(), "a timer is delivered at its own time");
      // The 1 s timer is due 10 ms of wall time after the run started, not earlier.
      assertTrue(firedAtWall.get() - start >= 9_000_000L, "timer fired early");
    }
  }

  /**
   * A handler that takes 5 ms of wall time (5 s simulated at speed 1000) still sees its event's time
   * throughout, and so does what it causes synchronously (a message to itself); the next timer, due
   * 1 ns later, is delivered at its own time, late in wall time only. A clock that moved during the event
   * let an actor act after a timer that was due but not yet fired.
   */
  @Test
  void nowIsTheEventsTimeThroughoutAnEventAndItsConsequences() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = new SimHarness(ClockKind.REAL, 1000.0, 1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("busy");
      e.sendAfter(seconds(1), ctx.getSelf(), "busy");
      e.sendAfter(seconds(1) + 1, ctx.getSelf(), "next");
      return Behaviors.receiveMessage(m -> {
        log.add(m + " " + e.now());
        if (m.equals("busy")) {
          spin(5_000_000L);
          log.add("busy after 5 ms " + e.now());
          ctx.getSelf().tell("consequence");
        }
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(10), sim.runUntil(seconds(10)));
      long t = seconds(1);
      assertEquals(List.of("busy " + t, "busy after 5 ms " + t, "consequence " + t, "next " + (t + 1)), log);
      assertTrue(sim.kernel.maxLagNanos() >= 4_000_000L,
          "the 'next' timer was reached about 5 ms late: " + sim.kernel.maxLagNanos() + " ns");
    }
  }

  /**
   * An injection from outside comes in at the wall clock's simulated instant and keeps it while it, and
   * what it causes synchronously, runs.
   */
  @Test
  void anInjectionIsAdmittedAtTheWallClocksInstantAndHoldsIt() throws Exception {
    List<Long> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<ActorRef<String>> root = new AtomicReference<>();
    try (SimHarness sim = new SimHarness(ClockKind.REAL, 1000.0, 1, k -> Behaviors.<String>setup(ctx -> {
      root.set(ctx.getSelf());
      return Behaviors.receiveMessage(m -> {
        seen.add(k.now());
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(0);
      var end = sim.kernel.runUntil(seconds(1000)).toCompletableFuture(); // 1 s of wall time
      Thread.sleep(200); // 200 s simulated
      CountDownLatch done = new CountDownLatch(1);
      sim.kernel.inject(() -> {
        seen.add(sim.kernel.now());
        spin(5_000_000L);
        seen.add(sim.kernel.now());
        root.get().tell("caused by the injection");
        done.countDown();
      });
      assertTrue(done.await(10, SECONDS));
      assertEquals(seconds(1000), end.get(10, SECONDS));
      assertEquals(3, seen.size(), seen::toString);
      long admitted = seen.get(0);
      // About 200 s; the bounds leave room for a loaded machine that is slow to run the loop thread.
      assertTrue(admitted >= seconds(20) && admitted < seconds(1000), "admitted at " + admitted + " ns");
      assertEquals(List.of(admitted, admitted, admitted), seen, "the injection's instant holds");
    }
  }

  /**
   * A loop that falls behind the wall clock stays exact: an injection that comes in while a timer is
   * overdue is admitted at that timer's time, not after it, and the timer is then delivered at its own
   * time. The lag is measured and, past {@link SimLoop#LAG_WARNING_NANOS}, logged once.
   */
  @Test
  void behindTheWallClockAnInjectionNeverJumpsOverADueTimerAndTheLagIsReported() throws Exception {
    Logger loopLog = (Logger) LoggerFactory.getLogger(SimLoop.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    loopLog.addAppender(warnings);
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch stalled = new CountDownLatch(1);
    CountDownLatch injected = new CountDownLatch(1);
    try (SimHarness sim = new SimHarness(ClockKind.REAL, 1000.0, 1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("slow");
      e.sendAfter(seconds(1), ctx.getSelf(), "stall");
      e.sendAfter(seconds(2), ctx.getSelf(), "due");
      return Behaviors.receiveMessage(m -> {
        log.add(m + " " + e.now());
        if (m.equals("stall")) {
          stalled.countDown();
          injected.await(10, SECONDS);
          spin(3 * SimLoop.LAG_WARNING_NANOS / 2); // 150 ms of wall time: 150 s simulated
        }
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(0);
      var end = sim.kernel.runUntil(seconds(10)).toCompletableFuture();
      assertTrue(stalled.await(10, SECONDS));
      sim.kernel.inject(() -> log.add("injected " + sim.kernel.now()));
      injected.countDown();
      assertEquals(seconds(10), end.get(10, SECONDS));
      assertEquals(List.of("stall " + seconds(1), "injected " + seconds(2), "due " + seconds(2)), log);
      long lag = sim.kernel.maxLagNanos();
      assertTrue(lag >= SimLoop.LAG_WARNING_NANOS && lag < 10_000_000_000L, "lag " + lag + " ns");
      List<ILoggingEvent> said = warnings.list.stream().filter(w -> w.getLevel() == Level.WARN).toList();
      assertEquals(1, said.size(), () -> "one warning about the lag: " + said);
      assertTrue(said.get(0).getFormattedMessage().contains("did not keep up"), said.get(0).getFormattedMessage());
    } finally {
      loopLog.detachAppender(warnings);
    }
  }

  @Test
  void theVirtualClockHasNoLag() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      k.entity("busy").sendAfter(seconds(1), ctx.getSelf(), "busy");
      return Behaviors.receiveMessage(m -> {
        spin(2_000_000L);
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(seconds(2));
      assertEquals(0, sim.kernel.maxLagNanos());
    }
  }
}
