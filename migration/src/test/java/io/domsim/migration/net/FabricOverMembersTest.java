package io.domsim.migration.net;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.Props;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.window.ReplicaBroadcast;
import io.domsim.kernel.window.ReplicaInput;
import io.domsim.kernel.window.Revocation;
import io.domsim.kernel.window.TimedDelivery;
import io.domsim.kernel.window.WindowCoordinator;
import io.domsim.kernel.window.WindowLink;
import io.domsim.kernel.window.WindowedMember;
import io.domsim.migration.FlowPurpose;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fabric replicated over three members ({@link FabricReplica}, docs/architecture.md "Members" 2): six nodes, two
 * on each member, each with a Dom0 that owns flows and a hypervisor that watches its Dom0's stream cost. The Dom0s
 * start flows to nodes mostly on other members (plain ones, and pipelined rounds where the round's {@code FlowDone}
 * on departure starts the next at once), cancel them, ask their rates and report their guests' traffic; the operator
 * fails and recovers a node (with starts to it caused just before), cuts and heals another's link and degrades a
 * third's, telling every replica the same input at the same key. Every Dom0 and every hypervisor sees exactly what
 * it sees when one kernel and one fabric run it all: the same messages, at the same instants, in the same order; and
 * the members' event counts, each replica's fabric timers counted once, add up to one kernel's.
 */
@Timeout(240)
class FabricOverMembersTest {
  static final long US = 1_000;
  static final long MS = 1_000_000;
  static final long GBIT = 1_000_000_000L;
  static final long LATENCY = 100 * US;
  static final long END = 1_200 * MS;
  // Some node names sort before "fabric", some after: the Dom0s' events come before the fabric's timers of their
  // instant, or after them. (The Dom0s act on a 10 µs grid, which completions seldom hit: FabricAtACompletionTest
  // aims at a completion's nanosecond.)
  static final List<String> NODES = List.of("db-0", "dst-1", "n2", "n3", "n4", "n5");
  static final List<String> MEMBERS = List.of("m0", "m1", "m2");
  static final String DRIVER = "m0";
  static final int ROUNDS = 4;

  static String memberOf(String node) {
    return MEMBERS.get(NODES.indexOf(node) % MEMBERS.size());
  }

  static TreeMap<String, Long> nics() {
    SplittableRandom r = new SplittableRandom(7);
    TreeMap<String, Long> nics = new TreeMap<>();
    NODES.forEach(n -> nics.put(n, (1 + r.nextInt(10)) * GBIT));
    return nics;
  }

  /**
   * The operator's actions, each at its own instant (3 ns past a millisecond: no Dom0 acts then), on every replica
   * by a timer of the same key; the test's transport may end a window at each (as a barrier will: every input
   * caused before it has then reached every replica when it acts).
   */
  static TreeMap<Long, Consumer<Tell>> operatorAt() {
    TreeMap<String, Long> nics = nics();
    TreeMap<Long, Consumer<Tell>> at = new TreeMap<>();
    at.put(FAILURE, t -> t.fabric.tell(new Fabric.NodeFailed(FAILING, t.kernel.currentEvent())));
    at.put(420 * MS + 3, t -> t.fabric.tell(new Fabric.LinkChanged("n2", 0, LATENCY, t.kernel.currentEvent())));
    at.put(520 * MS + 3, t -> t.fabric.tell(new Fabric.LinkChanged("n4", GBIT / 2, 7 * LATENCY,
        t.kernel.currentEvent())));
    at.put(700 * MS + 3, t -> t.fabric.tell(new Fabric.NodeRecovered(FAILING, t.kernel.currentEvent())));
    at.put(900 * MS + 3, t -> t.fabric.tell(new Fabric.LinkChanged("n2", nics.get("n2"), LATENCY,
        t.kernel.currentEvent())));
    at.put(1_000 * MS + 3, t -> t.fabric.tell(new Fabric.LinkChanged("n4", nics.get("n4"), LATENCY,
        t.kernel.currentEvent())));
    return at;
  }

  record Tell(SimKernel kernel, ActorRef<Fabric.Command> fabric) {}

  private enum Act { INSTANCE }

  /** A start to the node that fails, caused within one latency before the failure: it is broken while it waits. */
  private enum JustBeforeTheFailure { INSTANCE }

  static final String FAILING = "dst-1";
  static final long FAILURE = 300 * MS + 3;

