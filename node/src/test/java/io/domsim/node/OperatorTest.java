package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestType;
import io.domsim.dom0.Dom0;
import io.domsim.config.ScenarioAction;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's checks and refusals, and what it learns from the Dom0s' records. */
class OperatorTest {
  Operator operator;

  @BeforeEach
  void cluster() {
    // ReportBuilderTest's cluster: nodes a, b, c; "never" is the one unpinned guest.
    operator = new Operator(ReportBuilderTest.SPEC.guests(), io.domsim.migration.MigrationPlugins.load(
        ReportBuilderTest.SPEC.settings(), ReportBuilderTest.SPEC.migration()));
    List.of("a", "b", "c").forEach(operator::nodeBooted);
    operator.guestStarted("moved", "a");
    operator.guestStarted("paused", "a");
    operator.guestNotStarted("never", "no node has room for guest never");
  }

  static ScenarioAction.Migrate migrate(String guest, String to) {
    return new ScenarioAction.Migrate(Duration.ZERO, guest, to, Optional.empty(), Optional.empty());
  }

  static ScenarioAction.Migrate migrate(String guest, String to, String algorithm) {
    return new ScenarioAction.Migrate(Duration.ZERO, guest, to, Optional.of(algorithm), Optional.empty());
  }

  MigrationRecord standing(String id) {
    return operator.ledger().entries().stream().filter(e -> e.id().wireName().equals(id)).findFirst().orElseThrow()
        .reported();
  }

  @Test
  void aRequestForARunningGuestGoesToItsSourceWithTheClusterDefaults() {
    Operator.Decision d = operator.requestMigration(migrate("moved", "b"), 1.5, RunResult.Origin.SCENARIO);
    assertEquals(new Operator.Handover("m1", "moved", "a", "b", 0, "pre-copy", "xen"), d);
    MigrationRecord asked = operator.ledger().inFlight().get(0);
    assertEquals(MigrationRecord.requested("m1", "moved", GuestType.PV, "a", "b", "pre-copy", "xen", 1.5), asked);
  }

  @Test
  void onlyPreCopyRecordsAStopRule() {
    Operator.Decision d = operator.requestMigration(migrate("moved", "b", "post-copy"), 1, RunResult.Origin.SCENARIO);
    assertEquals("xen", ((Operator.Handover) d).policy(), "the Dom0 still gets the setting");
    assertNull(operator.ledger().inFlight().get(0).policy(), "the report shows none");
  }

  @Test
  void aGuestThatIsNotRunningCannotMigrateAndTheSentenceSaysWhy() {
    Operator.Decision never = operator.requestMigration(migrate("never", "b"), 1, RunResult.Origin.SCENARIO);
    assertEquals(new Operator.Refused("m1", "guest never is not running (no node has room for guest never); "
        + "only a running guest can migrate"), never);
    assertEquals(Phase.REFUSED, standing("m1").outcome());
    assertEquals(never, new Operator.Refused("m1", standing("m1").reason()));
    assertTrue(operator.failNode("a", 1.5));
    Operator.Decision lost = operator.requestMigration(migrate("moved", "b"), 2, RunResult.Origin.SCENARIO);
    assertEquals(new Operator.Refused("m2",
        "guest moved is not running (it was lost); only a running guest can migrate"), lost);
    assertNull(standing("m2").from());
  }

  @Test
  void aFailedDestinationIsRefused() {
    operator.failNode("b", 0.5);
    assertEquals(new Operator.Refused("m1", "destination b has failed; choose a running node"),
        operator.requestMigration(migrate("moved", "b"), 1, RunResult.Origin.SCENARIO));
  }

  @Test
  void aLiveRequestNamingNothingKnownGetsTheNamesThatExist() {
    assertEquals(Optional.of("no guest nope in this cluster; the guests are lost-after-handover, "
        + "lost-in-migration, lost-with-node, moved, never, paused"), operator.unknownName(migrate("nope", "b")));
    assertEquals(Optional.of("no node z in this cluster; the nodes are a, b, c"),
        operator.unknownName(migrate("moved", "z")));
    assertEquals(Optional.of("no node z in this cluster; the nodes are a, b, c"),
        operator.unknownName(new ScenarioAction.Fail(Duration.ZERO, "z")));
    assertEquals(Optional.empty(), operator.unknownName(migrate("moved", "b")));
    assertEquals(Optional.empty(), operator.unknownName(new ScenarioAction.Fail(Duration.ZERO, "c")));
    assertTrue(operator.ledger().entries().isEmpty(), "asking opens nothing");
  }

