package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A local entity's timers (a guest's phases) are events that send nothing at once, so over members the next event
 * that could send to another member skips them ({@link SimKernel#nextSendingTimerTime}): windows run past them. They
 * keep their place in the order, and in one JVM nothing changes.
 */
class LocalEntitiesTest {

  /** The next sending timer's time and the next timer's, read on the loop thread after running to {@code until}. */
  static List<Long> nextTimes(SimKernel k, long until) throws Exception {
    k.runUntil(until).toCompletableFuture().get(10, SECONDS);
    CompletableFuture<List<Long>> read = new CompletableFuture<>();
    k.inject(() -> read.complete(List.of(k.nextSendingTimerTime(), k.nextTimerTime())));
    return read.get(10, SECONDS);
  }

  @Test
  void theNextSendingTimerSkipsLocalEntitiesTimersFiredOrCancelled() throws Exception {
    SimKernel k = SimKernel.create(ClockKind.VIRTUAL, 1, 1);
    k.trackSendingTimers();
    CompletableFuture<SimTimer> cancelled = new CompletableFuture<>();
    ActorSystem<Void> system = k.startSystem("local", Behaviors.<String>setup(ctx -> {
      SimEntity phases = k.localEntity("guest/g/workload");
      SimEntity node = k.entity("node/xen");
      phases.sendAt(seconds(1), ctx.getSelf(), "phase");
      phases.sendAt(seconds(2), ctx.getSelf(), "phase");
      cancelled.complete(node.sendAt(seconds(3), ctx.getSelf(), "sample, cancelled"));
      node.sendAt(seconds(5), ctx.getSelf(), "sample");
      phases.sendAt(seconds(6), ctx.getSelf(), "phase");
      return Behaviors.ignore();
    }), ConfigFactory.empty());
    try {
      assertEquals(List.of(seconds(3), seconds(1)), nextTimes(k, 0));
      k.inject(() -> cancelled.join().cancel());
      assertEquals(List.of(seconds(5), seconds(1)), nextTimes(k, 0), "a cancelled one does not count");
      assertEquals(List.of(seconds(5), seconds(5)), nextTimes(k, seconds(4)), "local ones still fire in order");
      assertEquals(List.of(Long.MAX_VALUE, seconds(6)), nextTimes(k, seconds(5)), "a fired one does not count");
      assertEquals(3, k.timersFired(), "two phases and a sample fired; the cancelled sample did not");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }

  @Test
  void withoutTrackingTheNextSendingTimerIsTheNextTimer() throws Exception {
    SimKernel k = SimKernel.create(ClockKind.VIRTUAL, 1, 1);
    ActorSystem<Void> system = k.startSystem("one-jvm", Behaviors.<String>setup(ctx -> {
      k.localEntity("guest/g/workload").sendAt(seconds(1), ctx.getSelf(), "phase");
      k.entity("node/xen").sendAt(seconds(2), ctx.getSelf(), "sample");
      return Behaviors.ignore();
    }), ConfigFactory.empty());
    try {
      assertEquals(List.of(seconds(1), seconds(1)), nextTimes(k, 0));
      assertThrows(IllegalStateException.class, k::trackSendingTimers, "only before the loop runs");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }
}
