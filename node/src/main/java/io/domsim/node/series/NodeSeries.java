package io.domsim.node.series;

import io.domsim.dom0.MigrationObserver;
import io.domsim.hypervisor.NodeSample;
import io.domsim.kernel.SimTime;

/**
 * One node's rows: every sample its hypervisor sends becomes a {@link NodeRow}, stamped with the state the
 * hypervisor reported (the period up to a crash is still {@code up}: the crash comes after it). A node that
 * is down sends no samples; it gets a row each sample interval all the same (a failed one draws nothing, an
 * off one its standby power), so that every node has rows over the whole run and the power rows integrate to
 * the node's energy. Also told of its migration streams, as the node's meters are.
 */
public final class NodeSeries implements MigrationObserver {
  private final RunSeries run;
  private final String node;
  private final long memoryTotal;
  private final long intervalNanos;
  private NodeSample.State state = NodeSample.State.UP;
  private long lastNanos;
  /** What a node that is down shows: the gauges it sent when it went down. */
  private double downWatts;
  private long migrationTx;
  private long migrationRx;

  NodeSeries(RunSeries run, String node, long memoryTotal, long intervalNanos, long startNanos) {
    this.run = run;
    this.node = node;
    this.memoryTotal = memoryTotal;
    this.intervalNanos = intervalNanos;
    this.lastNanos = startNanos;
  }

  /**
   * Over members, on the driver: a node whose member was lost, going on from its last row written ({@code last}; its
   * state and, down, its power) and failed at {@code failedAtNanos}: a node that was down stays as it was up to then
   * (its member would have written those rows at its recovery or at the end), one that was up counts as failed from its
   * last row (its member's figures after it went with the process).
   */
  static NodeSeries lost(RunSeries run, NodeRow last, long intervalNanos, long failedAtNanos) {
    NodeSeries s = new NodeSeries(run, last.node(), last.memoryTotalBytes(), intervalNanos, last.atNanos());
    s.state = last.state();
    if (last.state() != NodeSample.State.UP && last.state() != NodeSample.State.FAILED) {
      s.downWatts = last.watts();
      s.closeDown(failedAtNanos);
    }
    s.state = NodeSample.State.FAILED;
    s.downWatts = 0; // a failed machine draws nothing
    return s;
  }

  /** Whether the guests' rows are wanted. */
  public boolean wantsGuests() {
    return run.guests();
  }

  public void sample(NodeSample s) {
    fillTo(s.atNanos());
    long period = s.atNanos() - lastNanos;
    double seconds = SimTime.toSeconds(period);
    double nicBytes = s.guestNetworkBitsPerSecond() / 8 / 2; // the fabric splits it so too
    run.add(new NodeRow(s.atNanos(), node, state, s.cpuUtilization(), s.dom0CpuUtilization(), s.memoryUsedBytes(),
        memoryTotal, s.guests(), period > 0 ? s.hypercalls() / seconds : 0, period > 0 ? s.vmExits() / seconds : 0,
        s.watts(), nicBytes, nicBytes, migrationTx, migrationRx, seconds));
    migrationTx = 0;
    migrationRx = 0;
    lastNanos = s.atNanos();
    if (state != NodeSample.State.UP) {
      downWatts = s.watts();
    }
  }

  public void state(long atNanos, NodeSample.State next) {
    if (state == NodeSample.State.FAILED && next != NodeSample.State.FAILED) {
      // A crashed machine's hypervisor says nothing until it boots: close the time it was down.
      closeDown(atNanos);
    }
    state = next;
  }

  public void guest(long atNanos, NodeSample.GuestSample g) {
    run.add(new GuestRow(atNanos, g.guest(), node, g.type(), g.demandCores(), g.servedCores(), g.usedCores(),
        g.memoryBytes(),
        g.state()));
  }

  /** The run ends: a node that is down has its rows up to the end. */
  void end(long endNanos) {
    if (state != NodeSample.State.UP) {
      closeDown(endNanos);
    }
  }

  private void closeDown(long atNanos) {
    fillTo(atNanos);
    if (atNanos > lastNanos) {
      downRow(atNanos);
    }
  }

  /** While down: a row every interval before {@code atNanos}. */
  private void fillTo(long atNanos) {
    if (state == NodeSample.State.UP || intervalNanos <= 0) {
      return;
    }
    while (lastNanos + intervalNanos < atNanos) {
      downRow(lastNanos + intervalNanos);
    }
  }

  private void downRow(long atNanos) {
    run.add(new NodeRow(atNanos, node, state, 0, 0, 0, memoryTotal, 0, 0, 0, downWatts, 0, 0, migrationTx, migrationRx,
        SimTime.toSeconds(atNanos - lastNanos)));
    migrationTx = 0;
    migrationRx = 0;
    lastNanos = atNanos;
  }

  @Override
  public void started() {}

  @Override
  public void completed(long downtimeNanos) {}

  @Override
  public void aborted() {}

  @Override
  public void bytesSent(long bytes) {
    migrationTx += bytes;
  }

  @Override
  public void bytesReceived(long bytes) {
    migrationRx += bytes;
  }
}
