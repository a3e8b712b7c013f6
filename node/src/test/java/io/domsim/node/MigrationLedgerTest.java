package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestType;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MigrationLedgerTest {
  final MigrationLedger ledger = new MigrationLedger();

  MigrationRecord open(String guest) {
    return ledger.open(guest, GuestType.PV, "a", "b", "pre-copy", "xen", 1.0, RunResult.Origin.SCENARIO);
  }

  static MigrationRecord ended(MigrationRecord asked, Phase outcome, String reason) {
    return asked.withStart(1.5).withOutcome(outcome, 2.0, reason);
  }

  @Test
  void idsNumberRequestsAndKeepTheirOrderPastNine() {
    List<String> ids = IntStream.range(0, 12).mapToObj(i -> open("g" + i).id()).toList();
    assertEquals(List.of("m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12"), ids);
    assertEquals(ids, ledger.entries().stream().map(e -> e.id().wireName()).toList());
    assertEquals(ids, ledger.inFlight().stream().map(MigrationRecord::id).toList());
    assertTrue(new MigrationId(9).compareTo(new MigrationId(10)) < 0, "m9 before m10: numbers, not text");
    assertThrows(IllegalArgumentException.class, () -> new MigrationId(0));
  }

  @Test
  void theFirstWordStands() {
    MigrationRecord asked = open("g");
    MigrationRecord aborted = ended(asked, Phase.ABORTED, "the network path to b broke (b failed)");
    assertTrue(ledger.end(aborted));
    assertFalse(ledger.end(ended(asked, Phase.COMPLETED, null)), "a second source record comes too late");
    assertFalse(ledger.end(ended(asked, Phase.FAILED, "x").seenFromDestination()), "so does the destination's");
    assertSame(aborted, ledger.entries().get(0).reported());
  }

  @Test
  void theSourcesRecordReplacesTheDestinations() {
    MigrationRecord asked = open("g");
    MigrationRecord there = ended(asked, Phase.COMPLETED, null).seenFromDestination();
    assertTrue(ledger.end(there), "the destination speaks first when it unpauses the guest");
    MigrationRecord source = ended(asked, Phase.COMPLETED, null).withDowntime(0.03);
    assertTrue(ledger.end(source));
    assertSame(source, ledger.entries().get(0).reported());
    assertFalse(ledger.end(there), "and the destination's does not come back over it");
    assertSame(source, ledger.entries().get(0).reported());
  }

  @Test
  void aSecondDestinationRecordDoesNotReplaceTheFirst() {
    MigrationRecord asked = open("g");
    MigrationRecord first = ended(asked, Phase.COMPLETED, null).seenFromDestination();
    ledger.end(first);
    assertFalse(ledger.end(ended(asked, Phase.FAILED, "later").seenFromDestination()));
    assertSame(first, ledger.entries().get(0).reported());
  }

  @Test
  void aRecordOfAnUnknownMigrationIsIgnored() {
    open("g");
    assertFalse(ledger.end(MigrationRecord.requested("m7", "g", GuestType.PV, "a", "b", "pre-copy", "xen", 0)
        .refused("no")));
    assertTrue(ledger.entries().get(0).inFlight());
  }

  @Test
  void whatIsStillGoingAtTheEndFillsOnlyTheGaps() {
    MigrationRecord done = open("g");
    MigrationRecord going = open("h");
    ledger.end(done.refused("no"));
    MigrationRecord progress = going.withStart(1.5).withOutcome(null, null, "the run ended before the migration did");
    ledger.inFlightAtEnd(progress);
    ledger.inFlightAtEnd(done.withStart(1.5));
    assertEquals(Phase.REFUSED, ledger.entries().get(0).reported().outcome(), "an ended migration keeps its end");
    assertSame(progress, ledger.entries().get(1).reported());
    assertEquals(2, ledger.reported().size());
    assertTrue(ledger.inFlight().isEmpty());
  }

  @Test
  void aNodeIsInvolvedWhileAMigrationInFlightLeavesOrReachesIt() {
    MigrationRecord ab = open("g");
    MigrationRecord cb = ledger.open("h", GuestType.HVM, "c", "b", "pre-copy", "qemu", 1.0, RunResult.Origin.SCENARIO);
    assertTrue(ledger.involves("a") && ledger.involves("b") && ledger.involves("c"));
    assertFalse(ledger.involves("d"));
    ledger.end(ended(ab, Phase.COMPLETED, null).seenFromDestination());
    assertFalse(ledger.involves("a"));
    assertTrue(ledger.involves("b"), "c's migration still reaches b");
    ledger.end(ended(ab, Phase.COMPLETED, null)); // the source's record replaces the destination's: no change
    assertTrue(ledger.involves("b"));
    ledger.inFlightAtEnd(cb.withStart(1.5));
    assertFalse(ledger.involves("b") || ledger.involves("c"));
  }

  @Test
  void reportedAndInFlightSplitTheLedger() {
    MigrationRecord a = open("g");
    MigrationRecord b = open("h");
    MigrationRecord c = open("i");
    ledger.end(b.refused("no"));
    assertEquals(List.of(b.refused("no")), ledger.reported());
    assertEquals(List.of(a, c), ledger.inFlight());
    assertNull(ledger.entries().get(0).reported());
    assertEquals(a, ledger.entries().get(0).requested());
  }

  @Test
  void theLastFailureOfAGuestIsTheOneThatLostIt() {
    MigrationRecord first = open("g");
    MigrationRecord other = open("h");
    MigrationRecord second = open("g");
    MigrationRecord third = open("g");
    ledger.end(ended(first, Phase.FAILED, "first"));
    ledger.end(ended(other, Phase.FAILED, "other guest"));
    ledger.end(ended(second, Phase.FAILED, "second"));
    ledger.end(ended(third, Phase.ABORTED, "an abort loses nothing"));
    assertEquals(Optional.of("second"), ledger.lastFailure("g").map(MigrationRecord::reason));
    assertEquals(Optional.of("other guest"), ledger.lastFailure("h").map(MigrationRecord::reason));
    assertEquals(Optional.empty(), ledger.lastFailure("i"));
  }
}