  /**
   * A node's Dom0, as far as the fabric sees it: every few tens of microseconds to milliseconds (its own random
   * stream) it starts a migration's flow, cancels one, asks a rate or reports its guests' traffic; a pipelined
   * round done on departure starts the next round at once, the last one a final copy. It logs all it hears.
   */
  static Behavior<Object> dom0(SimKernel kernel, String node, ActorRef<Fabric.Command> fabric, List<String> log,
      Load load, Stats stats) {
    return Behaviors.setup(ctx -> {
      SimEntity self = kernel.entity(node + "/dom0");
      ActorRef<Fabric.FlowEvent> flows = ctx.getSelf().narrow();
      ActorRef<Fabric.Rate> rates = ctx.getSelf().narrow();
      TreeMap<FlowId, Fabric.StartFlow> active = new TreeMap<>();
      int[] migrations = {0};
      self.sendAfter((1 + self.random().nextInt(300)) * 10 * US, ctx.getSelf(), Act.INSTANCE);
      if (!node.equals(FAILING)) {
        self.sendAt(FAILURE - LATENCY / 2, ctx.getSelf(), JustBeforeTheFailure.INSTANCE);
      }
      Consumer<Fabric.StartFlow> start = s -> {
        active.put(s.flowId(), s);
        fabric.tell(s);
      };
      return Behaviors.receiveMessage(m -> {
        SplittableRandom r = self.random();
        if (m == Act.INSTANCE) {
          self.sendAfter((1 + r.nextInt(300)) * 10 * US, ctx.getSelf(), Act.INSTANCE);
          int op = r.nextInt(20);
          if (op < 10 - load.startsIn20) {
            // Idle: the starts get what the load gives them of the first half, the rest have fixed shares.
          } else if (op < 10) {
            List<String> others = new ArrayList<>(NODES.stream().filter(n -> !n.equals(node)).toList());
            List<String> remote = NODES.stream().filter(n -> !memberOf(n).equals(memberOf(node))).toList();
            String to = r.nextInt(5) > 0 ? remote.get(r.nextInt(remote.size())) : others.get(r.nextInt(others.size()));
            long bytes = r.nextInt(10) == 0 ? 0 : 1 + r.nextLong(load.maxBytes);
            long cap = r.nextInt(4) == 0 ? (1 + r.nextInt(5)) * GBIT / 2 : 0;
            int kind = r.nextInt(3);
            Fabric.Stream stream = kind == 0 ? Fabric.Stream.PLAIN
                : kind == 1 ? new Fabric.Stream(Fabric.Delivery.ARRIVAL, 1500, 700)
                : new Fabric.Stream(Fabric.Delivery.DEPARTURE, r.nextInt(3) * 1000.0, r.nextInt(3) * 400.0);
            FlowId id = new FlowId(node + "-" + migrations[0]++, new FlowPurpose.Round(1, 0));
            start.accept(new Fabric.StartFlow(id, node, to, bytes, cap, flows, kernel.currentEvent(), stream));
          } else if (op < 13 && !active.isEmpty()) {
            FlowId id = new ArrayList<>(active.keySet()).get(r.nextInt(active.size()));
            active.remove(id);
            fabric.tell(new Fabric.CancelFlow(id, kernel.currentEvent()));
            stats.cancels.incrementAndGet();
          } else if (op < 15 && !active.isEmpty()) {
            fabric.tell(new Fabric.GetRate(new ArrayList<>(active.keySet()).get(r.nextInt(active.size())), rates));
          } else if (op < 20) {
            double out = r.nextInt(3) == 0 ? 0 : r.nextDouble() * 2 * GBIT;
            fabric.tell(new Fabric.GuestTraffic(node, out, r.nextDouble() * GBIT, kernel.currentEvent()));
          }
        } else if (m == JustBeforeTheFailure.INSTANCE) {
          start.accept(new Fabric.StartFlow(new FlowId(node + "-" + migrations[0]++, new FlowPurpose.Round(1, 0)), node,
              FAILING, 1_000_000, 0, flows, kernel.currentEvent(), Fabric.Stream.PLAIN));
        } else if (m instanceof Fabric.FlowEvent e) {
          log.add(self.now() + " " + e);
          if (e instanceof Fabric.FlowDone || e instanceof Fabric.FlowBroken) {
            Fabric.StartFlow s = active.remove(e.flowId());
            if (s != null && e instanceof Fabric.FlowDone && s.stream().doneOn() == Fabric.Delivery.DEPARTURE
                && e.flowId().purpose() instanceof FlowPurpose.Round round) {
              // The next round goes out as the last byte of this one leaves: caused by the fabric's event.
              FlowId next = new FlowId(e.flowId().migration(),
                  round.round() < ROUNDS ? new FlowPurpose.Round(round.round() + 1, 0) : new FlowPurpose.FinalCopy());
              Fabric.Stream stream = round.round() < ROUNDS ? s.stream() : Fabric.Stream.PLAIN;
              start.accept(new Fabric.StartFlow(next, node, s.to(), s.bytes() / 2, s.capBitsPerSecond(), flows,
                  kernel.currentEvent(), stream));
              stats.pipelined.incrementAndGet();
            }
            if (e instanceof Fabric.FlowBroken) {
              stats.broken.incrementAndGet();
            }
          } else {
            stats.stalledOrMoving.incrementAndGet();
          }
        } else if (m instanceof Fabric.Rate rate) {
          log.add(self.now() + " " + rate);
        }
        return Behaviors.same();
      });
    });
  }

