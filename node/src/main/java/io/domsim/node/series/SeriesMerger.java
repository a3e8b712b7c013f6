package io.domsim.node.series;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * On the driver of a run over members: every member's rows (its {@link RunSeries#keyed} series, sent with its window
 * reports) merged into the one stream one JVM writes ({@link KeyedRow#ORDER}), handed to the run's {@link SeriesSink}
 * window by window, as soon as every member's rows of a window are in ({@link #writeThrough}: the driver's window
 * after the next has begun). A member lost after window W leaves its rows up to W; what it sent after is dropped, as
 * everything else it did after W.
 */
public final class SeriesMerger {
  private record Part(String member, long window, List<KeyedRow> rows) {}

  private final SeriesSink sink;
  /** Rows handed over in chunks ({@link RunSeries#CHUNK}, as one JVM does: few hand-offs to the writer). */
  private final SeriesChunks chunks;
  private final List<Part> parts = new ArrayList<>();
  private final TreeMap<String, Long> lost = new TreeMap<>();
  private long writtenThrough = -1;
  /** Rows of windows written so far that were made at or after the instant they were written up to (simulation thread). */
  private final List<KeyedRow> heldBack = new ArrayList<>();
  /** Each node's last row written (a lost member's node goes on from it). */
  private final java.util.Map<String, NodeRow> lastRows = new java.util.HashMap<>();

  public SeriesMerger(SeriesSink sink) {
    this(sink, RunSeries.CHUNK);
  }

  /** With chunks of {@code chunk} rows (tests: 1, to see each row as it is written). */
  SeriesMerger(SeriesSink sink, int chunk) {
    this.sink = java.util.Objects.requireNonNull(sink, "sink");
    this.chunks = new SeriesChunks(sink, chunk);
  }

  /** From any thread: {@code member}'s rows made in its window {@code window}. */
  public synchronized void add(String member, long window, List<KeyedRow> rows) {
    Long last = lost.get(member);
    if (rows.isEmpty() || last != null && window > last) {
      return;
    }
    if (window <= writtenThrough) {
      throw new IllegalStateException(member + "'s rows of window " + window + " came after that window was written");
    }
    parts.add(new Part(member, window, rows));
  }

  /** {@code member} is lost after its window {@code lastWindow}: its rows of later windows never happened. */
  public synchronized void lose(String member, long lastWindow) {
    lost.put(member, lastWindow);
    parts.removeIf(p -> p.member().equals(member) && p.window() > lastWindow);
  }

  /**
   * On the driver's simulation thread, once every member's rows of the windows up to {@code window} are in: writes
   * those made before {@code beforeNanos} (where the driver's clock stood at the end of {@code window}), in one JVM's
   * order, and holds the others back for the next write. The others' rows of a barrier event come a window after the
   * driver's (its tells run there in the next window, at the barrier's key), and a barrier window ends at its
   * barrier's instant: so the rows of that instant wait until every member's are in.
   */
  public void writeThrough(long window, long beforeNanos) {
    List<KeyedRow> rows = new ArrayList<>(heldBack);
    heldBack.clear();
    synchronized (this) {
      parts.removeIf(p -> {
        if (p.window() <= window) {
          rows.addAll(p.rows());
          return true;
        }
        return false;
      });
      writtenThrough = Math.max(writtenThrough, window);
    }
    List<KeyedRow> now = new ArrayList<>(rows.size());
    for (KeyedRow k : rows) {
      (k.event().time() < beforeNanos ? now : heldBack).add(k);
    }
    write(now);
  }

  /**
   * At the end, once the windows are over: the rest of every member's rows ({@code tails}: those made after its last
   * report), the rows that close the run ({@code closings}, each member's node by node; written in node order, as one
   * JVM closes its nodes) and the migrations' rounds.
   */
  public void end(Collection<List<KeyedRow>> tails, Collection<List<SeriesRow>> closings, List<RoundRow> rounds) {
    List<KeyedRow> rows = new ArrayList<>();
    synchronized (this) {
      parts.forEach(p -> rows.addAll(p.rows()));
      parts.clear();
      writtenThrough = Long.MAX_VALUE;
    }
    rows.addAll(heldBack);
    heldBack.clear();
    tails.forEach(rows::addAll);
    write(rows);
    List<SeriesRow> closing = new ArrayList<>();
    closings.forEach(closing::addAll);
    closing.sort(SeriesRow.BY_NODE); // stable: each node's rows keep their order
    closing.forEach(this::handOver);
    chunks.flush();
    sink.rounds(List.copyOf(rounds));
  }

  private void write(List<KeyedRow> rows) {
    rows.sort(KeyedRow.ORDER);
    rows.forEach(k -> handOver(k.row()));
  }

  /**
   * On the simulation thread: the last row written of {@code node}, null for none (a lost member's node goes on from
   * it, {@link RunSeries#failedFrom}).
   */
  public NodeRow lastRow(String node) {
    return lastRows.get(node);
  }

  private void handOver(SeriesRow row) {
    if (row instanceof NodeRow n) {
      lastRows.put(n.node(), n);
    }
    chunks.add(row);
  }

}
