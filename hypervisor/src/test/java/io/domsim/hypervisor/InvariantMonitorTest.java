package io.domsim.hypervisor;

import static io.domsim.hypervisor.DomainState.PAUSED;
import static io.domsim.hypervisor.DomainState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.hypervisor.InvariantMonitor.Invariant;
import io.domsim.hypervisor.InvariantMonitor.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InvariantMonitorTest {
  private final InvariantMonitor m = new InvariantMonitor();

  private static void assertViolation(Invariant invariant, String subject, long at, Executable change) {
    Violation v = assertThrows(Violation.class, change);
    assertEquals(invariant, v.invariant());
    assertEquals(subject, v.subject());
    assertEquals(at, v.atNanos());
    assertTrue(v.getMessage().contains(invariant.rule()), v.getMessage());
  }

  /** A pre-copy handover as the protocol does it: suspend, GO, unpause there, destroy here. */
  private void handover(String id, String guest, String from, String to, long at) {
    m.migrationStarted(id, guest, from, to, at);
    m.domainState(to, guest, PAUSED, at + 1);
    m.domainState(from, guest, PAUSED, at + 2);
    m.goSent(from, id);
    m.domainState(to, guest, RUNNING, at + 3);
    m.targetEnded(to, id);
    m.domainDestroyed(from, guest);
    m.sourceEnded(from, id);
  }

  @Test
  void theProtocolsOwnOrderBreaksNothing() {
    m.domainState("a", "g", RUNNING, 0);
    handover("m1", "g", "a", "b", 10);
    handover("m2", "g", "b", "a", 20); // and back again
    m.pagesMissingAtHandover("b", "m2", "g", 0, 25);
    assertTrue(m.checks() > 10);
  }

  @Test
  void aGuestRunningOnTwoNodesIsAViolation() {
    m.domainState("a", "g", RUNNING, 0);
    assertViolation(Invariant.ONE_RUNNING_COPY, "g", 7, () -> m.domainState("b", "g", RUNNING, 7));
  }

  @Test
  void aCrashedNodeRunsNothing() {
    m.domainState("a", "g", RUNNING, 0);
    m.nodeHalted("a");
    m.domainState("b", "g", RUNNING, 5); // restarted elsewhere: fine
  }

  @Test
  void unpausingTheDestinationCopyBeforeGoIsAViolation() {
    m.domainState("a", "g", RUNNING, 0);
    m.migrationStarted("m1", "g", "a", "b", 1);
    m.domainState("b", "g", PAUSED, 2);
    m.domainState("a", "g", PAUSED, 3);
    assertViolation(Invariant.NO_UNPAUSE_BEFORE_GO, "g", 4, () -> m.domainState("b", "g", RUNNING, 4));
  }

  @Test
  void anAbortedMigrationsCopyMayNeverRun() {
    m.domainState("a", "g", RUNNING, 0);
    m.migrationStarted("m1", "g", "a", "b", 1);
    m.domainState("b", "g", PAUSED, 2);
    m.sourceEnded("a", "m1"); // aborted before GO; the destination has not destroyed its copy yet
    assertViolation(Invariant.NO_UNPAUSE_BEFORE_GO, "g", 9, () -> m.domainState("b", "g", RUNNING, 9));
  }

  @Test
  void aDestinationPastGoFinishesAloneWhenItsSourceDies() {
    m.domainState("a", "g", RUNNING, 0);
    m.migrationStarted("m1", "g", "a", "b", 1);
    m.domainState("b", "g", PAUSED, 2);
    m.domainState("a", "g", PAUSED, 3);
    m.goSent("a", "m1");
    m.nodeHalted("a");
    m.domainState("b", "g", RUNNING, 4);
    m.targetEnded("b", "m1");
    m.migrationStarted("m2", "g", "b", "c", 10); // the source's crash ended m1 for it
  }

  @Test
  void aMigrationToANodeThatIsDownDoesNotHauntItsNextLife() {
    m.domainState("a", "g", RUNNING, 0);
    m.nodeHalted("b");
    m.migrationStarted("m1", "g", "a", "b", 1); // the source does not know yet that b crashed
    m.sourceEnded("a", "m1"); // it learns, and gives up
    m.nodeBooted("b");
    m.migrationStarted("m2", "g", "a", "b", 10);
    m.domainState("b", "g", PAUSED, 11);
    m.domainState("a", "g", PAUSED, 12);
    m.goSent("a", "m2");
    m.domainState("b", "g", RUNNING, 13); // m1 never reached b: its copy of g is m2's, unpaused after GO
    m.domainDestroyed("a", "g");
    m.sourceEnded("a", "m2");
    m.targetEnded("b", "m2");
  }

  @Test
  void aRebootedNodeIsCheckedLikeAnyOther() {
    m.domainState("a", "g", RUNNING, 0);
    m.nodeHalted("b");
    m.nodeBooted("b");
    m.migrationStarted("m1", "g", "a", "b", 1);
    m.domainState("b", "g", PAUSED, 2);
    assertViolation(Invariant.NO_UNPAUSE_BEFORE_GO, "g", 3, () -> m.domainState("b", "g", RUNNING, 3));
  }

  @Test
  void aSecondMigrationOfTheSameGuestIsAViolation() {
    m.domainState("a", "g", RUNNING, 0);
    m.migrationStarted("m1", "g", "a", "b", 1);
    assertViolation(Invariant.ONE_MIGRATION_PER_GUEST, "g", 2, () -> m.migrationStarted("m2", "g", "a", "c", 2));
  }

  @Test
  void memoryBeyondCapacityIsAViolationOfTheNode() {
    m.memory("a", 100, 100, 0);
    assertViolation(Invariant.MEMORY_WITHIN_CAPACITY, "a", 3, () -> m.memory("a", 101, 100, 3));
  }

  @Test
  void aPageMissingAtHandoverIsAViolation() {
    assertViolation(Invariant.NO_PAGE_MISSING_AT_HANDOVER, "g", 5, () -> m.pagesMissingAtHandover("a", "m1", "g", 3, 5));
  }

  @Test
  void aGuestNeverRunsOnANodeThatIsDownUntilItBootsAgain() {
    InvariantMonitor m = new InvariantMonitor();
    m.nodeHalted("a");
    assertViolation(Invariant.NO_GUEST_ON_DOWN_NODE, "g", 7, () -> m.domainState("a", "g", DomainState.RUNNING, 7));
    m.domainState("a", "p", DomainState.PAUSED, 8); // a paused domain runs nowhere
    m.nodeBooted("a");
    m.domainState("a", "g", DomainState.RUNNING, 9);
  }

  @Test
  void aGuestMayLeaveItsDestinationBeforeTheOldSourceHearsOfTheHandover() {
    InvariantMonitor m = new InvariantMonitor();
    m.migrationStarted("m1", "g", "a", "b", 1);
    m.goSent("a", "m1");
    assertViolation(Invariant.ONE_MIGRATION_PER_GUEST, "g", 2, () -> m.migrationStarted("m2", "g", "b", "c", 2));
    m.targetEnded("b", "m1"); // b runs g; a has not heard so yet
    m.migrationStarted("m3", "g", "b", "c", 3);
    assertViolation(Invariant.ONE_MIGRATION_PER_GUEST, "g", 4, () -> m.migrationStarted("m4", "g", "a", "c", 4));
  }
}
