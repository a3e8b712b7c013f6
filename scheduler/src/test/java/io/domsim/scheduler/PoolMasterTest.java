package io.domsim.scheduler;

import io.domsim.kernel.SimKernel;
import io.domsim.kernel.testkit.SimHarness;
import static io.domsim.scheduler.Guests.GIB;
import static io.domsim.scheduler.Guests.MIB;
import static io.domsim.scheduler.Guests.OVERHEAD;
import static io.domsim.scheduler.Guests.hvm;
import static io.domsim.scheduler.Guests.pv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import io.domsim.config.GuestSpec;
import io.domsim.kernel.Network;
import io.domsim.scheduler.PoolMaster.Outcome;
import io.domsim.scheduler.PoolMaster.Placed;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool-master actor against fake hosts that speak the pool protocol, on the virtual clock. */
@Timeout(60)
class PoolMasterTest {
  private static final long LATENCY = 250_000; // 250 us
  private static final long SECOND = 1_000_000_000L;

  /** A fake host: {@code advertised} < 0 means it describes itself truthfully. */
  private record H(String node, long advertised, long real, boolean hvm, boolean failCommits) {}

  private static H host(String node, long free) {
    return new H(node, -1, free, true, false);
  }

  private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

  private SimHarness<ActorRef<PoolMaster.Command>> start(PlacementPolicy policy, H... hosts) throws Exception {
    return new SimHarness<>(1, (ctx, kernel) -> master(ctx, kernel, policy, hosts));
  }

  private ActorRef<PoolMaster.Command> master(akka.actor.typed.javadsl.ActorContext<Void> ctx, SimKernel kernel,
      PlacementPolicy policy, H... hosts) {
    Network network = new Network(LATENCY);
    List<PoolMaster.Host> pool = new ArrayList<>();
    for (H h : hosts) {
      ActorRef<HostCommand> ref = kernel.spawn(ctx, FakeHost.create(kernel.entity(h.node() + "/dom0"), network,
          h.node(), h.advertised(), h.real(), h.hvm(), OVERHEAD, h.failCommits(), log), h.node());
      pool.add(new PoolMaster.Host(h.node(), ref));
    }
    return kernel.spawn(ctx, PoolMaster.create("master", kernel.entity("master/pool-master"), network, policy,
        PoolSettings.withoutRetries(2_000_000_000L), pool), "pool-master");
  }

  /** An outcome and the simulated time it arrived, relative to when Place was sent. */
  private record Answer(Outcome outcome, long afterNanos) {}

  private static Answer place(SimHarness<ActorRef<PoolMaster.Command>> h, long at, List<GuestSpec> guests)
      throws Exception {
    h.runUntil(at);
    h.inject(() -> h.refs.tell(new PoolMaster.Place(guests, h.inbox())));
    h.runUntil(at + SECOND);
    List<SimHarness.Received> got = h.drain();
    assertEquals(1, got.size(), "exactly one outcome: " + got);
    return new Answer((Outcome) got.get(0).message(), got.get(0).atNanos() - at);
  }

  private static List<String> names(Outcome o) {
    return o.placements().stream().map(Placed::guest).toList();
  }

  private static List<String> nodes(Outcome o) {
    return o.placements().stream().map(p -> p.node().orElse("-")).toList();
  }

  @Test
  void placesEveryGuestAndAnswersInTheGivenOrder() throws Exception {
    try (var h = start(PlacementPolicy.WORST_FIT,
        host("a", 8 * GIB), host("b", 8 * GIB), new H("legacy", -1, 32 * GIB, false, false))) {
      List<GuestSpec> guests = List.of(pv("zeta", 4 * GIB), hvm("alpha", 3 * GIB), pv("mid", 2 * GIB),
          hvm("beta", 1 * GIB));
      Answer a = place(h, 0, guests);
      assertEquals(List.of("zeta", "alpha", "mid", "beta"), names(a.outcome()));
      // Worst-fit: PV guests go to the roomy legacy host; HVM guests only to a and b, ties to a.
      assertEquals(List.of("legacy", "a", "legacy", "b"), nodes(a.outcome()));
      for (Placed p : a.outcome().placements()) {
        assertFalse(p.reason().isBlank(), p.toString());
      }
      // Describe, Described, Reserve, Reserved, Commit, Started: every one crosses the network.
      assertTrue(a.afterNanos() >= 4 * LATENCY, "outcome after " + a.afterNanos() + " ns");
      assertTrue(log.containsAll(List.of("a describe @" + LATENCY, "b describe @" + LATENCY,
          "legacy describe @" + LATENCY)), log.toString());
      assertTrue(log.containsAll(List.of("legacy start zeta", "a start alpha", "legacy start mid", "b start beta")),
          log.toString());
      assertEquals(4, log.stream().filter(l -> l.contains(" start ")).count(), log.toString());
    }
  }

