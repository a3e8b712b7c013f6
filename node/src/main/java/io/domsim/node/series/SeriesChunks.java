package io.domsim.node.series;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows on their way to a {@link SeriesSink}, handed over in chunks (few hand-offs to the writer, little held back):
 * one JVM's {@link RunSeries} and the driver's {@link SeriesMerger} both write through one.
 */
final class SeriesChunks {
  private final SeriesSink sink;
  private final int size;
  private List<NodeRow> nodes = new ArrayList<>();
  private List<GuestRow> guests = new ArrayList<>();

  SeriesChunks(SeriesSink sink, int size) {
    this.sink = java.util.Objects.requireNonNull(sink, "sink");
    this.size = size;
  }

  void add(SeriesRow row) {
    if (row instanceof NodeRow n) {
      nodes.add(n);
      if (nodes.size() >= size) {
        sink.nodes(nodes);
        nodes = new ArrayList<>();
      }
    } else if (row instanceof GuestRow g) {
      guests.add(g);
      if (guests.size() >= size) {
        sink.guests(guests);
        guests = new ArrayList<>();
      }
    }
  }

  /** What is held back, handed over. */
  void flush() {
    if (!nodes.isEmpty()) {
      sink.nodes(nodes);
      nodes = new ArrayList<>();
    }
    if (!guests.isEmpty()) {
      sink.guests(guests);
      guests = new ArrayList<>();
    }
  }
}
