package io.domsim.kernel.window;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Entities spread over three kernels, each run window by window ({@link WindowedMember}, {@link
 * WindowCoordinator}), see exactly what they see in one kernel: the same messages at the same instants in the
 * same order, though many arrive at one instant from entities on different kernels.
 */
@Timeout(60)
class WindowedKernelsTest {
  static final long L = 1_000_000; // 1 ms of lookahead: the least delay of a message between pingers
  static final long END = 2_000_000_000L;
  static final int PINGERS = 7;
  static final int HOPS = 120;
  static final List<String> MEMBERS = List.of("m0", "m1", "m2");

  sealed interface Msg {}

  record Start() implements Msg {}

  /** Crosses members inside a {@link TimedDelivery} (WindowLinkOverArteryTest sends it over the wire). */
  record Ping(String from, int chain, int hop) implements Msg, io.domsim.kernel.serialization.CrossJvm {}

  /** Where a pinger lives. */
  record Where(String member, ActorRef<Msg> ref) {}

  /** How a pinger's message reaches another pinger: a timer here, or a delivery to another member. */
  interface Post {
    void send(SimEntity from, String to, long atNanos, Msg message);
  }

  static String pinger(int i) {
    return "p" + i;
  }

  /** Pinger i lives on member i mod 3. */
  static String memberOf(String pinger) {
    List<String> names = all();
    return MEMBERS.get(names.indexOf(pinger) % MEMBERS.size());
  }

  /**
   * Records what it receives; answers each ping with one to a pinger drawn from its own stream, 1 to 3
   * lookaheads later (so that many land on one instant), until the chain has made {@link #HOPS} hops.
   */
  static Behavior<Msg> pinger(SimKernel kernel, String name, Post post, Map<String, List<String>> seen) {
    SimEntity self = kernel.entity(name);
    List<String> log = seen.computeIfAbsent(name, n -> new ArrayList<>());
    return Behaviors.receiveMessage(m -> {
      SplittableRandom random = self.random();
      if (m instanceof Start) {
        for (int chain = 0; chain < 3; chain++) {
          post.send(self, pinger(random.nextInt(PINGERS)), self.now() + L * (1 + random.nextInt(3)),
              new Ping(name, chain, 0));
        }
      } else if (m instanceof Ping p) {
        log.add(self.now() + " " + p);
        if (p.hop() < HOPS) {
          post.send(self, pinger(random.nextInt(PINGERS)), self.now() + L * (1 + random.nextInt(3)),
              new Ping(name, p.chain(), p.hop() + 1));
        }
      }
      return Behaviors.same();
    });
  }

  /** A kernel with the given pingers spawned; completes with their refs once they exist. */
  static ActorSystem<Void> system(SimKernel kernel, String name, List<String> pingers, Post post,
      Map<String, List<String>> seen, CompletableFuture<Map<String, ActorRef<Msg>>> refs) {
    return kernel.startSystem(name, Behaviors.setup(ctx -> {
      TreeMap<String, ActorRef<Msg>> spawned = new TreeMap<>();
      for (String p : pingers) {
        spawned.put(p, kernel.spawn(ctx, pinger(kernel, p, post, seen), p));
      }
      refs.complete(spawned);
      return Behaviors.empty();
    }), ConfigFactory.empty());
  }

