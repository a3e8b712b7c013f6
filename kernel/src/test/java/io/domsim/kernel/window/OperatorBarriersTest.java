package io.domsim.kernel.window;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimulationFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An operator on the driving member tells actors of every member at zero time (the operator's barriers, {@link
 * WindowCoordinator}), at its own steps and when their reports reach it one lookahead after they were sent; the
 * actors meanwhile ping each other across members. Over three members, every actor and the operator see exactly
 * what one kernel shows them, in the same order within each instant (the steps, the reports and the pings share
 * instants). A zero-time tell to another member from an event that is not a barrier fails the run.
 */
@Timeout(60)
class OperatorBarriersTest {
  static final long L = 1_000_000;
  static final long END = 1_500_000_000L;
  static final int PINGERS = 6;
  static final int HOPS = 60;
  static final int STEPS = 40;
  static final List<String> MEMBERS = List.of("m0", "m1", "m2");
  static final String OPERATOR = "operator";

  sealed interface Msg {}

  record Start() implements Msg {}

  record Ping(String from, int chain, int hop) implements Msg, io.domsim.kernel.serialization.CrossJvm {}

  /** The operator's zero-time order. */
  record Poke(int step) implements Msg, io.domsim.kernel.serialization.CrossJvm {}

  /** An actor's answer to a poke: it reaches the operator one lookahead later. */
  record Report(String from, int step) implements Msg, io.domsim.kernel.serialization.CrossJvm {}

  /** The operator's own scenario step. */
  record Step(int step) implements Msg {}

  record Where(String member, ActorRef<Msg> ref) {}

  /** How an actor's message reaches another, or the operator: a timer here, or a delivery to another member. */
  interface Post {
    void send(SimEntity from, String to, long atNanos, Msg message);
  }

  /** How the operator tells an actor at once: here, or at the barrier to another member. */
  interface Order {
    void tell(String to, Msg message);
  }

  static String pinger(int i) {
    return "p" + i;
  }

