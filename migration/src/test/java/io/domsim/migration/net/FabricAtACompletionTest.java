package io.domsim.migration.net;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.window.ReplicaBroadcast;
import io.domsim.kernel.window.WindowedMember;
import io.domsim.migration.FlowPurpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fabric's replicas at the very nanosecond of a flow's completion (docs/architecture.md, "Members" 2): Dom0s of
 * nodes named so that their entities are ordered before the fabric's timers ({@code "db-1/dom0"} before {@code
 * "fabric"}) start a flow, cancel one, report their guests' traffic and ask a rate at the instant a flow's last byte
 * leaves, before that completion's timer fires. The replica told such an input must not collect the completion
 * there (its owner told, its timer cancelled) while the others collect it at the timer: every replica, and one
 * fabric in one kernel, collects it at its timer. The NICs carry one byte a nanosecond, so a lone flow of B bytes
 * takes B ns exactly and the script can aim at its completion.
 */
@Timeout(120)
class FabricAtACompletionTest {
  static final long US = 1_000;
  static final long MS = 1_000_000;
  static final long GBIT = 1_000_000_000L;
  /** One byte a nanosecond, with no frame headers (payload fraction 1). */
  static final long ONE_BYTE_A_NANOSECOND = 8 * GBIT;
  static final long LATENCY = 100 * US;
  static final long END = 5 * MS;
  // Every Dom0's entity is ordered before the fabric's: the edge.
  static final List<String> NODES = List.of("db-1", "db-2", "dst-1", "dst-2");
  static final List<String> MEMBERS = List.of("m0", "m1", "m2");
  static final String DRIVER = "m0";

  static String memberOf(String node) {
    return MEMBERS.get(NODES.indexOf(node) % MEMBERS.size()); // db-1 m0, db-2 m1, dst-1 m2, dst-2 m0
  }

  /** What a scripted Dom0 does at an instant. */
  sealed interface Action {}

  /** Starts flow {@code flow} to {@code to}; {@code next}, if any, goes out the moment its FlowDone comes. */
  record Start(String flow, String to, long bytes, Fabric.Delivery doneOn, Start next) implements Action {}

  record Cancel(String flow) implements Action {}

  record Guests(double egressBitsPerSecond, double ingressBitsPerSecond) implements Action {}

  record AskRate(String flow) implements Action {}

  // Completions the script aims at (a lone flow enters one latency after its start and moves a byte a nanosecond).
  /** db-2's first round: 500,000 bytes entering at 1.1 ms. */
  static final long FIRST_ROUND_DONE = 1 * MS + LATENCY + 500_000;
  /** db-2's second round, started as the first's last byte leaves: 250,000 bytes, the only flow at its end. */
  static final long SECOND_ROUND_DONE = FIRST_ROUND_DONE + LATENCY + 250_000;
  /** db-1's flow of 300,000 bytes started at 3 ms. */
  static final long CANCELLED_DONE = 3 * MS + LATENCY + 300_000;

  /** Each node's Dom0's actions by instant. */
  static Map<String, TreeMap<Long, Action>> script() {
    Map<String, TreeMap<Long, Action>> s = new TreeMap<>();
    NODES.forEach(n -> s.put(n, new TreeMap<>()));
    // Pipelined rounds done on departure: the second starts as the first's last byte leaves.
    s.get("db-2").put(1 * MS, new Start("db-2-r1", "dst-1", 500_000, Fabric.Delivery.DEPARTURE,
        new Start("db-2-r2", "dst-1", 250_000, Fabric.Delivery.DEPARTURE, null)));
    // At the first round's completion: a start from the driver's member (the round's owner is on m1), and the
    // owner's own question about the round.
    s.get("db-1").put(FIRST_ROUND_DONE, new Start("db-1-x", "dst-2", 200_000, Fabric.Delivery.ARRIVAL, null));
    s.get("db-2").put(FIRST_ROUND_DONE, new AskRate("db-2-r1"));
    // At the second round's completion, the only flow then: guest traffic from a third member. Collected first, the
    // round would leave the network empty, and the guest traffic would wait without a timer.
    s.get("dst-1").put(SECOND_ROUND_DONE, new Guests(GBIT, GBIT / 2));
    // A flow done on departure, cancelled by its owner at its completion, while another member starts one.
    s.get("db-1").put(3 * MS, new Start("db-1-y", "dst-2", 300_000, Fabric.Delivery.DEPARTURE, null));
    s.get("db-1").put(CANCELLED_DONE, new Cancel("db-1-y"));
    s.get("db-2").put(CANCELLED_DONE, new Start("db-2-z", "dst-2", 100_000, Fabric.Delivery.ARRIVAL, null));
    s.get("dst-2").put(CANCELLED_DONE, new AskRate("db-1-y")); // shows that the script hit its completion
    return s;
  }

