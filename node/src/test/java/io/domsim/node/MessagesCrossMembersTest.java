package io.domsim.node;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.SerializationExtension;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.dom0.Dom0;
import io.domsim.kernel.testkit.LinkedMembers;
import io.domsim.scheduler.PoolMaster;
import io.domsim.scheduler.PoolProtocol;
import io.domsim.scheduler.PoolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The biggest messages a run sends between members cross a real link (two actor systems on Artery over loopback,
 * their window links, Kryo) and arrive equal, though bigger than one of Artery's frames (256 KiB), which Artery drops
 * with only a line in its log: the links send them in parts. The pool master is the first node by name; members take
 * the nodes round-robin in configuration order, so it is on a serving member whenever the first node by name is not
 * the first in the file (or is pinned elsewhere), and then its role's guests go there in one message, and its
 * placements come back in one.
 */
@Timeout(120)
class MessagesCrossMembersTest {
  static final int ARTERY_FRAME = 256 * 1024;

  static ClusterSpec scale() throws Exception {
    return io.domsim.config.ClusterConfigLoader.parse(Files.readString(Path.of("../examples/scale-1000.conf")),
        "scale-1000.conf", List.of(), Plugins.onClassPath());
  }

  /**
   * scale-1000's 10,000 guests handed to a pool master on m2 in one {@code Dom0.BecomePoolMaster} (1.3 MB), and its
   * 10,000 placements back to the operator on m1 in one {@code PoolMaster.Outcome}, as the setup tells them at once.
   */
  @Test
  @SuppressWarnings("unchecked")
  void thePoolMastersTenThousandGuestsAndTheirPlacementsCrossARealLinkWhole() throws Exception {
    ClusterSpec spec = scale();
    try (LinkedMembers linked = new LinkedMembers(List.of("m1", "m2"))) {
      CompletableFuture<Dom0.BecomePoolMaster> roleThere = new CompletableFuture<>();
      ActorRef<Dom0.Command> dom0 = linked.systems.get("m2").systemActorOf(Behaviors.<Dom0.Command>receiveMessage(c -> {
        if (c instanceof Dom0.BecomePoolMaster b) {
          roleThere.complete(b);
        }
        return Behaviors.same();
      }), "dom0", Props.empty());
      ActorRef<PoolProtocol.HostCommand> endpoint = linked.systems.get("m2").systemActorOf(Behaviors.ignore(),
          "endpoint", Props.empty());
      CompletableFuture<PoolMaster.Outcome> placedHere = new CompletableFuture<>();
      ActorRef<PoolMaster.Outcome> operator = linked.systems.get("m1").systemActorOf(Behaviors.receiveMessage(o -> {
        placedHere.complete(o);
        return Behaviors.same();
      }), "operator", Props.empty());
      ActorRef<PoolProtocol.HostCommand> endpointFromM1 = linked.seenFrom("m1", "m2", endpoint);
      List<PoolMaster.Host> hosts = spec.nodes().stream().map(n -> new PoolMaster.Host(n.name(), endpointFromM1))
          .toList();
      List<GuestSpec> guests = spec.guests();
      assertEquals(10_000, guests.size());
      Dom0.BecomePoolMaster role = new Dom0.BecomePoolMaster(hosts, Plugins.onClassPath().scheduler()
          .placementChoice(spec.scheduler().placement(), spec.settings()), PoolSettings.from(spec.settings()), guests,
          operator);
      int roleBytes = bytes(linked, role);
      assertTrue(roleBytes > 4 * ARTERY_FRAME, "BecomePoolMaster of 10,000 guests: " + roleBytes + " bytes");

      ActorRef<Dom0.Command> dom0FromM1 = linked.seenFrom("m1", "m2", dom0);
      linked.kernels.get("m1").inject(() -> linked.members.get("m1").tellAtOnce("m2", dom0FromM1, role));
      Dom0.BecomePoolMaster there = roleThere.get(60, SECONDS);
      assertEquals(role.guests(), there.guests());
      assertEquals(role.policy(), there.policy());
      assertEquals(role.settings(), there.settings());
      assertEquals(hosts.stream().map(PoolMaster.Host::node).toList(), there.hosts().stream().map(PoolMaster.Host::node)
          .toList());
      assertTrue(there.hosts().stream().allMatch(h -> h.dom0().equals(endpoint)), "the endpoints are m2's own actor");

      PoolMaster.Outcome placed = new PoolMaster.Outcome(guests.stream().map(g -> new PoolMaster.Placed(g.name(),
          Optional.of("node-1000"), null)).toList(), 0);
      int placedBytes = bytes(linked, placed);
      assertTrue(placedBytes > ARTERY_FRAME / 2, "their Outcome: " + placedBytes + " bytes");
      // As the pool master's Dom0 answers (Network.answerOperator): to the replyTo it was handed, through the link.
      linked.kernels.get("m2").inject(() -> linked.members.get("m2").tellAtOnce("m1", there.replyTo(), placed));
      assertEquals(placed, placedHere.get(60, SECONDS));
      assertTrue(!linked.driverHeard.isDone() && !linked.kernels.get("m1").whenFailed().toCompletableFuture().isDone()
          && !linked.kernels.get("m2").whenFailed().toCompletableFuture().isDone(), "no member failed");
    }
  }

