package io.domsim.node;

import akka.actor.typed.ActorRef;
import io.domsim.hypervisor.NodeSample;
import io.domsim.kernel.SimKernel;
import io.domsim.migration.net.Fabric;
import io.domsim.node.series.NodeSeries;

/**
 * Where a hypervisor's samples go: every sample to the node's meters (if anyone reads meters) and to its
 * time series (if the run keeps them, with the machine's state changes and, if wanted, its guests), and the
 * guests' NIC traffic to the fabric when it has moved by more than a few percent, so that migration
 * streams share the NIC with it (often enough to matter, rarely enough to cost nothing in large runs).
 * Owned and called by the hypervisor alone.
 */
final class SampleRouter implements NodeSample.Sink {
  private static final double HYSTERESIS = 0.05;

  private final SimKernel kernel;
  private final String node;
  private final NodeMeters meters; // null: no meters
  private final NodeSeries series; // null: no series
  private final ActorRef<Fabric.Command> fabric;
  private double reported;

  SampleRouter(SimKernel kernel, String node, NodeMeters meters, NodeSeries series, ActorRef<Fabric.Command> fabric) {
    this.kernel = kernel;
    this.node = node;
    this.meters = meters;
    this.series = series;
    this.fabric = fabric;
  }

  @Override
  public void state(long atNanos, NodeSample.State state) {
    if (series != null) {
      series.state(atNanos, state);
    }
  }

  @Override
  public boolean wantsGuests() {
    return series != null && series.wantsGuests();
  }

  @Override
  public void guest(long atNanos, NodeSample.GuestSample guest) {
    series.guest(atNanos, guest);
  }

  @Override
  public void accept(NodeSample sample) {
    if (meters != null) {
      meters.accept(sample);
    }
    if (series != null) {
      series.sample(sample);
    }
    double traffic = sample.guestNetworkBitsPerSecond();
    if (fabric != null && traffic != reported && Math.abs(traffic - reported) >= HYSTERESIS * reported) {
      reported = traffic;
      fabric.tell(new Fabric.GuestTraffic(node, traffic / 2, traffic / 2, kernel.currentEvent()));
    }
  }
}