  static FlowId id(String flow) {
    return new FlowId(flow, FlowPurpose.FINAL_COPY);
  }

  /** A node's Dom0 as the fabric sees it: it follows its script and logs what it does and hears, in order. */
  static Behavior<Object> dom0(SimKernel kernel, String node, ActorRef<Fabric.Command> fabric, List<String> log) {
    return Behaviors.setup(ctx -> {
      SimEntity self = kernel.entity(node + "/dom0");
      ActorRef<Fabric.FlowEvent> flows = ctx.getSelf().narrow();
      ActorRef<Fabric.Rate> rates = ctx.getSelf().narrow();
      script().get(node).forEach((at, action) -> self.sendAt(at, ctx.getSelf(), action));
      TreeMap<FlowId, Start> started = new TreeMap<>();
      return Behaviors.receiveMessage(m -> {
        log.add(self.now() + " " + m);
        Start start = null;
        if (m instanceof Start s) {
          start = s;
        } else if (m instanceof Cancel c) {
          fabric.tell(new Fabric.CancelFlow(id(c.flow()), kernel.currentEvent()));
        } else if (m instanceof Guests g) {
          fabric.tell(new Fabric.GuestTraffic(node, g.egressBitsPerSecond(), g.ingressBitsPerSecond(),
              kernel.currentEvent()));
        } else if (m instanceof AskRate a) {
          fabric.tell(new Fabric.GetRate(id(a.flow()), rates));
        } else if (m instanceof Fabric.FlowDone d && started.containsKey(d.flowId())) {
          start = started.get(d.flowId()).next(); // the next round, caused by the event that told it
        }
        if (start != null) {
          started.put(id(start.flow()), start);
          fabric.tell(new Fabric.StartFlow(id(start.flow()), node, start.to(), start.bytes(), 0, flows,
              kernel.currentEvent(), new Fabric.Stream(start.doneOn(), 1000, 400)));
        }
        return Behaviors.same();
      });
    });
  }

  static TreeMap<String, Long> nics() {
    TreeMap<String, Long> nics = new TreeMap<>();
    NODES.forEach(n -> nics.put(n, ONE_BYTE_A_NANOSECOND));
    return nics;
  }

  /** One kernel's share: a fabric ({@code replica} null: the only one), and the Dom0s and hypervisors of nodes. */
  static ActorSystem<Void> system(SimKernel kernel, String name, List<String> nodes, FabricReplica replica,
      Map<String, List<String>> seen, CompletableFuture<Void> spawned) {
    return kernel.startSystem(name, Behaviors.setup(ctx -> {
      ActorRef<Fabric.Command> fabric = kernel.spawn(ctx,
          Fabric.create(kernel, nics(), LATENCY, 3000, 2000, 1, replica), "fabric");
      if (replica != null) {
        replica.host(fabric);
      }
      for (String n : nodes) {
        List<String> work = new ArrayList<>();
        seen.put(n + "/hypervisor", work);
        fabric.tell(new Fabric.Watch(n, kernel.spawn(ctx, FabricOverMembersTest.hypervisor(kernel, work),
            n + "-hypervisor")));
      }
      for (String n : nodes) {
        List<String> log = new ArrayList<>();
        seen.put(n + "/dom0", log);
        kernel.spawn(ctx, dom0(kernel, n, fabric, log), n + "-dom0");
      }
      spawned.complete(null);
      return Behaviors.empty();
    }), ConfigFactory.empty());
  }

  /** What one kernel with one fabric shows each Dom0 and hypervisor, and its events. */
  record Seen(Map<String, List<String>> logs, long events) {}

  static Seen inOneKernel() throws Exception {
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 11);
    CompletableFuture<Void> up = new CompletableFuture<>();
    ActorSystem<Void> system = system(kernel, "one", NODES, null, seen, up);
    try {
      up.get(10, SECONDS);
      assertEquals(END, kernel.runUntil(END).toCompletableFuture().get(60, SECONDS));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
    return new Seen(new TreeMap<>(seen), kernel.timersFired());
  }