  /** A node's hypervisor, as far as the fabric sees it: it logs what its Dom0's streams cost. */
  static Behavior<Hypervisor.Command> hypervisor(SimKernel kernel, List<String> log) {
    return Behaviors.receiveMessage(m -> {
      if (m instanceof Hypervisor.MigrationWork w) {
        log.add(kernel.now() + " " + w);
      }
      return Behaviors.same();
    });
  }

  /**
   * How much the Dom0s migrate: {@code startsIn20} of 20 actions start a flow of up to {@code maxBytes}. Busy, the
   * network is seldom empty; sparse, it often is, and guest traffic reported then has no timer until a flow enters
   * (Fabric's Batch): a replica that hears of it only after a flow entered must arm it as the one told did.
   */
  enum Load {
    BUSY(7, 6_000_000), SPARSE(1, 200_000);

    final int startsIn20;
    final long maxBytes;

    Load(int startsIn20, long maxBytes) {
      this.startsIn20 = startsIn20;
      this.maxBytes = maxBytes;
    }
  }

  static final class Stats {
    final AtomicLong pipelined = new AtomicLong();
    final AtomicLong cancels = new AtomicLong();
    final AtomicLong broken = new AtomicLong();
    final AtomicLong stalledOrMoving = new AtomicLong();
  }

  /**
   * One kernel's share: a fabric ({@code replica} null: the only one), the Dom0s and hypervisors of {@code nodes},
   * and the operator's timers.
   */
  static ActorSystem<Void> system(SimKernel kernel, String name, List<String> nodes, FabricReplica replica,
      Map<String, List<String>> seen, Load load, Stats stats, CompletableFuture<Void> spawned, Config config) {
    return kernel.startSystem(name, Behaviors.setup(ctx -> {
      ActorRef<Fabric.Command> fabric = kernel.spawn(ctx,
          Fabric.create(kernel, nics(), LATENCY, 3000, 2000, 0.95, replica), "fabric");
      if (replica != null) {
        replica.host(fabric);
      }
      for (String n : nodes) {
        List<String> work = new ArrayList<>();
        seen.put(n + "/hypervisor", work);
        fabric.tell(new Fabric.Watch(n, kernel.spawn(ctx, hypervisor(kernel, work), n + "-hypervisor")));
      }
      for (String n : nodes) {
        List<String> log = new ArrayList<>();
        seen.put(n + "/dom0", log);
        kernel.spawn(ctx, dom0(kernel, n, fabric, log, load, stats), n + "-dom0");
      }
      SimEntity operator = kernel.entity("operator");
      Tell tell = new Tell(kernel, fabric);
      operatorAt().forEach((t, action) -> operator.callAt(t, ctx.getSelf(), () -> action.accept(tell)));
      spawned.complete(null);
      return Behaviors.empty();
    }), config);
  }

  /**
   * {@code barriers}: each window ends at the operator's next instant, as the driver's barriers will end it; without,
   * a replica may apply a failure before another member's start caused just before it has come, and must drop that
   * start when it comes, as the failure broke it where it was told.
   */
  @ParameterizedTest
  @CsvSource({"BUSY, true", "BUSY, false", "SPARSE, true", "SPARSE, false"})
  void eachMembersReplicaShowsItsOwnersAndHypervisorsWhatTheOneFabricShows(Load load, boolean barriers)
      throws Exception {
    compare(load, new InJvmMembers(MEMBERS, LATENCY, END, barriers ? operatorAt().keySet() : java.util.Set.of()),
        load + (barriers ? " with barriers" : ""));
  }

  /**
   * The same over three actor systems on loopback: every replica input through Artery and Kryo ({@link WindowLink}).
   */
  @Test
  void overTheWireEachMembersReplicaShowsWhatTheOneFabricShows() throws Exception {
    compare(Load.BUSY, new OverArtery(), "BUSY over Artery");
  }

  /** How the members reach each other and the driver. */
  interface Wiring {
    WindowedMember.Transport transport(String member);