  static List<String> all() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < PINGERS; i++) {
      names.add(pinger(i));
    }
    return names;
  }

  /** Every pinger in one kernel. */
  static Map<String, List<String>> oneKernel() throws Exception {
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, ActorRef<Msg>> dir = new ConcurrentHashMap<>();
    SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 42);
    CompletableFuture<Map<String, ActorRef<Msg>>> refs = new CompletableFuture<>();
    ActorSystem<Void> system = system(kernel, "one", all(), (from, to, at, m) -> from.sendAt(at, dir.get(to), m),
        seen, refs);
    try {
      dir.putAll(refs.get(10, SECONDS));
      for (String p : all()) {
        dir.get(p).tell(new Start());
      }
      assertEquals(END, kernel.runUntil(END).toCompletableFuture().get(30, SECONDS));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
    return seen;
  }

  /** What a member sends across, with the window it sends it in (a test's record of it). */
  interface Crossing {
    void sent(String member, Msg message, long window);
  }

  /**
   * One kernel and {@link WindowedMember} per member over {@code transport}, each with its pingers (registered in
   * {@code dir}, their systems in {@code systems}), every pinger started; the members themselves not yet.
   */
  static void startMembers(WindowedMember.Transport transport, Map<String, WindowedMember> members,
      Map<String, Where> dir, Map<String, List<String>> seen, List<ActorSystem<Void>> systems, Crossing crossing)
      throws Exception {
    for (String m : MEMBERS) {
      SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 42);
      WindowedMember member = new WindowedMember(m, kernel, transport);
      members.put(m, member);
      Post post = (from, to, at, msg) -> {
        Where w = dir.get(to);
        if (w.member().equals(m)) {
          from.sendAt(at, w.ref(), msg);
        } else {
          crossing.sent(m, msg, member.windows());
          member.send(from, w.member(), at, w.ref(), msg);
        }
      };
      List<String> here = all().stream().filter(p -> memberOf(p).equals(m)).toList();
      CompletableFuture<Map<String, ActorRef<Msg>>> refs = new CompletableFuture<>();
      systems.add(system(kernel, "member-" + m, here, post, seen, refs));
      refs.get(10, SECONDS).forEach((p, ref) -> dir.put(p, new Where(m, ref)));
    }
    for (String p : all()) {
      dir.get(p).ref().tell(new Start());
    }
  }

  @Test
  void threeMembersSeeWhatOneKernelSees() throws Exception {
    Map<String, List<String>> expected = oneKernel();
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, Where> dir = new ConcurrentHashMap<>();
    InProcessTransport transport = new InProcessTransport(MEMBERS, L, END);
    Map<String, WindowedMember> members = transport.members;
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      startMembers(transport, members, dir, seen, systems, (m, msg, window) -> { });
      MEMBERS.forEach(m -> members.get(m).start());
      for (String m : MEMBERS) {
        assertEquals(END, members.get(m).ended().toCompletableFuture().get(30, SECONDS), m);
      }
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }
    assertEquals(new TreeMap<>(expected), new TreeMap<>(seen));
    int pings = expected.values().stream().mapToInt(List::size).sum();
    assertEquals(PINGERS * 3 * (HOPS + 1), pings, "every chain ran to its end within the run");
    assertTrue(transport.shipped.get() > pings / 2, "most pings crossed members: " + transport.shipped.get() + " of " + pings);
    long windows = members.get("m0").windows();
    assertTrue(windows > 100 && windows <= pings, windows + " windows");
  }

  /**
   * A member lost mid-run (here m2 "dies" right after it has sent window 21's pings, before its report): the others
   * run to the end without it; of what it sent, exactly what it sent up to window 20, the last its report counted
   * in, reaches them, and nothing it sent after (held until the window after it is over, then dropped).
   */
  @Test
  void theOthersGoOnWithoutALostMemberAndSeeExactlyWhatItSentUpToItsLastCountedWindow() throws Exception {
    final long dies = 21;
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, Where> dir = new ConcurrentHashMap<>();
    InProcessTransport inner = new InProcessTransport(MEMBERS, L, END);
    Map<String, WindowedMember> members = inner.members;
    Map<String, Long> windowOfPing = new ConcurrentHashMap<>(); // m2's pings, by the window they were sent in
    CompletableFuture<Void> died = new CompletableFuture<>();
    WindowedMember.Transport transport = new WindowedMember.Transport() {
      @Override public void report(WindowCoordinator.Report r) {
        if (r.member().equals("m2") && r.window() >= dies) {
          died.complete(null); // its report never comes
          return;
        }
        inner.report(r);
      }

      @Override public void ship(String member, TimedDelivery<?> d) {
        inner.ship(member, d);
      }

      @Override public void revoke(String member, Revocation r) {
        inner.revoke(member, r);
      }
    };
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      startMembers(transport, members, dir, seen, systems, (m, msg, window) -> {
        if (m.equals("m2")) {
          windowOfPing.put(msg.toString(), window);
        }
      });
      MEMBERS.forEach(m -> members.get(m).start());
      died.get(30, SECONDS);
      inner.lose("m2"); // the driver's watch, from another thread
      for (String m : List.of("m0", "m1")) {
        assertEquals(END, members.get(m).ended().toCompletableFuture().get(30, SECONDS), m);
        assertEquals(Map.of("m2", dies - 1), members.get(m).lost());
      }
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }
    TreeMap<String, Long> expected = new TreeMap<>();
    windowOfPing.forEach((ping, window) -> {
      if (window < dies) {
        expected.put(ping, window);
      }
    });
    TreeMap<String, Long> received = new TreeMap<>();
    seen.forEach((pinger, log) -> {
      if (!memberOf(pinger).equals("m2")) {
        for (String line : log) {
          String ping = line.substring(line.indexOf(' ') + 1);
          if (windowOfPing.containsKey(ping)) {
            received.put(ping, windowOfPing.get(ping));
          }
        }
      }
    });
    assertEquals(expected, received, "m2's pings up to window " + (dies - 1) + ", and none after");
    assertTrue(windowOfPing.values().stream().anyMatch(w -> w == dies), "m2 sent pings in window " + dies
        + " (which were dropped)");
    assertTrue(members.get("m0").windows() > dies + 10, "the run went on: " + members.get("m0").windows());
  }
}
