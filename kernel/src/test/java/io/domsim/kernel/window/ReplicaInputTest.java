package io.domsim.kernel.window;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Inputs between the replicas of an actor every member runs ({@link ReplicaInput}): counted like deliveries, so that
 * a member runs the next window only once the inputs other members sent it have come, each handed to its own replica
 * before that window's first event; and the earliest instant they may act at bounds the next window's start.
 */
@Timeout(30)
class ReplicaInputTest {
  static final long MS = 1_000_000;

  @Test
  void aReplicaHearsTheOtherMembersInputsBeforeTheNextWindowRuns() throws Exception {
    List<WindowCoordinator.Report> reports = new CopyOnWriteArrayList<>();
    List<String> got = new CopyOnWriteArrayList<>();
    List<ReplicaInput<?>> sent = new CopyOnWriteArrayList<>();
    SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 1);
    CompletableFuture<ActorRef<String>> replica = new CompletableFuture<>();
    ActorSystem<Void> system = kernel.startSystem("member", Behaviors.setup(ctx -> {
      ActorRef<String> ref = kernel.spawn(ctx, Behaviors.<String>receiveMessage(m -> {
        got.add(kernel.now() + " " + m);
        return Behaviors.same();
      }), "replica");
      kernel.entity("app").sendAt(5 * MS, ref, "its own event");
      replica.complete(ref);
      return Behaviors.empty();
    }), ConfigFactory.empty());
    try {
      WindowedMember member = new WindowedMember("m2", kernel, new WindowedMember.Transport() {
        @Override public void report(WindowCoordinator.Report r) {
          reports.add(r);
        }

        @Override public void ship(String to, TimedDelivery<?> d) {
          throw new AssertionError("m2 ships nothing here");
        }

        @Override public void revoke(String to, Revocation r) {
          throw new AssertionError("m2 revokes nothing here");
        }

        @Override public void replicate(String to, ReplicaInput<?> input) {
          sent.add(input);
        }
      });
      member.hostReplica("the-replica", replica.get(10, SECONDS));
      // During its setup (window 0) this member's replica sends one input to m1's and one to m3's.
      kernel.inject(() -> {
        member.replicate("m1", "the-replica", "from m2", 12 * MS);
        member.replicate("m3", "the-replica", "from m2", 12 * MS);
      });
      member.start();
      await(() -> reports.size() == 1);
      assertEquals(new TreeMap<>(java.util.Map.of("m1", 1L, "m3", 1L)), reports.get(0).sentTo());
      assertEquals(12 * MS, reports.get(0).earliestSentTime(), "no window may start after the inputs' effect");
      assertEquals(2, sent.size());
      // Window 1 is [0, 10 ms); m1 sent this member one input in window 0, which has not come yet.
      member.grant(new WindowCoordinator.Grant(1, 10 * MS, java.util.Map.of("m1", 1L, "m3", 0L), false));
      Thread.sleep(300);
      assertEquals(0, member.windows(), "it waits for the input");
      assertEquals(List.of(), got);
      member.receive(new ReplicaInput<>("m1", 0, "the-replica", "from m1"));
      await(() -> reports.size() == 2);
      assertEquals(List.of("0 from m1", 5 * MS + " its own event"), got, "the input comes before the window's events");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }

  @Test
  void anInputForAReplicaTheMemberDoesNotHostFailsTheRun() throws Exception {
    SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 1);
    ActorSystem<Void> system = kernel.startSystem("member", Behaviors.empty(), ConfigFactory.empty());
    try {
      WindowedMember member = new WindowedMember("m2", kernel, new WindowedMember.Transport() {
        @Override public void report(WindowCoordinator.Report r) { }

        @Override public void ship(String to, TimedDelivery<?> d) { }

        @Override public void revoke(String to, Revocation r) { }
      });
      member.receive(new ReplicaInput<>("m1", 0, "fabric", "an input"));
      // Handed to the replica when the window after the one it was sent in begins here.
      member.grant(new WindowCoordinator.Grant(1, 10 * MS, java.util.Map.of("m1", 1L), false));
      String why = kernel.whenFailed().toCompletableFuture().get(10, SECONDS).describe();
      assertTrue(why.contains("does not host"), why);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting");
      }
      Thread.sleep(5);
    }
  }
}
