package io.domsim.kernel;

import static io.domsim.kernel.SimTime.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The key of the event being handled: a timer's for its handling and its whole zero-time cascade; an injection
 * continues the last event of its instant or starts its own instant. What a message stamped when sent says
 * about its cause.
 */
class CurrentEventTest {
  record Seen(String message, EventKey cause) {}

  @Test
  void aTimersCascadeCarriesItsKeyAndAnInjectionFollowsTheLastEvent() throws Exception {
    List<Seen> log = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<ActorRef<String>> relay = new CompletableFuture<>();
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>setup(ctx -> {
      SimEntity a = k.entity("a");
      SimEntity b = k.entity("b");
      // A second actor that hears a zero-time tell: part of the cascade of the event that told it.
      ActorRef<String> echo = ctx.spawn(Behaviors.<String>receiveMessage(m -> {
        log.add(new Seen("echo " + m, k.currentEvent()));
        return Behaviors.same();
      }), "echo", SimKernel.DISPATCHER);
      relay.complete(echo);
      b.sendAt(seconds(2), ctx.getSelf(), "b0");
      a.sendAt(seconds(2), ctx.getSelf(), "a0");
      a.sendAt(seconds(2), ctx.getSelf(), "a1");
      return Behaviors.receiveMessage(m -> {
        log.add(new Seen(m, k.currentEvent()));
        echo.tell(m);
        return Behaviors.same();
      });
    }))) {
      ActorRef<String> echo = relay.get(10, TimeUnit.SECONDS);
      CompletableFuture<EventKey> atStart = new CompletableFuture<>();
      sim.kernel.inject(() -> atStart.complete(sim.kernel.currentEvent()));
      assertEquals(EventKey.startOf(0), atStart.get(10, TimeUnit.SECONDS));

      sim.runUntil(seconds(2));
      sim.kernel.inject(() -> echo.tell("injected"));
      sim.runUntil(seconds(2));
      sim.runUntil(seconds(3));
      sim.kernel.inject(() -> echo.tell("later"));
      sim.runUntil(seconds(3));

      EventKey a0 = new EventKey(seconds(2), "a", 0);
      EventKey a1 = new EventKey(seconds(2), "a", 1);
      EventKey b0 = new EventKey(seconds(2), "b", 0);
      assertEquals(List.of(
          new Seen("a0", a0), new Seen("echo a0", a0),
          new Seen("a1", a1), new Seen("echo a1", a1),
          new Seen("b0", b0), new Seen("echo b0", b0),
          new Seen("echo injected", b0), // after b0 at its instant: part of the last event
          new Seen("echo later", EventKey.startOf(seconds(3)))), // an instant without a timer: its start
          List.copyOf(log));
    }
  }

  @Test
  void theCurrentEventIsKnownOnTheSimulationThreadOnly() throws Exception {
    try (SimHarness sim = SimHarness.virtual(1, k -> Behaviors.<String>ignore())) {
      assertThrows(IllegalStateException.class, sim.kernel::currentEvent);
    }
  }
}