  @Test
  void theGuestIsWhereTheRecordThatStandsSays() {
    Operator.Handover h = (Operator.Handover) operator.requestMigration(migrate("moved", "b"), 1, RunResult.Origin.SCENARIO);
    MigrationRecord asked = operator.ledger().inFlight().get(0);
    operator.migrationEnded(asked.withOutcome(Phase.COMPLETED, 2.0, null).seenFromDestination());
    assertEquals("b", operator.status(2).guestLocations().get("moved"));
    operator.migrationEnded(asked.withOutcome(Phase.COMPLETED, 2.1, null));
    assertEquals("b", operator.status(2).guestLocations().get("moved"));
    assertEquals("m1", h.id());

    operator.requestMigration(migrate("paused", "c", "post-copy"), 3, RunResult.Origin.SCENARIO);
    MigrationRecord second = operator.ledger().inFlight().get(0);
    operator.migrationEnded(second.withOutcome(Phase.FAILED, 4.0, "source failed during post-copy"));
    assertFalse(operator.status(4).guestLocations().containsKey("paused"), "a failed migration lost the guest");
  }

  @Test
  void aLateRecordMovesNothing() {
    operator.requestMigration(migrate("moved", "b"), 1, RunResult.Origin.SCENARIO);
    MigrationRecord asked = operator.ledger().inFlight().get(0);
    operator.migrationEnded(asked.withOutcome(Phase.ABORTED, 2.0, "the network path to b broke (b failed)"));
    operator.migrationEnded(asked.withOutcome(Phase.COMPLETED, 3.0, null));
    assertEquals("a", operator.status(3).guestLocations().get("moved"));
  }

  @Test
  void aFailedNodeTakesItsGuestsAndFailsOnce() {
    assertTrue(operator.failNode("a", 1));
    assertFalse(operator.failNode("a", 2), "already failed");
    assertFalse(operator.failNode("z", 2), "no such node");
    assertFalse(operator.isUp("a"));
    assertTrue(operator.isUp("b"));
    assertEquals(Map.of(), operator.status(1).guestLocations());
    assertEquals(List.of("a"), List.copyOf(operator.failedNodes()));
    assertEquals(Map.of("a", List.of(new RunResult.Outage(1, null))), operator.outages());
  }

  @Test
  void aRecoveredNodeIsUpInANewLifeAndTakesMigrationsAgain() {
    assertEquals(Optional.of("node b has not failed, so it cannot recover; only a failed node boots again"
        + " (no node has failed)"), operator.cannotRecover("b"));
    operator.failNode("b", 1);
    assertEquals(new Operator.Refused("m1", "destination b has failed; choose a running node"),
        operator.requestMigration(migrate("moved", "b"), 2, RunResult.Origin.SCENARIO));
    assertEquals(Optional.empty(), operator.cannotRecover("b"));
    assertEquals(Optional.of("node c has not failed, so it cannot recover; only a failed node boots again"
        + " (failed now: b)"), operator.cannotRecover("c"));
    assertEquals(1, operator.recoverNode("b", 3));
    assertTrue(operator.isUp("b"));
    assertEquals(1, operator.boot("b"));
    assertEquals(0, operator.boot("a"));
    assertEquals(new Operator.Handover("m2", "moved", "a", "b", 1, "pre-copy", "xen"),
        operator.requestMigration(migrate("moved", "b"), 4, RunResult.Origin.SCENARIO));
    assertTrue(operator.cannotRecover("b").isPresent(), "it runs again");
    assertThrows(IllegalStateException.class, () -> operator.recoverNode("b", 5));

    operator.failNode("b", 6);
    operator.failNode("c", 6.5);
    assertEquals(new java.util.TreeMap<>(Map.of("a", new Dom0.PeerLife(0, true), "c", new Dom0.PeerLife(0, false))),
        operator.othersLives("b"));
    assertEquals(2, operator.recoverNode("b", 7));
    assertEquals(Map.of("b", List.of(new RunResult.Outage(1, 3.0), new RunResult.Outage(6, 7.0)),
        "c", List.of(new RunResult.Outage(6.5, null))), operator.outages());
    assertEquals(new Dom0.PeerLife(2, true), operator.othersLives("a").get("b"));
  }

  @Test
  void theStatusListsWhatIsInFlightAndWhatWasReported() {
    operator.requestMigration(migrate("moved", "b"), 1, RunResult.Origin.SCENARIO);
    operator.requestMigration(migrate("never", "b"), 2, RunResult.Origin.SCENARIO);
    Cluster.Status s = operator.status(2.5);
    assertEquals(2.5, s.simulatedSeconds());
    assertEquals(Map.of("moved", "a", "paused", "a"), s.guestLocations());
    assertEquals(List.of("m1 moved a -> b"), s.migrationsInFlight());
    assertEquals(List.of("m2"), s.finishedMigrations().stream().map(MigrationRecord::id).toList());
  }
}
