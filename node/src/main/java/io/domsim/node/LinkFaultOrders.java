package io.domsim.node;

import io.domsim.config.ScenarioAction;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimTime;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The operator's network faults, carried out on the run's {@link LinkFaults} and {@link Network}: a partition
 * or a degraded link of a node (ended after its duration by {@code endLater}), and the network's message faults.
 */
final class LinkFaultOrders {
  private final ClusterWiring wiring;
  /** Schedules a fault's end after the given simulated nanoseconds. */
  private final BiConsumer<Long, ScenarioAction> endLater;

  LinkFaultOrders(ClusterWiring wiring, BiConsumer<Long, ScenarioAction> endLater) {
    this.wiring = wiring;
    this.endLater = endLater;
  }

  /**
   * A partition or a degraded link begins now, and ends after its duration. Refused (with the sentence)
   * when the node already has a fault of that kind: a live command may ask for one.
   */
  Optional<String> begin(ScenarioAction action) {
    LinkFaults links = wiring.links();
    if (action instanceof ScenarioAction.Partition p) {
      if (links.isCut(p.node())) {
        return Optional.of("node " + p.node() + " is already cut off; wait until that partition heals");
      }
      links.cut(p.node());
      p.duration().ifPresent(d -> endLater.accept(SimTime.of(d), p));
    } else if (action instanceof ScenarioAction.DegradeLink d) {
      long base = wiring.network().latencyNanos();
      if (d.latency().isPresent() && SimTime.of(d.latency().get()) < base) {
        return Optional.of("a degraded link is no faster than the network: use a latency of at least "
            + io.domsim.config.Units.formatDuration(Duration.ofNanos(base)));
      }
      if (links.isDegraded(d.node())) {
        return Optional.of("node " + d.node() + "'s link is already degraded; wait until that ends");
      }
      links.degrade(d.node(), d.bandwidthBitsPerSecond(), d.latency().map(SimTime::of));
      d.duration().ifPresent(x -> endLater.accept(SimTime.of(x), d));
    }
    return Optional.empty();
  }

  /** A fault with a duration is over: the cut heals, the degraded link is restored. */
  void end(ScenarioAction fault) {
    if (fault instanceof ScenarioAction.Partition p) {
      wiring.links().heal(p.node());
    } else if (fault instanceof ScenarioAction.DegradeLink d) {
      wiring.links().restore(d.node());
    }
  }

  /** The network's message faults change from now on; answers what they are now, in a few words. */
  String networkFaults(ScenarioAction.NetworkFaults nf) {
    Network network = wiring.network();
    Network.Faults was = network.faults();
    Network.Faults now = new Network.Faults(nf.loss().orElse(was.loss()), nf.duplicate().orElse(was.duplicate()),
        nf.reorder().orElse(was.reorder()));
    wiring.plane().change(new ReplicaChange.MessageFaults(now.loss(), now.duplicate(), now.reorder()));
    return "loss " + now.loss() + ", duplicate " + now.duplicate() + ", reorder " + now.reorder();
  }

  /** The node a partition or degraded link is about. */
  static String nodeOf(ScenarioAction action) {
    if (action instanceof ScenarioAction.Partition p) {
      return p.node();
    }
    return ((ScenarioAction.DegradeLink) action).node();
  }
}
