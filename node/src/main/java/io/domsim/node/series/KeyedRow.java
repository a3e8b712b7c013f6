package io.domsim.node.series;

import io.domsim.kernel.EventKey;
import java.util.Comparator;
import java.util.Objects;

/**
 * A row with the event it was made in and its place in its member's rows: over members, the driver merges every
 * member's rows by {@link #ORDER} into the stream one JVM writes.
 *
 * <p>The order is the event's key (time, entity, sequence: the same on any split of the nodes), then the row's node,
 * then the row's place (a node's rows are all made by one member, in order). One JVM puts the rows of one event in
 * the same order ({@link RunSeries}), so both write the same files.
 */
public record KeyedRow(EventKey event, long sequence, SeriesRow row) implements io.domsim.kernel.serialization.CrossJvm {

  public static final Comparator<KeyedRow> ORDER = Comparator.comparing(KeyedRow::event)
      .thenComparing(k -> k.row().node())
      .thenComparingLong(KeyedRow::sequence);

  public KeyedRow {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(row, "row");
  }
}
