package io.domsim.node;

import akka.actor.typed.ActorRef;
import io.domsim.hypervisor.NodeSample;
import io.domsim.migration.net.Fabric;

/**
 * Where a hypervisor's samples go: every sample to the node's meters (if anyone reads meters), and the
 * guests' NIC traffic to the fabric when it has moved by more than a few percent, so that migration
 * streams share the NIC with it (often enough to matter, rarely enough to cost nothing in large runs).
 * Owned and called by the hypervisor alone.
 */
final class SampleRouter implements NodeSample.Sink {
  private static final double HYSTERESIS = 0.05;

  private final String node;
  private final NodeMeters meters; // null: no meters
  private final ActorRef<Fabric.Command> fabric;
  private double reported;

  SampleRouter(String node, NodeMeters meters, ActorRef<Fabric.Command> fabric) {
    this.node = node;
    this.meters = meters;
    this.fabric = fabric;
  }

  @Override
  public void accept(NodeSample sample) {
    if (meters != null) {
      meters.accept(sample);
    }
    double traffic = sample.guestNetworkBitsPerSecond();
    if (fabric != null && traffic != reported && Math.abs(traffic - reported) >= HYSTERESIS * reported) {
      reported = traffic;
      fabric.tell(new Fabric.GuestTraffic(node, traffic / 2, traffic / 2));
    }
  }
}