  static List<String> pingers() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < PINGERS; i++) {
      names.add(pinger(i));
    }
    return names;
  }

  /** Pinger i on member i mod 3; the operator on the driver, m0. */
  static String memberOf(String actor) {
    return actor.equals(OPERATOR) ? MEMBERS.get(0) : MEMBERS.get(pingers().indexOf(actor) % MEMBERS.size());
  }

  /** Records what it receives, in order; pings on; answers a poke with a report and a ping of its own. */
  static Behavior<Msg> pinger(SimKernel kernel, String name, Post post, Map<String, List<String>> seen) {
    SimEntity self = kernel.entity(name);
    List<String> log = seen.computeIfAbsent(name, n -> new ArrayList<>());
    return Behaviors.receiveMessage(m -> {
      SplittableRandom random = self.random();
      if (m instanceof Start) {
        for (int chain = 0; chain < 2; chain++) {
          post.send(self, pinger(random.nextInt(PINGERS)), self.now() + L * (1 + random.nextInt(3)),
              new Ping(name, chain, 0));
        }
      } else if (m instanceof Ping p) {
        log.add(self.now() + " " + p);
        if (p.hop() < HOPS) {
          post.send(self, pinger(random.nextInt(PINGERS)), self.now() + L * (1 + random.nextInt(3)),
              new Ping(name, p.chain(), p.hop() + 1));
        }
      } else if (m instanceof Poke k) {
        log.add(self.now() + " " + k);
        post.send(self, OPERATOR, self.now() + L, new Report(name, k.step()));
        post.send(self, pinger(random.nextInt(PINGERS)), self.now() + L * (1 + random.nextInt(2)),
            new Ping(name, 100 + k.step(), HOPS - 3));
      }
      return Behaviors.same();
    });
  }

  /**
   * Steps at instants drawn from its stream (whole lookaheads, so that they meet pings and reports), each poking
   * one to three actors at once; a report reaching it pokes another actor at once every other time.
   */
  static Behavior<Msg> operator(SimKernel kernel, Order order, Map<String, List<String>> seen, boolean barriers) {
    return Behaviors.setup(ctx -> {
      if (barriers) {
        kernel.barrierTarget(ctx.getSelf());
      }
      SimEntity self = kernel.entity(OPERATOR);
      List<String> log = seen.computeIfAbsent(OPERATOR, n -> new ArrayList<>());
      return Behaviors.receiveMessage(m -> {
        SplittableRandom random = self.random();
        if (m instanceof Start) {
          for (int s = 0; s < STEPS; s++) {
            self.sendAt(L * (1 + random.nextInt((int) (END / L / 2))), ctx.getSelf(), new Step(s));
          }
        } else if (m instanceof Step s) {
          log.add(self.now() + " " + s);
          int n = 1 + random.nextInt(3);
          for (int i = 0; i < n; i++) {
            order.tell(pinger(random.nextInt(PINGERS)), new Poke(s.step()));
          }
        } else if (m instanceof Report r) {
          log.add(self.now() + " " + r);
          if (random.nextBoolean()) {
            order.tell(pinger(random.nextInt(PINGERS)), new Poke(1000 + r.step()));
          }
        }
        return Behaviors.same();
      });
    });
  }

  static ActorSystem<Void> system(SimKernel kernel, String name, List<String> actors, Post post, Order order,
      Map<String, List<String>> seen, boolean barriers, CompletableFuture<Map<String, ActorRef<Msg>>> refs) {
    return kernel.startSystem(name, Behaviors.setup(ctx -> {
      TreeMap<String, ActorRef<Msg>> spawned = new TreeMap<>();
      for (String a : actors) {
        spawned.put(a, kernel.spawn(ctx, a.equals(OPERATOR) ? operator(kernel, order, seen, barriers)
            : pinger(kernel, a, post, seen), a));
      }
      refs.complete(spawned);
      return Behaviors.empty();
    }), ConfigFactory.empty());
  }

  static List<String> everyone() {
    List<String> all = new ArrayList<>(pingers());
    all.add(OPERATOR);
    return all;
  }

  static Map<String, List<String>> oneKernel() throws Exception {
    return oneKernel(-1);
  }

  /** As the other, with a live step (99) set by a console entity at {@code liveStepNanos} (none when negative). */
  static Map<String, List<String>> oneKernel(long liveStepNanos) throws Exception {
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, ActorRef<Msg>> dir = new ConcurrentHashMap<>();
    SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 7);
    CompletableFuture<Map<String, ActorRef<Msg>>> refs = new CompletableFuture<>();
    ActorSystem<Void> system = system(kernel, "one", everyone(), (from, to, at, m) -> from.sendAt(at, dir.get(to), m),
        (to, m) -> dir.get(to).tell(m), seen, false, refs);
    try {
      dir.putAll(refs.get(10, SECONDS));
      everyone().forEach(a -> dir.get(a).tell(new Start()));
      if (liveStepNanos >= 0) {
        kernel.inject(() -> kernel.entity("console").sendAt(liveStepNanos, dir.get(OPERATOR), new Step(99)));
      }
      assertEquals(END, kernel.runUntil(END).toCompletableFuture().get(30, SECONDS));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
    return seen;
  }

  /** The run over three members; {@code pingersOrderToo}: a pinger also tells another member at zero time. */
  static Map<String, List<String>> threeMembers(InProcessTransport transport, boolean pingersOrderToo) throws Exception {
    return threeMembers(transport, pingersOrderToo, null);
  }

  /**
   * As the other; with {@code live} (not null), once the driver has run 200 windows, a live step (99) comes in at its
   * next window boundary, from a console entity, and {@code live} completes with the boundary's time.
   */
  static Map<String, List<String>> threeMembers(InProcessTransport transport, boolean pingersOrderToo,
      CompletableFuture<Long> live) throws Exception {
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, Where> dir = new ConcurrentHashMap<>();
    Map<String, WindowedMember> members = transport.members;
    Map<String, SimKernel> kernelOf = new ConcurrentHashMap<>();
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      for (String m : MEMBERS) {
        SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 7);
        WindowedMember member = new WindowedMember(m, kernel, transport);
        members.put(m, member);
        kernelOf.put(m, kernel);
        Order order = (to, msg) -> {
          Where w = dir.get(to);
          if (w.member().equals(m)) {
            w.ref().tell(msg);
          } else {
            member.tellAtBarrier(w.member(), w.ref(), msg);
          }
        };
        Post post = (from, to, at, msg) -> {
          Where w = dir.get(to);
          if (pingersOrderToo && msg instanceof Report && !w.member().equals(m)) {
            order.tell(to, msg); // the mistake: a zero-time tell to another member from an ordinary event
          } else if (w.member().equals(m)) {
            from.sendAt(at, w.ref(), msg);
          } else if (to.equals(OPERATOR)) {
            member.sendToBarrier(from, w.member(), at, w.ref(), msg);
          } else {
            member.send(from, w.member(), at, w.ref(), msg);
          }
        };
        List<String> here = everyone().stream().filter(a -> memberOf(a).equals(m)).toList();
        CompletableFuture<Map<String, ActorRef<Msg>>> refs = new CompletableFuture<>();
        systems.add(system(kernel, "member-" + m, here, post, order, seen, true, refs));
        refs.get(10, SECONDS).forEach((a, ref) -> dir.put(a, new Where(m, ref)));
      }
      everyone().forEach(a -> dir.get(a).ref().tell(new Start()));
      MEMBERS.forEach(m -> members.get(m).start());
      if (live != null) {
        WindowedMember driver = members.get(MEMBERS.get(0));
        while (driver.windows() < 200 && !driver.ended().toCompletableFuture().isDone()) {
          Thread.onSpinWait();
        }
        SimKernel kernel = kernelOf.get(MEMBERS.get(0));
        driver.atNextBoundary(new WindowedMember.BoundaryAction() {
          @Override public void at(long boundaryNanos) {
            kernel.entity("console").sendAt(boundaryNanos, dir.get(OPERATOR).ref(), new Step(99));
            live.complete(boundaryNanos);
          }

          @Override public void tooLate() {
            live.completeExceptionally(new AssertionError("the run ended before the live step came in"));
          }
        });
      }
      // The first member to fail ends the wait (the others then wait for it for ever).
      CompletableFuture<Object> failed = new CompletableFuture<>();
      List<CompletableFuture<Long>> ends = MEMBERS.stream().map(m -> members.get(m).ended().toCompletableFuture())
          .toList();
      ends.forEach(e -> e.whenComplete((t, x) -> {
        if (x != null) {
          failed.completeExceptionally(x);
        }
      }));
      CompletableFuture.anyOf(CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)), failed)
          .get(30, SECONDS);
      for (CompletableFuture<Long> e : ends) {
        assertEquals(END, e.get());
      }
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }
    return seen;
  }

  @Test
  void threeMembersSeeWhatOneKernelSeesThoughTheOperatorTellsThemAtOnce() throws Exception {
    Map<String, List<String>> expected = oneKernel();
    InProcessTransport transport = new InProcessTransport(MEMBERS, L, END);
    Map<String, List<String>> seen = threeMembers(transport, false);
    for (String a : everyone()) {
      assertEquals(expected.get(a), seen.get(a), a);
    }
    long pokes = expected.values().stream().flatMap(List::stream).filter(s -> s.contains("Poke")).count();
    long reports = expected.get(OPERATOR).stream().filter(s -> s.contains("Report")).count();
    assertTrue(pokes > STEPS && reports == pokes, pokes + " pokes, " + reports + " reports");
    long barriers = transport.members.get("m0").barriersRun();
    assertEquals(STEPS + reports, barriers, "one window for each of the operator's events");
    assertEquals(0, transport.members.get("m1").barriersRun(), "the operator's member runs the barriers");
    assertTrue(transport.tellBatches.get() > STEPS / 2, transport.tellBatches.get() + " batches of tells");
  }

  /**
   * A live order from outside (the console's) comes in at the driver's next window boundary, as a barrier: every
   * actor then sees what one kernel shows it with that order set at that instant from the start.
   */
  @Test
  void aLiveOrderComesInAtTheNextBoundaryAsABarrier() throws Exception {
    CompletableFuture<Long> live = new CompletableFuture<>();
    InProcessTransport transport = new InProcessTransport(MEMBERS, L, END);
    Map<String, List<String>> seen = threeMembers(transport, false, live);
    long at = live.get(10, SECONDS);
    assertTrue(at > 0 && at < END, at + " ns");
    assertTrue(seen.get(OPERATOR).contains(at + " " + new Step(99)), seen.get(OPERATOR).toString());
    Map<String, List<String>> expected = oneKernel(at);
    for (String a : everyone()) {
      assertEquals(expected.get(a), seen.get(a), a);
    }
    assertEquals(STEPS + 1 + expected.get(OPERATOR).stream().filter(s -> s.contains("Report")).count(),
        transport.members.get("m0").barriersRun(), "the live step was a barrier too");
  }

  @Test
  void aZeroTimeTellToAnotherMemberFromAnOrdinaryEventFailsTheRun() {
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> threeMembers(new InProcessTransport(MEMBERS, L, END), true));
    SimulationFailedException failed = assertInstanceOf(SimulationFailedException.class, e.getCause());
    assertTrue(failed.getMessage().contains("which is not a barrier"), failed.getMessage());
  }
}
