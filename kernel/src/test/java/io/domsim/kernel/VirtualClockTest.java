package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.kernel.serialization.SameMember;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
  record Rec(long now, String msg) {}

  @Test
  void timersFireInTimeOrderAtTheirInstant() throws Exception {
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("clock-test");
      e.sendAfter(seconds(5), ctx.getSelf(), "t5");
      e.sendAfter(seconds(1), ctx.getSelf(), "t1");
      e.sendAfter(seconds(3), ctx.getSelf(), "t3");
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(e.now(), m));
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(2), sim.runUntil(seconds(2)));
      assertEquals(List.of(new Rec(seconds(1), "t1")), List.copyOf(log));
      assertEquals(seconds(2), sim.kernel.now());

      assertEquals(seconds(10), sim.runUntil(seconds(10)));
      assertEquals(
          List.of(new Rec(seconds(1), "t1"), new Rec(seconds(3), "t3"), new Rec(seconds(5), "t5")),
          List.copyOf(log));
      assertEquals(seconds(10), sim.kernel.now());
      assertEquals(3, sim.kernel.timersFired());
    }
  }

  @Test
  void timerAtTheHorizonFiresAndTimeAfterTheHorizonWaits() throws Exception {
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("edge");
      e.sendAt(seconds(2), ctx.getSelf(), "at-horizon");
      e.sendAt(seconds(2) + 1, ctx.getSelf(), "just-after");
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(e.now(), m));
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(2), sim.runUntil(seconds(2)));
      assertEquals(List.of(new Rec(seconds(2), "at-horizon")), List.copyOf(log));
      assertEquals(seconds(3), sim.runUntil(seconds(3)));
      assertEquals(new Rec(seconds(2) + 1, "just-after"), log.get(1));
    }
  }

  /**
   * The root actor is spawned while the system starts; a runUntil issued right after startSystem must
   * not overtake it (otherwise the horizon is reached before the root has set its first timer).
   */
  @RepeatedTest(30)
  void runUntilRightAfterStartSeesTheRootsTimers() throws Exception {
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("early");
      e.sendAfter(1, ctx.getSelf(), "first");
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(e.now(), m));
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(1), sim.runUntil(seconds(1)));
      assertEquals(List.of(new Rec(1, "first")), List.copyOf(log));
    }
  }

  @Test
  void sameInstantIsOrderedByEntityNameNotBySchedulingOrder() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity b = k.entity("b");
      SimEntity a = k.entity("a");
      b.sendAfter(seconds(1), ctx.getSelf(), "b1");   // scheduled first
      a.sendAfter(seconds(1), ctx.getSelf(), "a1");   // scheduled second, but "a" < "b"
      b.sendAfter(seconds(1), ctx.getSelf(), "b2");   // same entity: by its own sequence
      a.sendAfter(seconds(1), ctx.getSelf(), "a2");
      return Behaviors.receiveMessage(m -> {
        log.add(m);
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(seconds(2));
      assertEquals(List.of("a1", "a2", "b1", "b2"), List.copyOf(log));
    }
  }

  record Hop(int n, ActorRef<Hop> replyTo) implements SameMember {} // test actors in one JVM

  private static Behavior<Hop> hopper(SimKernel k, List<Rec> log, int length) {
    return Behaviors.setup(ctx -> Behaviors.receiveMessage(h -> {
      log.add(new Rec(k.now(), "hop-" + h.n()));
      if (h.n() < length) {
        h.replyTo().tell(new Hop(h.n() + 1, ctx.getSelf()));
      }
      return Behaviors.same();
    }));
  }

  @Test
  void zeroDelayCascadeCompletesBeforeTimeAdvances() throws Exception {
    int length = 1000;
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      ActorRef<Hop> ping = ctx.spawn(hopper(k, log, length), "ping", SimKernel.DISPATCHER);
      ActorRef<Hop> pong = ctx.spawn(hopper(k, log, length), "pong", SimKernel.DISPATCHER);
      k.entity("starter").sendAfter(seconds(1), ping, new Hop(1, pong));
      // Same instant, later in the (time, entity, seq) order: must wait for the whole cascade.
      k.entity("zzz").sendAfter(seconds(1), ctx.getSelf(), "same-instant");
      k.entity("late").sendAfter(seconds(1) + 1, ctx.getSelf(), "one-ns-later");
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(k.now(), m));
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(seconds(5));
      assertEquals(length + 2, log.size());
      for (int i = 0; i < length; i++) {
        assertEquals(new Rec(seconds(1), "hop-" + (i + 1)), log.get(i), "step " + i);
      }
      assertEquals(new Rec(seconds(1), "same-instant"), log.get(length));
      assertEquals(new Rec(seconds(1) + 1, "one-ns-later"), log.get(length + 1));
      assertTrue(sim.kernel.tasksRun() > 0);
    }
  }

  @Test
  void cancelledTimersNeverFire() throws Exception {
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    List<SimTimer> toCancelLater = new ArrayList<>();
    List<SimTimer> cancelledUpFront = new ArrayList<>();
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("canceller");
      SimTimer first = e.sendAfter(seconds(1), ctx.getSelf(), "a");   // cancelled at once (queue head)
      SimTimer tie = e.sendAfter(seconds(2), ctx.getSelf(), "tie");    // same instant as "b", cancelled
      e.sendAfter(seconds(2), ctx.getSelf(), "b");                     // cancels "d" when it fires
      toCancelLater.add(e.sendAfter(seconds(4), ctx.getSelf(), "d"));
      e.sendAfter(seconds(3), ctx.getSelf(), "c");
      e.sendAfter(seconds(5), ctx.getSelf(), "e");
      first.cancel();
      tie.cancel();
      cancelledUpFront.add(first);
      cancelledUpFront.add(tie);
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(e.now(), m));
        if (m.equals("b")) {
          toCancelLater.get(0).cancel();
        }
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(10), sim.runUntil(seconds(10)));
      assertEquals(
          List.of(new Rec(seconds(2), "b"), new Rec(seconds(3), "c"), new Rec(seconds(5), "e")),
          List.copyOf(log));
      assertTrue(cancelledUpFront.get(0).isCancelled());
      assertTrue(toCancelLater.get(0).isCancelled());
      assertEquals(3, sim.kernel.timersFired());
    }
  }
}
