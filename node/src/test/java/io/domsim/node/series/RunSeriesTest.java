package io.domsim.node.series;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.NodeSample;
import io.domsim.kernel.EventKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One JVM writes the rows of one event in node order (its mailboxes may interleave two nodes within an event), and
 * a member's keyed series gives the driver what it needs to merge them into the same order.
 */
class RunSeriesTest {
  private static final long S = 1_000_000_000L;

  private final List<NodeRow> rows = new ArrayList<>();
  private EventKey event = EventKey.startOf(0);

  private final SeriesSink sink = new SeriesSink() {
    @Override public void nodes(List<NodeRow> r) { rows.addAll(r); }
    @Override public void guests(List<GuestRow> r) { }
    @Override public void rounds(List<RoundRow> r) { }
  };

  private static NodeSpec spec(String name) {
    return new NodeSpec(name, 4, 2.0, true, 8L << 30, 1_000_000_000L, null, null);
  }

  private static NodeSample sample(long at) {
    return new NodeSample(at, 0.5, 0.1, 1L << 30, 0, 0, 100, 0, 1, 0);
  }

  @Test
  void theRowsOfOneEventAreWrittenNodeByNodeAndEventsInTheirOrder() {
    RunSeries run = new RunSeries(sink, false, S, () -> event);
    NodeSeries b = run.node(spec("b"), 0);
    NodeSeries a = run.node(spec("a"), 0);
    event = new EventKey(S, "operator", 0);
    b.sample(sample(S));
    a.sample(sample(S));
    b.sample(sample(S));
    event = new EventKey(2 * S, "b", 0); // the next event: b first, as it came
    b.sample(sample(2 * S));
    event = new EventKey(2 * S, "c", 0);
    a.sample(sample(2 * S));
    run.finish(2 * S, List.of());
    assertEquals(List.of("1:a", "1:b", "1:b", "2:b", "2:a"), rows.stream().map(r -> r.atNanos() / S + ":" + r.node())
        .toList());
  }

  @Test
  void aKeyedSeriesKeepsTheEventOfEachRowAndClosesNodeByNode() {
    RunSeries run = RunSeries.keyed(false, S, () -> event);
    NodeSeries b = run.node(spec("b"), 0);
    NodeSeries a = run.node(spec("a"), 0);
    event = new EventKey(S, "x", 4);
    b.sample(sample(S));
    b.state(S, NodeSample.State.FAILED);
    a.sample(sample(S));
    a.state(S, NodeSample.State.OFF);
    List<KeyedRow> drained = run.drain();
    assertEquals(List.of(new EventKey(S, "x", 4), new EventKey(S, "x", 4)), drained.stream().map(KeyedRow::event)
        .toList());
    assertEquals(List.of(0L, 1L), drained.stream().map(KeyedRow::sequence).toList());
    assertEquals(List.of(), run.drain(), "drained once");
    List<SeriesRow> closing = run.close(3 * S);
    assertEquals(List.of("2:a", "3:a", "2:b", "3:b"), closing.stream().map(r -> r.atNanos() / S + ":" + r.node())
        .toList());
    assertEquals(closing, run.close(3 * S), "closed once");
  }
}
