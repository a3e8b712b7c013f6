package io.domsim.node.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.domsim.hypervisor.NodeSample;
import io.domsim.kernel.EventKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesMergerTest {
  private final List<NodeRow> written = new ArrayList<>();
  private final List<RoundRow> rounds = new ArrayList<>();
  private final SeriesMerger merger = new SeriesMerger(new SeriesSink() {
    @Override public void nodes(List<NodeRow> rows) { written.addAll(rows); }
    @Override public void guests(List<GuestRow> rows) { }
    @Override public void rounds(List<RoundRow> rows) { rounds.addAll(rows); }
  });

  private static NodeRow row(long at, String node) {
    return new NodeRow(at, node, NodeSample.State.UP, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
  }

  private static KeyedRow keyed(long at, String entity, long seq, long rowSeq, String node) {
    return new KeyedRow(new EventKey(at, entity, seq), rowSeq, row(at, node));
  }

  private List<String> seen() {
    return written.stream().map(r -> r.atNanos() + ":" + r.node()).toList();
  }

  @Test
  void aWindowIsWrittenInOneOrderOnceEveryMembersRowsAreIn() {
    merger.add("m2", 1, List.of(keyed(5, "b", 0, 0, "n2"), keyed(7, "a", 0, 1, "n2")));
    merger.add("m1", 1, List.of(keyed(5, "a", 3, 0, "n1"), keyed(7, "a", 0, 1, "n1")));
    merger.add("m1", 2, List.of(keyed(9, "a", 0, 2, "n1")));
    merger.writeThrough(1);
    // Event (5, a, 3) before (5, b, 0); one event's rows by node.
    assertEquals(List.of("5:n1", "5:n2", "7:n1", "7:n2"), seen());
    assertThrows(IllegalStateException.class, () -> merger.add("m3", 1, List.of(keyed(6, "c", 0, 0, "n3"))),
        "a window's rows after it was written would be out of order");
  }

  @Test
  void aLostMembersRowsAfterItsLastWindowNeverHappened() {
    merger.add("m2", 3, List.of(keyed(1, "a", 0, 0, "n2")));
    merger.add("m2", 4, List.of(keyed(2, "a", 0, 1, "n2")));
    merger.lose("m2", 3);
    merger.add("m2", 5, List.of(keyed(3, "a", 0, 2, "n2"))); // came late: dropped too
    merger.writeThrough(5);
    assertEquals(List.of("1:n2"), seen());
  }

  @Test
  void theEndWritesTheRestThenTheClosingRowsNodeByNodeThenTheRounds() {
    merger.add("m1", 1, List.of(keyed(4, "a", 0, 0, "n1")));
    RoundRow round = new RoundRow("m1", "g", io.domsim.config.GuestType.PV, "n1", "n2", 1,
        io.domsim.migration.MigrationRecord.TransferKind.values()[0], 0, 1, 1, 0L, 4096, true, null);
    merger.end(List.of(List.of(keyed(3, "a", 0, 0, "n2"))), List.of(List.of(row(9, "n3"), row(10, "n3")),
        List.of(row(9, "n1"))), List.of(round));
    assertEquals(List.of("3:n2", "4:n1", "9:n1", "9:n3", "10:n3"), seen());
    assertEquals(List.of(round), rounds);
  }
}
