package io.domsim.node.series;

import io.domsim.config.NodeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's time series as the simulation makes them: one {@link NodeSeries} per node, their rows gathered in
 * chunks for the {@link SeriesSink}. Used on the simulation thread only. A run without series has none of
 * this, and its samples cost what they cost before series existed.
 */
public final class RunSeries {
  /** Rows handed over at a time: few enough hand-overs, little held back. */
  static final int CHUNK = 4096;

  private final SeriesSink sink;
  private final boolean guests;
  private final long intervalNanos;
  private final Map<String, NodeSeries> nodes = new TreeMap<>();
  private List<NodeRow> nodeRows = new ArrayList<>();
  private List<GuestRow> guestRows = new ArrayList<>();

  /**
   * @param guests whether guests' rows are wanted too
   * @param intervalNanos the sample interval: a node that is down has a row each interval all the same
   */
  public RunSeries(SeriesSink sink, boolean guests, long intervalNanos) {
    this.sink = sink;
    this.guests = guests;
    this.intervalNanos = intervalNanos;
  }

  /** The series of {@code node}, which starts at {@code startNanos}. */
  public NodeSeries node(NodeSpec node, long startNanos) {
    NodeSeries s = new NodeSeries(this, node.name(), node.memoryBytes(), intervalNanos, startNanos);
    nodes.put(node.name(), s);
    return s;
  }

  boolean guests() {
    return guests;
  }

  void add(NodeRow row) {
    nodeRows.add(row);
    if (nodeRows.size() >= CHUNK) {
      sink.nodes(nodeRows);
      nodeRows = new ArrayList<>();
    }
  }

  void add(GuestRow row) {
    guestRows.add(row);
    if (guestRows.size() >= CHUNK) {
      sink.guests(guestRows);
      guestRows = new ArrayList<>();
    }
  }

  /**
   * The run ends at {@code endNanos}: a node that is down has its rows up to the end, every row is handed
   * over, then the migrations' {@code rounds}.
   */
  public void finish(long endNanos, List<RoundRow> rounds) {
    nodes.values().forEach(n -> n.end(endNanos));
    if (!nodeRows.isEmpty()) {
      sink.nodes(nodeRows);
      nodeRows = new ArrayList<>();
    }
    if (!guestRows.isEmpty()) {
      sink.guests(guestRows);
      guestRows = new ArrayList<>();
    }
    sink.rounds(List.copyOf(rounds));
  }
}