    Config config();

    /** Member {@code m}'s system is up, with its actors spawned. */
    void up(String m, WindowedMember member, ActorSystem<Void> system);

    /** Every member is up; none has started. */
    default void allUp() {}

    /** Inputs replicated so far. */
    long replicated();
  }

  /** Runs the scenario in one kernel and over the members, and compares what each Dom0 and hypervisor saw. */
  private void compare(Load load, Wiring wiring, String name) throws Exception {
    Map<String, List<String>> expected = new ConcurrentHashMap<>();
    Stats stats = new Stats();
    SimKernel single = SimKernel.create(ClockKind.VIRTUAL, 1, 11);
    CompletableFuture<Void> up = new CompletableFuture<>();
    ActorSystem<Void> one = system(single, "one", NODES, null, expected, load, stats, up, ConfigFactory.empty());
    try {
      up.get(10, SECONDS);
      assertEquals(END, single.runUntil(END).toCompletableFuture().get(60, SECONDS));
    } finally {
      one.terminate();
      one.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    }
    long oneEvents = single.timersFired();

    Map<String, List<String>> seen = new ConcurrentHashMap<>();
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
        ActorSystem<Void> system = system(kernel, "member-" + m,
            NODES.stream().filter(n -> memberOf(n).equals(m)).toList(), replica, seen, load, new Stats(), done,
            wiring.config());
        systems.add(system);
        done.get(10, SECONDS);
        wiring.up(m, member, system);
      }
      wiring.allUp();
      members.values().forEach(WindowedMember::start);
      for (String m : MEMBERS) {
        assertEquals(END, members.get(m).ended().toCompletableFuture().get(150, SECONDS), m);
      }
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }

    assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(seen).keySet());
    for (String who : new TreeSet<>(expected.keySet())) {
      List<String> want = expected.get(who);
      List<String> got = seen.get(who);
      int i = 0;
      while (i < Math.min(want.size(), got.size()) && want.get(i).equals(got.get(i))) {
        i++;
      }
      // Only the first difference: the rest follows from it.
      assertEquals(i < want.size() ? want.get(i) : "(no more)", i < got.size() ? got.get(i) : "(no more)",
          who + "'s message " + i + " (of " + want.size() + " in one kernel, " + got.size() + " over members)");
    }
    // Every replica fired the same fabric timers; counted once, the members' events are one kernel's.
    TreeMap<String, Long> fabricTimers = new TreeMap<>();
    replicas.forEach((m, r) -> fabricTimers.put(m, r.timersFired()));
    assertEquals(1, fabricTimers.values().stream().distinct().count(), "fabric timers by member " + fabricTimers);
    long counted = 0;
    for (String m : MEMBERS) {
      counted += replicas.get(m).eventsCounted(kernels.get(m).timersFired());
    }
    // The operator's timers stand in for the driver's barriers here: on every member, where the run will have them
    // only on the driver.
    counted -= (MEMBERS.size() - 1) * operatorAt().size();
    assertEquals(oneEvents, counted, "events: one kernel's against the members' counted");

    // The run did what it is meant to test.
    long flowEvents = expected.entrySet().stream().filter(e -> e.getKey().endsWith("/dom0"))
        .mapToLong(e -> e.getValue().size()).sum();
    long work = expected.entrySet().stream().filter(e -> e.getKey().endsWith("/hypervisor"))
        .mapToLong(e -> e.getValue().size()).sum();
    String summary = flowEvents + " flow events, " + work + " work reports, " + stats.pipelined + " pipelined rounds, "
        + stats.cancels + " cancels, " + stats.broken + " broken, " + stats.stalledOrMoving + " stalls and moves, "
        + wiring.replicated() + " inputs replicated, " + fabricTimers + " fabric timers";
    System.out.println(name + ": " + summary);
    assertTrue(load == Load.SPARSE ? flowEvents > 300 && work > 300 && wiring.replicated() > 5_000
        : flowEvents > 2_000 && work > 2_000 && stats.pipelined.get() > 300 && stats.cancels.get() > 100
        && stats.broken.get() > 20 && stats.stalledOrMoving.get() > 4 && wiring.replicated() > 5_000, summary);
  }

  /**
   * The members over Artery on loopback, as a run over several JVMs has them: each with its {@link WindowLink}, the
   * first one's running the coordinator.
   */
  static final class OverArtery implements Wiring {
    private final TreeMap<String, WindowLink.Links> links = new TreeMap<>();
    private final TreeMap<String, ActorSystem<Void>> systems = new TreeMap<>();
    private final TreeMap<String, ActorRef<WindowLink.Command>> linkRefs = new TreeMap<>();
    private final AtomicLong replicated = new AtomicLong();

    @Override
    public WindowedMember.Transport transport(String member) {
      WindowLink.Links l = new WindowLink.Links();
      links.put(member, l);
      return new WindowedMember.Transport() { // the links, counting the replica inputs
        @Override public void report(WindowCoordinator.Report report) {
          l.report(report);
        }

        @Override public void ship(String to, TimedDelivery<?> delivery) {
          l.ship(to, delivery);
        }

        @Override public void revoke(String to, Revocation revocation) {
          l.revoke(to, revocation);
        }

        @Override public void replicate(String to, ReplicaInput<?> input) {
          replicated.incrementAndGet();
          l.replicate(to, input);
        }
      };
    }

    @Override
    public Config config() {
      return ConfigFactory.parseString("""
          akka.actor.provider = remote
          akka.remote.artery.transport = tcp
          akka.remote.artery.canonical.hostname = "127.0.0.1"
          akka.remote.artery.canonical.port = 0
          """);
    }

    @Override
    public void up(String m, WindowedMember member, ActorSystem<Void> system) {
      systems.put(m, system);
      WindowCoordinator coordinator = m.equals(DRIVER) ? new WindowCoordinator(MEMBERS, LATENCY, END) : null;
      linkRefs.put(m, system.systemActorOf(WindowLink.create(member, coordinator, links.get(m)), "windows",
          Props.empty()));
    }

    @Override
    public void allUp() {
      for (String m : MEMBERS) {
        TreeMap<String, ActorRef<WindowLink.Command>> view = new TreeMap<>();
        for (String other : MEMBERS) {
          ActorRef<WindowLink.Command> ref = linkRefs.get(other);
          view.put(other, m.equals(other) ? ref : ActorRefResolver.get(systems.get(m)).resolveActorRef(
              ActorRefResolver.get(systems.get(other)).toSerializationFormat(ref)));
        }
        links.get(m).set(systems.get(m), view, DRIVER);
      }
    }

    @Override
    public long replicated() {
      return replicated.get();
    }
  }

  /**
   * The window protocol between the members in one JVM, by direct calls (as the kernel's tests' InJvmTransport,
   * with replica inputs): the driver's coordinator behind a lock, and each window ended at the next operator's
   * instant after its start, as the driver's barriers will end it.
   */
  static final class InJvmMembers implements WindowedMember.Transport, Wiring {
    final Map<String, WindowedMember> members = new ConcurrentHashMap<>();
    final AtomicLong replicated = new AtomicLong();
    private final WindowCoordinator coordinator;
    private final TreeSet<Long> barriers;
    /** The start of the window being reported on: the smallest time in its reports so far. */
    private long windowStart = Long.MAX_VALUE;

    InJvmMembers(List<String> members, long lookaheadNanos, long endNanos, java.util.Set<Long> barriers) {
      this.coordinator = new WindowCoordinator(members, lookaheadNanos, endNanos);
      this.barriers = new TreeSet<>(barriers);
    }

    @Override
    public void report(WindowCoordinator.Report report) {
      Map<String, WindowCoordinator.Grant> grants;
      TreeMap<String, WindowCoordinator.Grant> clipped = new TreeMap<>();
      synchronized (coordinator) {
        windowStart = Math.min(windowStart, Math.min(report.nextEventTime(), report.earliestSentTime()));
        grants = coordinator.report(report);
        if (grants.isEmpty()) {
          return;
        }
        Long barrier = barriers.higher(windowStart);
        windowStart = Long.MAX_VALUE;
        grants.forEach((m, g) -> clipped.put(m, g.end() || barrier == null || barrier >= g.horizon() ? g
            : new WindowCoordinator.Grant(g.window(), barrier, g.deliveriesFrom(), false)));
      }
      clipped.forEach((m, g) -> members.get(m).grant(g));
    }

    @Override
    public void ship(String member, TimedDelivery<?> delivery) {
      members.get(member).receive(delivery);
    }

    @Override
    public void revoke(String member, Revocation revocation) {
      members.get(member).receive(revocation);
    }

    @Override
    public void replicate(String member, ReplicaInput<?> input) {
      replicated.incrementAndGet();
      members.get(member).receive(input);
    }

    @Override
    public WindowedMember.Transport transport(String member) {
      return this;
    }

    @Override
    public Config config() {
      return ConfigFactory.empty();
    }

    @Override
    public void up(String m, WindowedMember member, ActorSystem<Void> system) {
      members.put(m, member);
    }

    @Override
    public long replicated() {
      return replicated.get();
    }
  }
}
