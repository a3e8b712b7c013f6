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
  }, 1);

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
    merger.writeThrough(1, Long.MAX_VALUE);
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
    merger.writeThrough(5, Long.MAX_VALUE);
    assertEquals(List.of("1:n2"), seen());
  }

  /**
   * A barrier event at 10 runs on the driver (m1) in window 1, which ends at 10; its tells run on m2 in window 2, at
   * the barrier's key: the driver's rows of instant 10 wait for m2's, and the two are written by node.
   */
  @Test
  void theRowsOfTheInstantAWindowEndsAtWaitForTheOtherMembersRowsOfIt() {
    EventKey barrier = new EventKey(10, "operator", 7);
    merger.add("m1", 1, List.of(keyed(9, "a", 0, 0, "n5"), new KeyedRow(barrier, 1, row(10, "n9"))));
    merger.writeThrough(1, 10);
    assertEquals(List.of("9:n5"), seen(), "instant 10 held back");
    merger.add("m2", 2, List.of(new KeyedRow(barrier, 0, row(10, "n2")), keyed(12, "b", 0, 1, "n2")));
    merger.add("m1", 2, List.of(keyed(11, "a", 1, 2, "n5")));
    merger.writeThrough(2, 14);
    assertEquals(List.of("9:n5", "10:n2", "10:n9", "11:n5", "12:n2"), seen());
    merger.end(List.of(), List.of(), List.of());
    assertEquals(5, written.size(), "nothing held back was lost or written twice");
  }

  @Test
  void rowsGoToTheSinkInChunksAndTheRestAtTheEnd() {
    List<Integer> chunks = new ArrayList<>();
    SeriesMerger chunked = new SeriesMerger(new SeriesSink() {
      @Override public void nodes(List<NodeRow> rows) { chunks.add(rows.size()); }
      @Override public void guests(List<GuestRow> rows) { }
      @Override public void rounds(List<RoundRow> rows) { chunks.add(-1); }
    }, 3);
    chunked.add("m1", 1, List.of(keyed(1, "a", 0, 0, "n1"), keyed(2, "a", 0, 1, "n1")));
    chunked.writeThrough(1, Long.MAX_VALUE);
    chunked.add("m1", 2, List.of(keyed(3, "a", 0, 2, "n1"), keyed(4, "a", 0, 3, "n1")));
    chunked.writeThrough(2, Long.MAX_VALUE);
    assertEquals(List.of(3), chunks);
    chunked.end(List.of(), List.of(), List.of());
    assertEquals(List.of(3, 1, -1), chunks, "the rest, then the rounds");
  }

  @Test
  void aRowHeldBackIsWrittenAtTheEnd() {
    merger.add("m1", 1, List.of(keyed(10, "a", 0, 0, "n1")));
    merger.writeThrough(1, 10);
    assertEquals(List.of(), seen());
    merger.end(List.of(List.of(keyed(11, "a", 0, 1, "n2"))), List.of(), List.of());
    assertEquals(List.of("10:n1", "11:n2"), seen());
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
