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

  private static NodeRow last(long at, String node, NodeSample.State state, double watts) {
    return new NodeRow(at, node, state, 0, 0, 0, 8L << 30, 0, 0, 0, watts, 0, 0, 0, 0, 0);
  }

  /**
   * Over members, a lost member's nodes go on from their last rows written (found in review: they restarted at the
   * loss, leaving a hole, the whole down period of one that was down): up, failed from its last row; failed, on
   * from its crash; off, off (standby power) up to the loss and failed after.
   */
  @Test
  void aLostMembersNodesGoOnFromTheirLastRowsWritten() {
    RunSeries run = RunSeries.keyed(false, S, () -> event);
    java.util.Map<String, NodeRow> written = java.util.Map.of(
        "up", last(40 * S, "up", NodeSample.State.UP, 200),
        "failed", last(10 * S, "failed", NodeSample.State.FAILED, 0),
        "off", last(20 * S, "off", NodeSample.State.OFF, 10));
    run.goOnFrom(written::get);
    event = new EventKey(41 * S + 5, "console", 0);
    for (String n : List.of("up", "failed", "off", "never")) {
      run.failedFrom(spec(n), 41 * S + 5);
    }
    java.util.List<SeriesRow> rows = new java.util.ArrayList<>();
    run.drain().forEach(k -> rows.add(k.row()));
    rows.addAll(run.close(44 * S));
    java.util.function.Function<String, List<String>> of = n -> rows.stream().filter(r -> r.node().equals(n))
        .map(r -> (NodeRow) r).map(r -> (r.atNanos() / (S / 10)) / 10.0 + ":" + r.state().name().toLowerCase()
            + ":" + (int) r.watts()).toList();
    assertEquals(List.of("41.0:failed:0", "42.0:failed:0", "43.0:failed:0", "44.0:failed:0"), of.apply("up"));
    assertEquals(34, of.apply("failed").size(), "11 s to 44 s, every second: " + of.apply("failed"));
    assertEquals("11.0:failed:0", of.apply("failed").get(0));
    List<String> off = of.apply("off");
    assertEquals("21.0:off:10", off.get(0));
    assertEquals("41.0:off:10", off.get(20), "off up to the loss: " + off);
    assertEquals("41.0:off:10", off.get(21), "the period that ends at the loss: " + off);
    assertEquals("42.0:failed:0", off.get(22), off.toString());
    assertEquals(List.of("42.0:failed:0", "43.0:failed:0", "44.0:failed:0"), of.apply("never"),
        "no row written: failed from the loss");
  }
}
