package io.domsim.node.series;

/**
 * A row of the run's time series, of one node: a {@link NodeRow} (nodes.csv.gz) or a {@link GuestRow}
 * (guests.csv.gz). Over members they cross to the driver, which writes them all.
 */
public sealed interface SeriesRow extends io.domsim.kernel.serialization.CrossJvm permits NodeRow, GuestRow {
  /** When the row stands (the end of its period). */
  long atNanos();

  /** The node it is of (a guest's row: the node it was sampled on). */
  String node();

  /** By node name: one event's rows, and the rows that close a run, are written in this order (a stable sort). */
  java.util.Comparator<SeriesRow> BY_NODE = java.util.Comparator.comparing(SeriesRow::node);
}