  @Test
  void everyReplicaCollectsACompletionAtItsTimerWhateverIsToldAtItsNanosecond() throws Exception {
    Seen one = inOneKernel();

    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    FabricOverMembersTest.InJvmMembers wiring = new FabricOverMembersTest.InJvmMembers(MEMBERS, LATENCY, END,
        Set.of());
    TreeMap<String, SimKernel> kernels = new TreeMap<>();
    TreeMap<String, FabricReplica> replicas = new TreeMap<>();
    TreeMap<String, WindowedMember> members = new TreeMap<>();
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      for (String m : MEMBERS) {
        SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, 11);
        WindowedMember member = new WindowedMember(m, kernel, wiring.transport(m));
        FabricReplica replica = new FabricReplica(new ReplicaBroadcast(member, MEMBERS), m.equals(DRIVER));
        kernels.put(m, kernel);
        replicas.put(m, replica);
        members.put(m, member);
        CompletableFuture<Void> done = new CompletableFuture<>();
        systems.add(system(kernel, "member-" + m, NODES.stream().filter(n -> memberOf(n).equals(m)).toList(),
            replica, seen, done));
        done.get(10, SECONDS);
        wiring.up(m, member, null);
      }
      members.values().forEach(WindowedMember::start);
      for (String m : MEMBERS) {
        assertEquals(END, members.get(m).ended().toCompletableFuture().get(60, SECONDS), m);
      }
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }

    assertEquals(one.logs().keySet(), new TreeMap<>(seen).keySet());
    for (String who : new TreeSet<>(one.logs().keySet())) {
      assertEquals(one.logs().get(who), seen.get(who), who + ": one kernel's, then the members'");
    }
    TreeMap<String, Long> fabricTimers = new TreeMap<>();
    replicas.forEach((m, r) -> fabricTimers.put(m, r.timersFired()));
    assertEquals(1, fabricTimers.values().stream().distinct().count(), "fabric timers by member " + fabricTimers);
    long counted = 0;
    for (String m : MEMBERS) {
      counted += replicas.get(m).eventsCounted(kernels.get(m).timersFired());
    }
    assertEquals(one.events(), counted, "events: one kernel's against the members' counted");
  }

  /**
   * In one kernel too, what is told at a completion's nanosecond before its timer comes before it: the round's
   * owner asks its rate as its last byte leaves and hears it moving with nothing left, then done at the timer; the
   * script hit the instants it aims at.
   */
  @Test
  void inOneKernelAnInputAtACompletionsNanosecondComesBeforeTheCompletion() throws Exception {
    Seen one = inOneKernel();
    List<String> db2 = one.logs().get("db-2/dom0");
    List<String> atFirstDone = db2.stream().filter(l -> l.startsWith(FIRST_ROUND_DONE + " ")).toList();
    assertEquals(List.of(
        FIRST_ROUND_DONE + " " + new AskRate("db-2-r1"),
        FIRST_ROUND_DONE + " " + new Fabric.Rate(id("db-2-r1"), true, ONE_BYTE_A_NANOSECOND, 0),
        FIRST_ROUND_DONE + " " + new Fabric.FlowDone(id("db-2-r1"), 500_000, 1 * MS, FIRST_ROUND_DONE)),
        atFirstDone, db2::toString);
    assertEquals(1, db2.stream().filter(l -> l.equals(SECOND_ROUND_DONE + " "
        + new Fabric.FlowDone(id("db-2-r2"), 250_000, FIRST_ROUND_DONE, SECOND_ROUND_DONE))).count(), db2::toString);
    // Cancelled at its completion, before its timer: its owner hears nothing more of it, as after any cancel.
    List<String> db1 = one.logs().get("db-1/dom0");
    assertEquals(List.of(), db1.stream().filter(l -> l.contains("db-1-y") && !l.contains("Cancel")
        && !l.contains("Start")).toList(), db1::toString);
    assertEquals(1, db1.stream().filter(l -> l.equals(CANCELLED_DONE + " " + new Cancel("db-1-y"))).count(),
        db1::toString);
    List<String> dst2 = one.logs().get("dst-2/dom0");
    assertEquals(List.of(CANCELLED_DONE + " " + new AskRate("db-1-y"),
        CANCELLED_DONE + " " + new Fabric.Rate(id("db-1-y"), true, ONE_BYTE_A_NANOSECOND, 0)), dst2);
  }
}