  /** planetlab.conf's consolidation role (800 hosts with their power curves, 1,052 guests) twice over, to m2. */
  @Test
  @SuppressWarnings("unchecked")
  void aConsolidationRoleOfSixteenHundredHostsCrossesARealLinkWhole() throws Exception {
    ClusterSpec spec = io.domsim.config.ClusterConfigLoader.load(Path.of("../examples/planetlab.conf"), List.of(),
        Plugins.onClassPath());
    try (LinkedMembers linked = new LinkedMembers(List.of("m1", "m2"))) {
      CompletableFuture<Dom0.StartConsolidation> roleThere = new CompletableFuture<>();
      ActorRef<Dom0.Command> dom0 = linked.systems.get("m2").systemActorOf(Behaviors.<Dom0.Command>receiveMessage(c -> {
        if (c instanceof Dom0.StartConsolidation s) {
          roleThere.complete(s);
        }
        return Behaviors.same();
      }), "dom0", Props.empty());
      ActorRef<PoolProtocol.HostCommand> endpoint = linked.seenFrom("m1", "m2", linked.systems.get("m2")
          .<PoolProtocol.HostCommand>systemActorOf(Behaviors.ignore(), "endpoint", Props.empty()));
      ActorRef<io.domsim.scheduler.Consolidator.Orders> orders = linked.systems.get("m1").systemActorOf(
          Behaviors.ignore(), "orders", Props.empty());
      List<io.domsim.scheduler.Consolidator.HostInfo> hosts = new java.util.ArrayList<>();
      java.util.SortedMap<String, io.domsim.scheduler.consolidation.DataCentre.Power> power = new java.util.TreeMap<>();
      for (int copy = 0; copy < 2; copy++) {
        for (io.domsim.config.NodeSpec n : spec.nodes()) {
          String name = n.name() + (copy == 0 ? "" : "-b");
          hosts.add(new io.domsim.scheduler.Consolidator.HostInfo(name, endpoint, n.cores(), n.ghz() * 1000,
              n.memoryBytes(), 1 << 20, n.hvmSupport(), n.power().curve(), n.nicBitsPerSecond() / 8.0,
              n.memoryBytes() - n.dom0().memoryBytes()));
          power.put(name, io.domsim.scheduler.consolidation.DataCentre.Power.ON);
        }
      }
      Dom0.StartConsolidation role = new Dom0.StartConsolidation(new io.domsim.scheduler.Consolidator.Setup(hosts,
          spec.guests().stream().map(GuestSpec::name).toList(), Plugins.onClassPath().scheduler().consolidationChoice(
          spec.scheduler().consolidation(), spec.settings(), true), 300_000_000_000L, 1, 1, 1, hosts.get(0).node(),
          power, orders));
      int bytes = bytes(linked, role);
      assertTrue(bytes > ARTERY_FRAME, "StartConsolidation of " + hosts.size() + " hosts: " + bytes + " bytes");
      ActorRef<Dom0.Command> dom0FromM1 = linked.seenFrom("m1", "m2", dom0);
      linked.kernels.get("m1").inject(() -> linked.members.get("m1").tellAtOnce("m2", dom0FromM1, role));
      Dom0.StartConsolidation there = roleThere.get(60, SECONDS);
      assertEquals(role.setup().guestOrder(), there.setup().guestOrder());
      assertEquals(hosts.stream().map(io.domsim.scheduler.Consolidator.HostInfo::node).toList(),
          there.setup().hosts().stream().map(io.domsim.scheduler.Consolidator.HostInfo::node).toList());
      assertEquals(role.setup().power(), there.setup().power());
    }
  }

  /**
   * A burst of tells at once to another member (the end asks every node elsewhere for its snapshot and its migrations
   * in flight: 6,666 tells to each of two members for 10,000 nodes) all arrive with the members' Artery settings;
   * Artery's default queue (3,072) dropped 13,422 of these 20,000.
   */
  @Test
  void aBurstOfTwentyThousandTellsAtOnceArrivesWhole() throws Exception {
    try (LinkedMembers linked = new LinkedMembers(List.of("m1", "m2"), io.domsim.node.members.MemberAkka.QUEUES)) {
      java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
      int n = 20_000;
      CompletableFuture<Void> all = new CompletableFuture<>();
      ActorRef<Dom0.Command> dom0 = linked.systems.get("m1").systemActorOf(Behaviors.<Dom0.Command>receiveMessage(c -> {
        if (got.incrementAndGet() == n) {
          all.complete(null);
        }
        return Behaviors.same();
      }), "dom0", Props.empty());
      ActorRef<Dom0.InFlight> replies = linked.systems.get("m1").systemActorOf(Behaviors.ignore(), "in-flight",
          Props.empty());
      ActorRef<Dom0.Command> there = linked.seenFrom("m2", "m1", dom0);
      ActorRef<Dom0.InFlight> repliesThere = linked.seenFrom("m2", "m1", replies);
      linked.kernels.get("m2").inject(() -> {
        for (int i = 0; i < n; i++) {
          linked.members.get("m2").tellAtOnce("m1", there, new Dom0.ReportInFlight(repliesThere));
        }
      });
      all.get(60, SECONDS);
    }
  }

  private static int bytes(LinkedMembers linked, Object message) {
    return SerializationExtension.get(Adapter.toClassic(linked.systems.get("m1"))).serialize(message).get().length;
  }
}
