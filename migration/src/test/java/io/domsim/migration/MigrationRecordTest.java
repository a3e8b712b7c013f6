package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A record grows step by step from the request; each step changes only what it names. */
class MigrationRecordTest {
  static final MigrationRecord ASKED =
      MigrationRecord.requested("m3", "web", GuestType.HVM, "a", "b", "pre-copy", "xen", 12.5);

  @Test
  void aRequestHasNothingDoneYet() {
    assertEquals(new MigrationRecord("m3", "web", GuestType.HVM, "a", "b", "pre-copy", "xen", 12.5, null, null, null,
        0, 0, 0, null, null, List.of(), null, false), ASKED);
  }

  @Test
  void aRefusalNeverStartedNorFinished() {
    MigrationRecord r = ASKED.refused("guest web is already migrating");
    assertEquals(Phase.REFUSED, r.outcome());
    assertEquals("guest web is already migrating", r.reason());
    assertNull(r.startedAtS());
    assertNull(r.finishedAtS());
    assertEquals(ASKED, r.withOutcome(null, null, null), "the refusal changed nothing else");
  }

  @Test
  void eachStepSetsOnlyItsOwnFields() {
    List<MigrationRecord.Round> log = new ArrayList<>(List.of(new MigrationRecord.Round(1, 100, 0, 10, 0.5)));
    MigrationRecord r = ASKED.withStart(13.0).withTransfer(2, 4096 * 110, 110, log, 0L).withDowntime(0.02)
        .withOutcome(Phase.COMPLETED, 14.0, null);
    log.add(new MigrationRecord.Round(2, 10, 0, 0, 0.1));
    assertEquals(new MigrationRecord("m3", "web", GuestType.HVM, "a", "b", "pre-copy", "xen", 12.5, 13.0, 14.0, 0.02,
        2, 4096 * 110, 110, Phase.COMPLETED, null, List.of(new MigrationRecord.Round(1, 100, 0, 10, 0.5)), 0L, false),
        r, "the round log is copied, not shared with the sender's list");
    assertFalse(r.fromDestination());
    MigrationRecord there = r.seenFromDestination();
    assertTrue(there.fromDestination());
    assertEquals(r, new MigrationRecord(there.id(), there.guest(), there.type(), there.from(), there.to(),
        there.algorithm(), there.policy(), there.requestedAtS(), there.startedAtS(), there.finishedAtS(),
        there.downtimeS(), there.rounds(), there.bytesTransferred(), there.pagesTransferred(), there.outcome(),
        there.reason(), there.roundLog(), there.pagesMissingAtDestination(), false));
  }

  @Test
  void aMigrationEndsOnlyInAnEndPhase() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ASKED.withOutcome(Phase.PRECOPY, 1.0, null));
    assertTrue(e.getMessage().contains("PRECOPY"), e.getMessage());
  }
}
