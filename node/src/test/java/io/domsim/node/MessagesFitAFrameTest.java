package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.dom0.Dom0;
import io.domsim.scheduler.PoolMaster;
import io.domsim.scheduler.PoolSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The messages of a big run that cross members in one piece must fit in one of Artery's frames (256 KiB by
 * default): Artery drops a bigger one with an error in its log, and the run goes on without it. The pool master is
 * the first node by name; members take the nodes round-robin in configuration order, so it is on a serving member
 * whenever the first node by name is not the first in the file (or is pinned elsewhere), and then its role's
 * guests go there in one message, and its placements come back in one.
 */
class MessagesFitAFrameTest {
  static final int ARTERY_FRAME = 256 * 1024;
  private static ActorSystem<Void> system;
  private static Serialization serialization;
  private static ActorRef<Object> probe;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "frames");
    serialization = SerializationExtension.get(Adapter.toClassic(system));
    probe = system.systemActorOf(Behaviors.ignore(), "probe", Props.empty());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  static ClusterSpec scale() throws Exception {
    return io.domsim.config.ClusterConfigLoader.parse(Files.readString(Path.of("../examples/scale-1000.conf")),
        "scale-1000.conf", List.of(), Plugins.onClassPath());
  }

  int bytes(Object message) {
    return serialization.serialize(message).get().length;
  }

  /** planetlab.conf's consolidation role (800 hosts with their power curves, 1,052 guests), were it on m2. */
  @Test
  @SuppressWarnings("unchecked")
  void planetlabsConsolidationRoleFitsAFrame() throws Exception {
    ClusterSpec spec = io.domsim.config.ClusterConfigLoader.load(Path.of("../examples/planetlab.conf"), List.of(),
        Plugins.onClassPath());
    ActorRef<io.domsim.scheduler.PoolProtocol.HostCommand> endpoint =
        (ActorRef<io.domsim.scheduler.PoolProtocol.HostCommand>) (ActorRef<?>) probe;
    List<io.domsim.scheduler.Consolidator.HostInfo> hosts = new java.util.ArrayList<>();
    java.util.SortedMap<String, io.domsim.scheduler.consolidation.DataCentre.Power> power = new java.util.TreeMap<>();
    for (io.domsim.config.NodeSpec n : spec.nodes()) {
      hosts.add(new io.domsim.scheduler.Consolidator.HostInfo(n.name(), endpoint, n.cores(), n.ghz() * 1000,
          n.memoryBytes(), 1 << 20, n.hvmSupport(), n.power().curve(), n.nicBitsPerSecond() / 8.0,
          n.memoryBytes() - n.dom0().memoryBytes()));
      power.put(n.name(), io.domsim.scheduler.consolidation.DataCentre.Power.ON);
    }
    Dom0.StartConsolidation role = new Dom0.StartConsolidation(new io.domsim.scheduler.Consolidator.Setup(hosts,
        spec.guests().stream().map(GuestSpec::name).toList(), Plugins.onClassPath().scheduler().consolidationChoice(
        spec.scheduler().consolidation(), spec.settings(), true), 300_000_000_000L, 1, 1, 1, hosts.get(0).node(),
        power, (ActorRef<io.domsim.scheduler.Consolidator.Orders>) (ActorRef<?>) probe));
    int bytes = bytes(role);
    assertTrue(bytes < ARTERY_FRAME, "StartConsolidation of " + hosts.size() + " hosts and " + spec.guests().size()
        + " guests: " + bytes + " bytes");
  }

  @Disabled("review8 bug: a run whose pool master is on a serving member hands it every unpinned guest in one"
      + " Dom0.BecomePoolMaster (scale-1000's 10,000: several MiB) and gets their placements back in one"
      + " PoolMaster.Outcome; Artery drops both (256 KiB frames), silently: the guests are never placed. Needs the"
      + " guests sent in parts (as MemberHost.Gather does the facts), or the pool master kept on the driver")
  @Test
  @SuppressWarnings("unchecked")
  void theRoleOfPoolMasterFitsAFrame() throws Exception {
    ClusterSpec spec = scale();
    List<PoolMaster.Host> hosts = spec.nodes().stream().map(n -> new PoolMaster.Host(n.name(),
        (ActorRef<io.domsim.scheduler.PoolProtocol.HostCommand>) (ActorRef<?>) probe)).toList();
    List<GuestSpec> guests = spec.guests();
    Dom0.BecomePoolMaster role = new Dom0.BecomePoolMaster(hosts, Plugins.onClassPath().scheduler().placementChoice(
        spec.scheduler().placement(), spec.settings()), PoolSettings.from(spec.settings()), guests,
        (ActorRef<PoolMaster.Outcome>) (ActorRef<?>) probe);
    int roleBytes = bytes(role);
    PoolMaster.Outcome placed = new PoolMaster.Outcome(guests.stream().map(g -> new PoolMaster.Placed(g.name(),
        Optional.of("node-1000"), null)).toList(), 0);
    int placedBytes = bytes(placed);
    assertTrue(roleBytes < ARTERY_FRAME && placedBytes < ARTERY_FRAME, "BecomePoolMaster of " + guests.size()
        + " guests: " + roleBytes + " bytes; their Outcome: " + placedBytes + " bytes");
  }

  /**
   * Until the guests go in parts, a run refuses (exit 1, ClusterWiring.place) to hand a pool master on another member
   * more than {@link ClusterWiring#MAX_GUESTS_TO_PLACE_ELSEWHERE} guests: that many, and their placements, fit a frame.
   */
  @Test
  @SuppressWarnings("unchecked")
  void asManyGuestsAsARunHandsAPoolMasterElsewhereFitAFrame() throws Exception {
    ClusterSpec spec = scale();
    List<PoolMaster.Host> hosts = spec.nodes().stream().map(n -> new PoolMaster.Host(n.name(),
        (ActorRef<io.domsim.scheduler.PoolProtocol.HostCommand>) (ActorRef<?>) probe)).toList();
    List<GuestSpec> guests = spec.guests().subList(0, ClusterWiring.MAX_GUESTS_TO_PLACE_ELSEWHERE);
    int roleBytes = bytes(new Dom0.BecomePoolMaster(hosts, Plugins.onClassPath().scheduler().placementChoice(
        spec.scheduler().placement(), spec.settings()), PoolSettings.from(spec.settings()), guests,
        (ActorRef<PoolMaster.Outcome>) (ActorRef<?>) probe));
    int placedBytes = bytes(new PoolMaster.Outcome(guests.stream().map(g -> new PoolMaster.Placed(g.name(),
        Optional.of("node-1000"), null)).toList(), 0));
    assertTrue(roleBytes < ARTERY_FRAME && placedBytes < ARTERY_FRAME, "BecomePoolMaster of " + guests.size()
        + " guests: " + roleBytes + " bytes; their Outcome: " + placedBytes + " bytes");
  }
}
