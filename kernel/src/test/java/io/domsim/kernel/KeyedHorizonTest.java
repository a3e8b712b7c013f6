package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A horizon in the simulation's order (time, entity, sequence), not in time alone: it stops between two events
 * of one instant, as a window or a barrier of the multi-member protocol must.
 */
class KeyedHorizonTest {
  record Rec(long now, String msg) {}

  @Test
  void aKeyedHorizonStopsBetweenTwoEventsOfOneInstant() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity a = k.entity("a");
      SimEntity b = k.entity("b");
      SimEntity c = k.entity("c");
      c.sendAt(seconds(1), ctx.getSelf(), "c-early"); // c's sequence 0
      // Set out of order: the key, not the order they were set in, decides.
      c.sendAt(seconds(2), ctx.getSelf(), "c1");
      b.sendAt(seconds(2), ctx.getSelf(), "b0");
      a.sendAt(seconds(2), ctx.getSelf(), "a0");
      b.sendAt(seconds(2), ctx.getSelf(), "b1");
      a.sendAt(seconds(2), ctx.getSelf(), "a1");
      return Behaviors.receiveMessage(m -> {
        log.add(m);
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(2), sim.kernel.runUntil(new EventKey(seconds(2), "b", 1)).toCompletableFuture().get());
      assertEquals(List.of("c-early", "a0", "a1", "b0"), List.copyOf(log));
      assertEquals(seconds(2), sim.kernel.now());
      sim.kernel.runUntil(new EventKey(seconds(2), "c", 1)).toCompletableFuture().get();
      assertEquals(List.of("c-early", "a0", "a1", "b0", "b1"), List.copyOf(log));
      assertEquals(seconds(2), sim.runUntil(seconds(2)));
      assertEquals(List.of("c-early", "a0", "a1", "b0", "b1", "c1"), List.copyOf(log));
      assertEquals(6, sim.kernel.timersFired());
    }
  }

  /** Below the bound means every event below it: those the window's own events set at the instant too. */
  @Test
  void eventsSetBelowTheBoundDuringTheWindowFireInIt() throws Exception {
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity a = k.entity("a");
      SimEntity c = k.entity("c");
      a.sendAt(seconds(2), ctx.getSelf(), "a0");
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(k.now(), m));
        if (m.equals("a0")) {
          a.sendAfter(0, ctx.getSelf(), "a-echo"); // (2 s, a, 1): below the bound
          c.sendAfter(0, ctx.getSelf(), "c-echo"); // (2 s, c, 0): above it
          a.sendAfter(1, ctx.getSelf(), "a-next"); // a nanosecond later: above it
        }
        return Behaviors.same();
      });
    }))) {
      sim.kernel.runUntil(new EventKey(seconds(2), "b", 0)).toCompletableFuture().get();
      assertEquals(List.of(new Rec(seconds(2), "a0"), new Rec(seconds(2), "a-echo")), List.copyOf(log));
      assertEquals(seconds(3), sim.runUntil(seconds(3)));
      assertEquals(List.of(new Rec(seconds(2), "a0"), new Rec(seconds(2), "a-echo"), new Rec(seconds(2), "c-echo"),
          new Rec(seconds(2) + 1, "a-next")), List.copyOf(log));
    }
  }

  @Test
  void theStartOfAnInstantStopsBeforeEveryEventAtIt() throws Exception {
    List<Rec> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity e = k.entity("");
      e.sendAt(seconds(1), ctx.getSelf(), "one");
      e.sendAt(seconds(2), ctx.getSelf(), "two"); // the first possible key of its instant: ("", 1) > ("", 0)
      return Behaviors.receiveMessage(m -> {
        log.add(new Rec(k.now(), m));
        return Behaviors.same();
      });
    }))) {
      assertEquals(seconds(2), sim.kernel.runUntil(EventKey.startOf(seconds(2))).toCompletableFuture().get());
      assertEquals(List.of(new Rec(seconds(1), "one")), List.copyOf(log));
      assertEquals(seconds(2), sim.runUntil(seconds(2)));
      assertEquals(new Rec(seconds(2), "two"), log.get(1));
    }
  }

  /** Keys order as the loop fires timers (names sharing their first eight chars included). */
  @Test
  void keysOrderAsTimers() {
    String[] names = {"", "a", "b", "node-1/dom0", "node-1/dom0x", "node-1/xen", "node-10", "Zürich", "zz"};
    SplittableRandom r = new SplittableRandom(3);
    List<SimTimer> timers = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      timers.add(new SimTimer(r.nextInt(3), names[r.nextInt(names.length)], r.nextInt(4), null, "m"));
    }
    for (SimTimer x : timers) {
      for (SimTimer y : timers) {
        EventKey kx = EventKey.of(x);
        EventKey ky = EventKey.of(y);
        assertEquals(Integer.signum(x.compareTo(y)), Integer.signum(kx.compareTo(ky)), kx + " " + ky);
        assertEquals(x.compareTo(y) < 0, ky.isAfter(x), kx + " " + ky);
      }
    }
  }

  @Test
  void aKeyHasNoNegativeTimeOrSequence() {
    assertThrows(IllegalArgumentException.class, () -> new EventKey(-1, "a", 0));
    assertThrows(IllegalArgumentException.class, () -> new EventKey(0, "a", -1));
  }
}
