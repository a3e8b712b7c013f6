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
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kernel.Network over three members ({@link MemberRoute}): nodes exchange stream messages and datagrams with
 * loss, duplication and reordering, a node crashes and boots, another is cut off and healed, each member's
 * network a replica told the same operator actions at the same keys; every node sees exactly what it sees when
 * one kernel runs them all. Stream messages held for a retransmission when their sender crashes or is cut are
 * taken back across members ({@link Revocation}).
 */
@Timeout(60)
class NetworkOverMembersTest {
  static final long MS = 1_000_000;
  static final long LATENCY = 1 * MS;
  static final long END = 1_500 * MS;
  static final List<String> NODES = List.of("n0", "n1", "n2", "n3", "n4", "n5");
  static final List<String> MEMBERS = List.of("m0", "m1", "m2");

  sealed interface Msg {}

  /** A node's own tick: it starts a chain. */
  record Tick() implements Msg {}

  record Hop(String from, boolean datagram, int chain, int hop) implements Msg {}

  static String memberOf(String node) {
    return MEMBERS.get(NODES.indexOf(node) % MEMBERS.size());
  }

  /**
   * Every 7 ms a node starts a chain; a chain hops to a node drawn from the node's own stream, by stream or
   * datagram as drawn, up to 40 hops.
   */
  static Behavior<Msg> node(SimKernel kernel, String name, Network network, Map<String, ActorRef<Msg>> dir,
      Map<String, List<String>> seen) {
    return Behaviors.setup(ctx -> {
      SimEntity self = kernel.entity(name + "/app");
      List<String> log = seen.computeIfAbsent(name, n -> new ArrayList<>());
      self.sendAfter(7 * MS, ctx.getSelf(), new Tick());
      int[] chains = {0};
      return Behaviors.receiveMessage(m -> {
        SplittableRandom r = self.random();
        Hop next = null;
        if (m instanceof Tick) {
          self.sendAfter(7 * MS, ctx.getSelf(), new Tick());
          next = new Hop(name, r.nextBoolean(), chains[0]++, 0);
        } else if (m instanceof Hop h) {
          log.add(self.now() + " " + h);
          if (h.hop() < 40) {
            next = new Hop(name, r.nextBoolean(), h.chain(), h.hop() + 1);
          }
        }
        if (next != null) {
          String to = NODES.get(r.nextInt(NODES.size()));
          if (next.datagram()) {
            network.sendDatagram(self, name, to, dir.get(to), next);
          } else {
            network.send(self, name, to, dir.get(to), next);
          }
        }
        return Behaviors.same();
      });
    });
  }

  /** The operator's actions, the same timers (and so keys) in every kernel, each applied to that kernel's network. */
  static void operator(SimKernel kernel, Network network, ActorRef<?> owner) {
    SimEntity op = kernel.entity("operator");
    List<Map.Entry<Long, Consumer<Network>>> actions = List.of(
        Map.entry(300 * MS, n -> n.nodeDown("n1")), Map.entry(400 * MS, n -> n.cut("n2")),
        Map.entry(600 * MS, n -> n.nodeUp("n1")), Map.entry(900 * MS, n -> n.heal("n2")));
    for (Map.Entry<Long, Consumer<Network>> a : actions) {
      op.callAt(a.getKey(), owner, () -> a.getValue().accept(network));
    }
  }

  static Network network() {
    return new Network(LATENCY, new Network.Faults(0.3, 0.1, true));
  }

  /** Spawns {@code nodes} on {@code kernel} with {@code network}; completes with their refs. */
  static ActorSystem<Void> system(SimKernel kernel, String name, List<String> nodes, Network network,
      Map<String, ActorRef<Msg>> dir, Map<String, List<String>> seen, CompletableFuture<Void> spawned) {
    return kernel.startSystem(name, Behaviors.setup(ctx -> {
      for (String n : nodes) {
        dir.put(n, kernel.spawn(ctx, node(kernel, n, network, dir, seen), n));
      }
      operator(kernel, network, ctx.getSelf());
      spawned.complete(null);
      return Behaviors.empty();
    }), ConfigFactory.empty());
  }

  @Test
  void threeMembersNetworksDeliverWhatOneDoes() throws Exception {
    Map<String, List<String>> expected = new ConcurrentHashMap<>();
    Network one = network();
    SimKernel single = SimKernel.create(ClockKind.VIRTUAL, 1, 9);
    CompletableFuture<Void> up = new CompletableFuture<>();
    ActorSystem<Void> s1 = system(single, "one", NODES, one, new ConcurrentHashMap<>(), expected, up);
    try {
      up.get(10, SECONDS);
      assertEquals(END, single.runUntil(END).toCompletableFuture().get(30, SECONDS));
    } finally {
      s1.terminate();
      s1.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }

    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, ActorRef<Msg>> dir = new ConcurrentHashMap<>();
    TreeMap<String, String> placement = new TreeMap<>();
    NODES.forEach(n -> placement.put(n, memberOf(n)));
    InProcessTransport transport = new InProcessTransport(MEMBERS, LATENCY, END);
    Map<String, WindowedMember> members = transport.members;
    List<ActorSystem<Void>> systems = new ArrayList<>();
    List<Network> replicas = new ArrayList<>();
    try {
      List<CompletableFuture<Void>> spawned = new ArrayList<>();
      for (String m : MEMBERS) {
        SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 9);
        WindowedMember member = new WindowedMember(m, kernel, transport);
        members.put(m, member);
        Network replica = network();
        replica.spanMembers(new MemberRoute(member, placement, MEMBERS.get(0)));
        replicas.add(replica);
        CompletableFuture<Void> done = new CompletableFuture<>();
        spawned.add(done);
        systems.add(system(kernel, "member-" + m, NODES.stream().filter(n -> memberOf(n).equals(m)).toList(),
            replica, dir, seen, done));
      }
      for (CompletableFuture<Void> f : spawned) {
        f.get(10, SECONDS);
      }
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
    // The faults were in play, and their counts add up over the replicas (each counts its own senders').
    assertEquals(one.retransmissions(), replicas.stream().mapToLong(Network::retransmissions).sum());
    assertEquals(one.datagramsLost(), replicas.stream().mapToLong(Network::datagramsLost).sum());
    assertEquals(one.datagramsDuplicated(), replicas.stream().mapToLong(Network::datagramsDuplicated).sum());
    assertTrue(one.retransmissions() > 10 && one.datagramsLost() > 10 && one.datagramsDuplicated() > 10,
        one.retransmissions() + " retransmissions, " + one.datagramsLost() + " lost, "
            + one.datagramsDuplicated() + " duplicated");
    assertTrue(transport.revoked.get() > 0, "a crash and a cut took back deliveries across members");
    int hops = expected.values().stream().mapToInt(List::size).sum();
    assertTrue(hops > 1000, hops + " hops");
  }
}