  @Test
  void aRefusedReservationMovesTheGuestToAnotherHost() throws Exception {
    // a says it has 16 GiB but really has 1 GiB: the pool master's view is wrong, the reservation catches it.
    try (var h = start(PlacementPolicy.FIRST_FIT, new H("a", 16 * GIB, 1 * GIB, true, false), host("b", 8 * GIB))) {
      Answer a = place(h, 0, List.of(pv("g1", 2 * GIB), pv("g2", 2 * GIB), pv("g3", 512 * MIB)));
      assertEquals(List.of("g1", "g2", "g3"), names(a.outcome()));
      assertEquals(List.of("b", "b", "a"), nodes(a.outcome()));
      assertTrue(log.containsAll(List.of("a refuse g1", "a refuse g2", "a reserve g3", "a start g3",
          "b reserve g1", "b start g1", "b reserve g2", "b start g2")), log.toString());
      assertFalse(log.contains("a start g1"), log.toString());
      assertFalse(log.contains("a start g2"), log.toString());
      // The describe round trip, the refused reservation's round trip and the good one's.
      assertTrue(a.afterNanos() >= 6 * LATENCY, "outcome after " + a.afterNanos() + " ns");
    }
  }

  @Test
  void refusalsCorrectTheViewSoTheReasonTellsTheRealFreeMemory() throws Exception {
    try (var h = start(PlacementPolicy.BEST_FIT,
        new H("a", 16 * GIB, 1 * GIB, true, false), new H("b", 16 * GIB, 1536 * MIB, true, false))) {
      Answer a = place(h, 0, List.of(pv("big", 4 * GIB)));
      Placed p = a.outcome().placements().get(0);
      assertEquals(Optional.empty(), p.node(), p.toString());
      assertTrue(p.reason().contains("big"), p.reason());
      assertTrue(p.reason().contains("1536 MiB on b"), p.reason());
      assertTrue(log.containsAll(List.of("a refuse big", "b refuse big")), log.toString());
    }
  }

  @Test
  void whenNothingFitsTheNodeIsEmptyWithAReason() throws Exception {
    try (var h = start(PlacementPolicy.FIRST_FIT, host("a", 1 * GIB), host("b", 2 * GIB))) {
      Answer a = place(h, 0, List.of(pv("huge", 4 * GIB), pv("small", 512 * MIB)));
      assertEquals(List.of("huge", "small"), names(a.outcome()));
      assertEquals(List.of("-", "a"), nodes(a.outcome()));
      String why = a.outcome().placements().get(0).reason();
      assertTrue(why.contains("huge"), why);
      assertTrue(why.contains("2048 MiB on b"), why);
      assertFalse(log.stream().anyMatch(l -> l.contains("huge")), "no host was asked for huge: " + log);
      assertTrue(a.afterNanos() >= 4 * LATENCY, "outcome after " + a.afterNanos() + " ns");
    }
  }

  @Test
  void anHvmGuestWithoutHvmHostsIsNotPlaced() throws Exception {
    try (var h = start(PlacementPolicy.WORST_FIT, new H("old-1", -1, 64 * GIB, false, false),
        new H("old-2", -1, 64 * GIB, false, false))) {
      Answer a = place(h, 0, List.of(hvm("win", 2 * GIB)));
      Placed p = a.outcome().placements().get(0);
      assertEquals(Optional.empty(), p.node());
      assertTrue(p.reason().contains("no node can host HVM"), p.reason());
      // The decision needs the hosts' descriptions: one round trip at least.
      assertTrue(a.afterNanos() >= 2 * LATENCY, "outcome after " + a.afterNanos() + " ns");
      assertFalse(log.stream().anyMatch(l -> l.contains("win")), log.toString());
    }
  }

  @Test
  void aFailedStartPlacesTheGuestOnAnotherHost() throws Exception {
    try (var h = start(PlacementPolicy.FIRST_FIT, new H("a", -1, 8 * GIB, true, true), host("b", 8 * GIB))) {
      Answer a = place(h, 0, List.of(pv("g", 2 * GIB)));
      assertEquals(List.of("b"), nodes(a.outcome()));
      assertTrue(log.containsAll(List.of("a reserve g", "a fail g", "b reserve g", "b start g")), log.toString());
    }
  }

  @Test
  void noGuestsGivesAnEmptyOutcome() throws Exception {
    try (var h = start(PlacementPolicy.FIRST_FIT, host("a", 8 * GIB))) {
      Answer a = place(h, 0, List.of());
      assertEquals(List.of(), a.outcome().placements());
    }
  }

  @Test
  void theSameRunTwiceGivesTheSameOutcomeAtTheSameTime() throws Exception {
    List<Answer> answers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      try (var h = start(PlacementPolicy.BEST_FIT, new H("a", 16 * GIB, 3 * GIB, true, false), host("b", 6 * GIB),
          host("c", 4 * GIB))) {
        answers.add(place(h, 0, List.of(pv("g1", 2 * GIB), hvm("g2", 2 * GIB), pv("g3", 1 * GIB),
            pv("g4", 3 * GIB))));
      }
    }
    assertEquals(answers.get(0), answers.get(1));
  }

  @Test
    void aSecondPlaceIsAnsweredToo() throws Exception {
    try (var h = start(PlacementPolicy.FIRST_FIT, host("a", 8 * GIB), host("b", 8 * GIB))) {
      Answer first = place(h, 0, List.of(pv("g1", 2 * GIB), pv("g2", 2 * GIB)));
      assertEquals(List.of("a", "a"), nodes(first.outcome()));
      Answer second = place(h, 10 * SECOND, List.of(pv("g3", 2 * GIB)));
      assertEquals(List.of("g3"), names(second.outcome()));
      assertEquals(List.of("a"), nodes(second.outcome()));
    }
  }
}
