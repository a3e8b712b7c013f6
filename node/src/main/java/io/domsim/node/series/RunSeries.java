package io.domsim.node.series;

import io.domsim.config.NodeSpec;
import io.domsim.kernel.EventKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A run's time series as the simulation makes them: one {@link NodeSeries} per node, their rows gathered in
 * chunks for the {@link SeriesSink}. Used on the simulation thread only. A run without series has none of
 * this, and its samples cost what they cost before series existed.
 *
 * <p>The rows come in the order of the events that made them; the rows of one event in node-name order (one JVM's
 * mailboxes may interleave two nodes within an event; over members each node is on its own member), so that a run
 * writes the same files however its nodes are spread over members ({@link KeyedRow#ORDER}).
 *
 * <p>On a member of a run over members ({@link #keyed}) the rows are kept with their events' keys instead, for the
 * driver to merge with the other members' ({@link #drain}, {@link #closing}).
 */
public final class RunSeries {
  /** Rows handed over at a time: few enough hand-overs, little held back. */
  static final int CHUNK = 4096;

  private final SeriesSink sink; // null: keyed, for the driver
  private final boolean guests;
  private final long intervalNanos;
  private final Supplier<EventKey> event;
  private final Map<String, NodeSeries> nodes = new TreeMap<>();
  /** One JVM: the rows on their way to the sink. */
  private final SeriesChunks chunks;
  /** One JVM: the event the rows of {@link #ofEvent} were made in. */
  private EventKey current;
  private final List<SeriesRow> ofEvent = new ArrayList<>();
  /** Keyed: the rows not yet drained, their number so far, and the rows that close the run. */
  private List<KeyedRow> keyedRows = new ArrayList<>();
  private long sequence;
  private List<SeriesRow> closing;
  private boolean finishing;
  /** Keyed, once finished: the migrations' rounds, for the driver to write last. */
  private List<RoundRow> rounds;

  /**
   * @param guests whether guests' rows are wanted too
   * @param intervalNanos the sample interval: a node that is down has a row each interval all the same
   * @param event the key of the event running ({@code SimKernel::currentEvent})
   */
  public RunSeries(SeriesSink sink, boolean guests, long intervalNanos, Supplier<EventKey> event) {
    this.sink = java.util.Objects.requireNonNull(sink, "sink");
    this.chunks = new SeriesChunks(sink, CHUNK);
    this.guests = guests;
    this.intervalNanos = intervalNanos;
    this.event = event;
  }

  private RunSeries(boolean guests, long intervalNanos, Supplier<EventKey> event) {
    this.sink = null;
    this.chunks = null;
    this.guests = guests;
    this.intervalNanos = intervalNanos;
    this.event = event;
  }

  /** A member's share of a run over members: its rows are kept with their events' keys ({@link #drain}). */
  public static RunSeries keyed(boolean guests, long intervalNanos, Supplier<EventKey> event) {
    return new RunSeries(guests, intervalNanos, event);
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

  void add(SeriesRow row) {
    if (sink == null) {
      if (finishing) {
        closing.add(row);
      } else {
        keyedRows.add(new KeyedRow(event.get(), sequence++, row));
      }
      return;
    }
    if (!finishing) { // (the closing rows are handed over node by node)
      EventKey now = event.get();
      if (!now.equals(current)) {
        endEvent();
        current = now;
      }
    }
    ofEvent.add(row);
  }

  /** One JVM: the rows of the event that ended, in node order, to the chunks. */
  private void endEvent() {
    if (ofEvent.isEmpty()) {
      return;
    }
    String first = ofEvent.get(0).node();
    for (SeriesRow r : ofEvent) {
      if (!r.node().equals(first)) {
        ofEvent.sort(SeriesRow.BY_NODE); // stable: each node's rows keep their order
        break;
      }
    }
    ofEvent.forEach(chunks::add);
    ofEvent.clear();
  }

  /**
   * The run ends at {@code endNanos}: a node that is down has its rows up to the end (node by node, in name
   * order), every row is handed over, then the migrations' {@code rounds}. Keyed, the closing rows are kept for
   * {@link #closing} and the rounds are the driver's to write.
   */
  public void finish(long endNanos, List<RoundRow> rounds) {
    if (sink == null) {
      this.rounds = List.copyOf(rounds);
      close(endNanos);
      return;
    }
    endEvent();
    finishing = true;
    for (NodeSeries n : nodes.values()) {
      n.end(endNanos);
      endEvent(); // a node's closing rows, then the next node's
    }
    chunks.flush();
    sink.rounds(List.copyOf(rounds));
  }

  /** Keyed: the rows made since the last drain, in the order made. */
  public List<KeyedRow> drain() {
    List<KeyedRow> rows = keyedRows;
    keyedRows = new ArrayList<>();
    return rows;
  }

  /**
   * Keyed, at the end ({@code endNanos}; once): the rows that close the run (those of each node that is down, up to
   * the end), node by node in name order. The rows made before are {@link #drain}ed as ever.
   */
  public List<SeriesRow> close(long endNanos) {
    if (sink != null) {
      throw new IllegalStateException("close is for a member's keyed series; one JVM's finishes");
    }
    if (closing == null) {
      closing = new ArrayList<>();
      finishing = true;
      nodes.values().forEach(n -> n.end(endNanos));
    }
    return closing;
  }

  /** Keyed, on the driver, once {@link #finish}ed: the migrations' rounds. */
  public List<RoundRow> rounds() {
    if (rounds == null) {
      throw new IllegalStateException("the series is not finished yet");
    }
    return rounds;
  }

  /**
   * Node {@code node}'s series from {@code atNanos} on, failed then: over members, the driver's for a node whose
   * member was lost (its rows up to the member's last report came from it). It goes on from its last row written
   * ({@link #goOnFrom}; a node that was down stays so up to the failure), as a failed node's rows to the end.
   */
  public void failedFrom(NodeSpec node, long atNanos) {
    NodeRow last = lastWritten == null ? null : lastWritten.apply(node.name());
    if (last == null) {
      node(node, atNanos).state(atNanos, io.domsim.hypervisor.NodeSample.State.FAILED);
      return;
    }
    nodes.put(node.name(), NodeSeries.lost(this, last, intervalNanos, atNanos));
  }

  /** Over members, on the driver: where a lost member's node goes on from ({@link SeriesMerger#lastRow}). */
  private java.util.function.Function<String, NodeRow> lastWritten;

  /** Over members, on the driver: each node's last row written, from which a lost member's node goes on. */
  public void goOnFrom(java.util.function.Function<String, NodeRow> lastWritten) {
    this.lastWritten = lastWritten;
  }

  /** Keyed, once closed: the rows that close the run ({@link #close}). */
  public List<SeriesRow> closing() {
    if (closing == null) {
      throw new IllegalStateException("the series is not closed yet");
    }
    return closing;
  }
}
