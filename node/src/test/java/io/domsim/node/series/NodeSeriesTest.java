package io.domsim.node.series;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.NodeSample;
import io.domsim.hypervisor.NodeSample.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeSeriesTest {
  private static final long S = 1_000_000_000L;

  private final List<NodeRow> rows = new ArrayList<>();
  private final List<RoundRow> rounds = new ArrayList<>();
  private final SeriesSink sink = new SeriesSink() {
    @Override public void nodes(List<NodeRow> r) { rows.addAll(r); }
    @Override public void guests(List<GuestRow> r) { }
    @Override public void rounds(List<RoundRow> r) { rounds.addAll(r); }
  };
  private final RunSeries run = new RunSeries(sink, false, S, () -> io.domsim.kernel.EventKey.startOf(0));
  private final NodeSeries node = run.node(new NodeSpec("n", 4, 2.0, true, 8L << 30, 1_000_000_000L, null, null), 0);

  private static NodeSample sample(long at, double watts, double hypercalls) {
    return new NodeSample(at, 0.5, 0.1, 1L << 30, hypercalls, 0, watts, 0, 2, 8_000);
  }

  @Test
  void aCrashedNodeHasARowEachIntervalUntilItBootsAndItsPowerIntegrates() {
    node.sample(sample(S, 200, 100));
    node.sample(sample(3 * S / 2, 200, 50)); // the crash at 1.5 s: the half period up to it
    node.state(3 * S / 2, State.FAILED);
    node.sample(new NodeSample(3 * S / 2, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    node.state(4 * S, State.UP); // booted at 4 s: the hypervisor sends its first gauges then
    node.sample(sample(4 * S, 150, 0));
    node.sample(sample(5 * S, 150, 30));
    run.finish(5 * S, List.of());

    List<String> seen = rows.stream().map(r -> r.atNanos() / (S / 10) + ":" + r.state().name().toLowerCase()).toList();
    assertEquals(List.of("10:up", "15:up", "15:failed", "25:failed", "35:failed", "40:failed", "40:up", "50:up"), seen);
    double energy = rows.stream().mapToDouble(r -> r.watts() * r.periodSeconds()).sum();
    assertEquals(200 * 1.5 + 150, energy, 1e-9, "the down time draws nothing");
    assertEquals(100.0, rows.get(0).hypercallsPerSecond(), 1e-9);
    assertEquals(100.0, rows.get(1).hypercallsPerSecond(), 1e-9, "50 in half a second");
    assertEquals(500.0, rows.get(0).nicTxBytesPerSecond(), 1e-9, "8 kbit/s both ways: 500 bytes/s each");
    assertEquals(8L << 30, rows.get(3).memoryTotalBytes());
  }

  @Test
  void anOffNodeDrawsItsStandbyPowerUntilTheEnd() {
    node.sample(sample(S, 200, 0));
    node.state(S, State.OFF);
    node.sample(new NodeSample(S, 0, 0, 0, 0, 0, 10, 0, 0, 0));
    node.bytesSent(4096);
    run.finish(3 * S + S / 2, List.of());
    assertEquals(List.of(State.UP, State.OFF, State.OFF, State.OFF, State.OFF), rows.stream().map(NodeRow::state).toList());
    double energy = rows.stream().mapToDouble(r -> r.watts() * r.periodSeconds()).sum();
    assertEquals(200 + 10 * 2.5, energy, 1e-9);
    assertEquals(4096, rows.get(2).migrationTxBytes());
  }
}
