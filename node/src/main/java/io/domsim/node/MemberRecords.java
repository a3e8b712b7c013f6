package io.domsim.node;

import io.domsim.hypervisor.ObservationLog;
import io.domsim.kernel.window.WindowLink;
import io.domsim.node.series.KeyedRow;
import io.domsim.node.series.SeriesMerger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * On the driver, over members: the invariant monitor's facts each serving member sent with its window reports
 * ({@link WindowLink.Recorded}; their time-series rows go on to the run's {@link SeriesMerger}), in the order
 * recorded, with the window each was recorded in. A member lost mid-run leaves its facts up to the last window its
 * report counted in (what it did after is dropped by every member, so it never happened); a member that ends with
 * the run sends the rest at the end's gathering. Filled on the driver's window link, read once the run's windows are
 * over.
 */
final class MemberRecords {
  private record Part(long window, List<ObservationLog.Entry> facts) {}

  private final TreeMap<String, List<Part>> parts = new TreeMap<>();
  /** Where the members' time-series rows go; null when the run keeps no series. */
  private final SeriesMerger series;

  MemberRecords() {
    this(null);
  }

  MemberRecords(SeriesMerger series) {
    this.series = series;
  }

  /**
   * From the driver's window link: part of what {@code r.member()} recorded in its window {@code r.window()}: its
   * monitor's facts, and its time-series rows (to the merger).
   */
  void add(WindowLink.Recorded r) {
    List<ObservationLog.Entry> facts = new ArrayList<>(r.records().size());
    List<KeyedRow> rows = new ArrayList<>();
    for (Object o : r.records()) {
      if (o instanceof ObservationLog.Entry e) {
        facts.add(e);
      } else if (o instanceof KeyedRow k && series != null) {
        rows.add(k);
      } else {
        throw new IllegalStateException(r.member() + " recorded " + o + ", which is neither a monitor's fact nor"
            + (series == null ? " (in a run that keeps no series)" : "") + " a row of the time series");
      }
    }
    if (!rows.isEmpty()) {
      series.add(r.member(), r.window(), rows);
    }
    synchronized (this) {
      parts.computeIfAbsent(r.member(), m -> new ArrayList<>()).add(new Part(r.window(), facts));
    }
  }

  /** What {@code member} recorded in windows up to {@code lastWindow}, in the order recorded. */
  synchronized List<ObservationLog.Entry> upTo(String member, long lastWindow) {
    List<ObservationLog.Entry> facts = new ArrayList<>();
    for (Part p : parts.getOrDefault(member, List.of())) {
      if (p.window() <= lastWindow) {
        facts.addAll(p.facts());
      }
    }
    return facts;
  }

  /** Everything {@code member} has sent so far: the first facts of its log, in order. */
  synchronized List<ObservationLog.Entry> all(String member) {
    return upTo(member, Long.MAX_VALUE);
  }
}
