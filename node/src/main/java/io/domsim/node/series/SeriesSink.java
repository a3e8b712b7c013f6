package io.domsim.node.series;

import java.util.List;

/**
 * Where a run's time series go (the CLI writes them to DIR/series). Rows come in chunks, in simulated-time
 * order, on the simulation thread: an implementation that blocks slows the simulation down, nothing else
 * (the rows and the run do not depend on it). {@link #rounds} comes once, at the end, after every chunk.
 */
public interface SeriesSink {
  void nodes(List<NodeRow> rows);

  void guests(List<GuestRow> rows);

  void rounds(List<RoundRow> rows);
}
