package io.domsim.kernel.window;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.kernel.EventKey;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * What a member sends another in a window goes in one {@link WindowLink.Batch} before its report, in the order sent,
 * where each delivery, revocation and barrier batch was one message (a burst of them could overflow Artery's outbound
 * queue, which drops what does not fit); a lost member gets nothing.
 */
class WindowBatchTest {

  @Test
  void aWindowsDeliveriesAndRevocationsToAMemberGoInOneMessageAtTheReport() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "batch");
    try {
      LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
      ActorRef<WindowLink.Command> m2 = system.systemActorOf(Behaviors.receiveMessage(c -> {
        seen.add("m2 " + describe(c));
        return Behaviors.same();
      }), "m2", Props.empty());
      ActorRef<WindowLink.Command> m3 = system.systemActorOf(Behaviors.receiveMessage(c -> {
        seen.add("m3 " + describe(c));
        return Behaviors.same();
      }), "m3", Props.empty());
      ActorRef<WindowLink.Command> m1 = system.systemActorOf(Behaviors.receiveMessage(c -> {
        seen.add("m1 " + describe(c));
        return Behaviors.same();
      }), "m1", Props.empty());
      WindowLink.Links links = new WindowLink.Links();
      links.set(system, new TreeMap<>(java.util.Map.of("m1", m1, "m2", m2, "m3", m3)), "m1");
      ActorRef<String> target = system.systemActorOf(Behaviors.ignore(), "target", Props.empty());
      links.ship("m2", new TimedDelivery<>("m1", 4, new EventKey(7, "a", 0), target, "first"));
      links.ship("m3", new TimedDelivery<>("m1", 4, new EventKey(7, "a", 1), target, "to m3"));
      links.revoke("m2", new Revocation("m1", 4, new EventKey(7, "a", 0)));
      links.ship("m2", new TimedDelivery<>("m1", 4, new EventKey(8, "a", 2), target, "second"));
      links.forget("m3"); // lost before the report: what was kept for it is dropped
      links.report(new WindowCoordinator.Report("m1", 4, 9, 7, new TreeMap<>(), new TreeMap<>()));
      // (Two receivers: their order here is the actors' threads'; each pair keeps Akka's order.)
      assertEquals(List.of("m1 Reported 4", "m2 Batch[Deliver first, Revoke 7, Deliver second]"),
          java.util.stream.Stream.of(seen.poll(5, SECONDS), seen.poll(5, SECONDS)).sorted().toList());
      assertEquals(null, seen.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS), "nothing else: " + seen);
      links.report(new WindowCoordinator.Report("m1", 5, 10, Long.MAX_VALUE, new TreeMap<>(), new TreeMap<>()));
      assertEquals("m1 Reported 5", seen.poll(5, SECONDS), "an empty window sends no batch");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }

  private static String describe(WindowLink.Command c) {
    if (c instanceof WindowLink.Batch b) {
      return "Batch" + b.commands().stream().map(x -> describe(x)).toList();
    } else if (c instanceof WindowLink.Deliver d) {
      return "Deliver " + d.delivery().message();
    } else if (c instanceof WindowLink.Revoke r) {
      return "Revoke " + r.revocation().key().time();
    } else if (c instanceof WindowLink.Reported r) {
      return "Reported " + r.report().window();
    }
    return c.getClass().getSimpleName();
  }
}
