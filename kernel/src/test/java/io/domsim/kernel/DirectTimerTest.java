package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A direct action ({@link SimEntity#callAt}) is a timer like a message's: same instant, order and count. */
@Timeout(60)
class DirectTimerTest {
  @Test
  void actionsAndMessagesFireInOneOrderAndCountAlike() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity b = k.entity("b");
      SimEntity a = k.entity("a");
      // At 1 s: entity "a" before "b" whatever the kind, and within an entity in the order set.
      b.sendAt(seconds(1), ctx.getSelf(), "b-message");
      b.callAt(seconds(1), ctx.getSelf(), () -> log.add("b-action@" + b.now()));
      a.callAt(seconds(1), ctx.getSelf(), () -> {
        log.add("a-action@" + a.now());
        // What the action tells is delivered within the same instant, before the next timer.
        ctx.getSelf().tell("told-by-a");
      });
      a.callAfter(seconds(2), ctx.getSelf(), () -> log.add("a-later@" + a.now()));
      return Behaviors.receiveMessage(m -> {
        log.add(m + "@" + b.now());
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(seconds(5));
      assertEquals(List.of("a-action@" + seconds(1), "told-by-a@" + seconds(1), "b-message@" + seconds(1),
          "b-action@" + seconds(1), "a-later@" + seconds(2)), List.copyOf(log));
      assertEquals(4, sim.kernel.timersFired());
    }
  }

  @Test
  void aCancelledActionDoesNotRunAndAFailingOneEndsTheRunUnderItsActorsPath() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    IllegalStateException boom = new IllegalStateException("model broken");
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("node-1/xen");
      e.callAt(seconds(1), ctx.getSelf(), () -> log.add("cancelled")).cancel();
      e.callAt(seconds(2), ctx.getSelf(), () -> {
        throw boom;
      });
      e.callAt(seconds(3), ctx.getSelf(), () -> log.add("after the failure"));
      return Behaviors.receiveMessage(m -> Behaviors.same());
    }))) {
      SimulationFailure f = FailFastTest.runUntilFailure(sim, seconds(10));
      // Named as the actor it ran for would be by its own failure.
      assertEquals("/user/sim", f.actor());
      assertEquals(seconds(2), f.atNanos());
      assertSame(boom, f.cause());
      assertEquals(List.of(), List.copyOf(log));
    }
  }
}
