package io.domsim.kernel;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Behaviors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InjectTest {
  /** On both clocks: on the real one, injected while the clock stands at 0, the action happens at 0. */
  @ParameterizedTest
  @EnumSource(ClockKind.class)
  void injectFromAForeignThreadRunsOnTheLoopThread(ClockKind clock) throws Exception {
    AtomicReference<Thread> actorThread = new AtomicReference<>();
    AtomicReference<ActorRef<String>> root = new AtomicReference<>();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (SimHarness sim = new SimHarness(clock, 1000.0, 1, k -> Behaviors.<String>setup(ctx -> {
      actorThread.set(Thread.currentThread());
      root.set(ctx.getSelf());
      return Behaviors.receiveMessage(m -> {
        log.add(k.now() + " " + m);
        return Behaviors.same();
      });
    }))) {
      sim.runUntil(0);
      assertNotNull(actorThread.get());

      CompletableFuture<Thread> fromTestThread = new CompletableFuture<>();
      sim.kernel.inject(() -> fromTestThread.complete(Thread.currentThread()));
      assertSame(actorThread.get(), fromTestThread.get(10, SECONDS));

      CompletableFuture<Thread> fromOtherThread = new CompletableFuture<>();
      Thread foreign = new Thread(() -> sim.kernel.inject(() -> {
        fromOtherThread.complete(Thread.currentThread());
        // On the loop thread an injected action may set timers.
        sim.kernel.entity("outside").sendAfter(SimTime.seconds(1), root.get(), "from-outside");
      }), "foreign");
      foreign.start();
      foreign.join();
      assertSame(actorThread.get(), fromOtherThread.get(10, SECONDS));
      assertEquals("domsim-sim-loop", fromOtherThread.get().getName());

      sim.runUntil(SimTime.seconds(2));
      assertEquals(List.of(SimTime.seconds(1) + " from-outside"), List.copyOf(log));

      // Off the loop thread, setting a timer is refused.
      assertThrows(IllegalStateException.class,
          () -> sim.kernel.entity("wrong").sendAfter(1, root.get(), "never"));
    }
  }
}
