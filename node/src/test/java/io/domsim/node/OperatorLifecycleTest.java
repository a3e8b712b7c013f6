package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestOp;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.ScenarioAction;
import io.domsim.dom0.Dom0;
import io.domsim.hypervisor.DomainState;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.kernel.SimTime;
import io.domsim.migration.MigrationRecord;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.Operation;
import io.domsim.node.RunResult.OperationOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator's lifecycle verbs (create, destroy, pause, unpause, shutdown): its checks, records and report. */
class OperatorLifecycleTest {
  Operator operator;

  @BeforeEach
  void cluster() {
    // ReportBuilderTest's cluster: nodes a, b, c.
    operator = new Operator(ReportBuilderTest.SPEC.guests(), io.domsim.migration.MigrationPlugins.load(
        ReportBuilderTest.SPEC.settings(), ReportBuilderTest.SPEC.migration()));
    List.of("a", "b", "c").forEach(operator::nodeBooted);
    operator.guestStarted("moved", "a");
    operator.guestStarted("paused", "a");
    operator.guestStarted("lost-with-node", "c");
    operator.guestNotStarted("never", "no node has room for guest never");
  }

  static ScenarioAction.GuestAction verb(GuestOp op, String guest) {
    return new ScenarioAction.GuestAction(Duration.ZERO, op, guest);
  }

  static GuestSpec newGuest(String name, String node) {
    GuestSpec template = ReportBuilderTest.SPEC.guest("moved").orElseThrow();
    return new GuestSpec(name, GuestType.PV, 1, 1L << 30, 256, Optional.ofNullable(node), template.workload());
  }

  Operation op(int i) {
    return operator.lifecycle().operations().get(i);
  }

  /** Sends a verb and has its Dom0 carry it out at {@code t}. */
  void done(GuestOp op, String guest, double t) {
    Operator.SendVerb send = assertInstanceOf(Operator.SendVerb.class, operator.requestLifecycle(verb(op, guest), t, RunResult.Origin.SCENARIO));
    operator.lifecycleAnswered(new Dom0.LifecycleDone(guest, op, send.node(), SimTime.seconds(t)), t);
  }

  @Test
  void aVerbGoesToTheNodeTheGuestRunsOnAndItsAnswerIsRecorded() {
    assertEquals(new Operator.SendVerb("moved", GuestOp.PAUSE, "a"),
        operator.requestLifecycle(verb(GuestOp.PAUSE, "moved"), 2, RunResult.Origin.SCENARIO));
    assertEquals(new Operation(2, RunResult.OperationAction.PAUSE, "moved", "a", OperationOutcome.IN_PROGRESS, null, null, RunResult.Origin.SCENARIO), op(0));
    operator.lifecycleAnswered(new Dom0.LifecycleDone("moved", GuestOp.PAUSE, "a", SimTime.seconds(2)), 2);
    assertEquals(new Operation(2, RunResult.OperationAction.PAUSE, "moved", "a", OperationOutcome.COMPLETED, 2.0, null, RunResult.Origin.SCENARIO), op(0));
    assertEquals(Optional.of(GuestLifecycle.Stage.PAUSED), operator.lifecycle().stage("moved"));
  }

  @Test
  void whatTheOperatorKnowsIsRefusedWithASentence() {
    assertEquals(new Operator.VerbRefused("guest never is not running (no node has room for guest never)"),
        operator.requestLifecycle(verb(GuestOp.DESTROY, "never"), 1, RunResult.Origin.SCENARIO));
    assertEquals(new Operator.VerbRefused("guest moved is not paused; only a paused guest can be unpaused"),
        operator.requestLifecycle(verb(GuestOp.UNPAUSE, "moved"), 1, RunResult.Origin.SCENARIO));
    done(GuestOp.PAUSE, "moved", 2);
    assertEquals(new Operator.VerbRefused("guest moved is already paused (since 2s)"),
        operator.requestLifecycle(verb(GuestOp.PAUSE, "moved"), 3, RunResult.Origin.SCENARIO));
    assertEquals(new Operator.VerbRefused("guest moved is paused and cannot act on a shutdown request; unpause it"
        + " first, or destroy it"), operator.requestLifecycle(verb(GuestOp.SHUTDOWN, "moved"), 3, RunResult.Origin.SCENARIO));
    List<Operation> ops = operator.lifecycle().operations();
    assertEquals(5, ops.size());
    assertEquals(OperationOutcome.REFUSED, ops.get(0).outcome());
    assertEquals("guest never is not running (no node has room for guest never)", ops.get(0).reason());
    assertNull(ops.get(0).node(), "it runs nowhere");
  }

  @Test
  void oneVerbAtATimeAndNoneWhileTheGuestMigrates() {
    operator.requestLifecycle(verb(GuestOp.PAUSE, "moved"), 1, RunResult.Origin.SCENARIO);
    assertEquals(new Operator.VerbRefused("guest moved has an xl pause under way; try again when it is done"),
        operator.requestLifecycle(verb(GuestOp.DESTROY, "moved"), 1, RunResult.Origin.SCENARIO));
    Operator.Decision m = operator.requestMigration(OperatorTest.migrate("paused", "b"), 2, RunResult.Origin.SCENARIO);
    assertInstanceOf(Operator.Handover.class, m);
    assertEquals(new Operator.VerbRefused("guest paused is migrating (m1, a -> b), so its domain is busy, as xl"
        + " would say; wait until the migration ends"), operator.requestLifecycle(verb(GuestOp.DESTROY, "paused"), 3, RunResult.Origin.SCENARIO));
  }

  @Test
  void aPausedOrShuttingDownGuestDoesNotMigrate() {
    done(GuestOp.PAUSE, "moved", 1);
    Operator.Refused r = assertInstanceOf(Operator.Refused.class,
        operator.requestMigration(OperatorTest.migrate("moved", "b"), 2, RunResult.Origin.SCENARIO));
    assertEquals("guest moved is paused; domsim migrates running guests only: unpause it first", r.reason());
    operator.requestLifecycle(verb(GuestOp.SHUTDOWN, "paused"), 3, RunResult.Origin.SCENARIO);
    operator.lifecycleAnswered(new Dom0.ShutdownBegun("paused", "a", 23_000_000_000L, SimTime.seconds(3)), 3);
    r = assertInstanceOf(Operator.Refused.class, operator.requestMigration(OperatorTest.migrate("paused", "b"), 4, RunResult.Origin.SCENARIO));
    assertEquals("guest paused is shutting down; it can no longer migrate", r.reason());
  }

  @Test
  void aShutdownRunsUntilItsGuestIsGoneAndOnlyADestroyCutsIn() {
    operator.requestLifecycle(verb(GuestOp.SHUTDOWN, "moved"), 5, RunResult.Origin.SCENARIO);
    operator.lifecycleAnswered(new Dom0.ShutdownBegun("moved", "a", 15_000_000_000L, SimTime.seconds(5)), 5);
    assertEquals(OperationOutcome.IN_PROGRESS, op(0).outcome());
    assertEquals(new Operator.VerbRefused("guest moved is shutting down (asked at 5s, gone at 15s); only a destroy"
        + " applies to it until then"), operator.requestLifecycle(verb(GuestOp.PAUSE, "moved"), 6, RunResult.Origin.SCENARIO));
    operator.lifecycleAnswered(new Dom0.LifecycleDone("moved", GuestOp.SHUTDOWN, "a", SimTime.seconds(15)), 15);
    assertEquals(new Operation(5, RunResult.OperationAction.SHUTDOWN, "moved", "a", OperationOutcome.COMPLETED, 15.0, null, RunResult.Origin.SCENARIO), op(0));
    assertEquals(Optional.of(GuestLifecycle.Stage.SHUT_DOWN), operator.lifecycle().stage("moved"));
    assertEquals(new Operator.VerbRefused("guest moved is not running (it shut down at 15s)"),
        operator.requestLifecycle(verb(GuestOp.DESTROY, "moved"), 16, RunResult.Origin.SCENARIO));

    operator.requestLifecycle(verb(GuestOp.SHUTDOWN, "paused"), 20, RunResult.Origin.SCENARIO);
    operator.lifecycleAnswered(new Dom0.ShutdownBegun("paused", "a", 40_000_000_000L, SimTime.seconds(20)), 20);
    done(GuestOp.DESTROY, "paused", 25);
    Operation cut = operator.lifecycle().operations().get(3);
    assertEquals(new Operation(20, RunResult.OperationAction.SHUTDOWN, "paused", "a", OperationOutcome.ABORTED, 25.0,
        "destroyed at 25s before it had shut down", RunResult.Origin.SCENARIO), cut);
    assertEquals(Optional.of(GuestLifecycle.Stage.DESTROYED), operator.lifecycle().stage("paused"));
  }

  @Test
  void aVerbUnderWayOnAFailedNodeIsAbortedAndItsLateAnswerIgnored() {
    operator.requestLifecycle(verb(GuestOp.PAUSE, "lost-with-node"), 1, RunResult.Origin.SCENARIO);
    assertTrue(operator.failNode("c", 1));
    assertEquals(new Operation(1, RunResult.OperationAction.PAUSE, "lost-with-node", "c", OperationOutcome.ABORTED, 1.0,
        "its node c failed at 1s", RunResult.Origin.SCENARIO), op(0));
    operator.lifecycleAnswered(new Dom0.LifecycleDone("lost-with-node", GuestOp.PAUSE, "c", SimTime.seconds(1)), 1);
    assertEquals(OperationOutcome.ABORTED, op(0).outcome());
    assertEquals(Optional.empty(), operator.lifecycle().stage("lost-with-node"));
  }

  @Test
  void theToolstacksRefusalIsRecorded() {
    operator.requestLifecycle(verb(GuestOp.PAUSE, "moved"), 1, RunResult.Origin.SCENARIO);
    operator.lifecycleAnswered(new Dom0.LifecycleRefused("moved", GuestOp.PAUSE, "a",
        "guest moved is migrating, so its domain is busy; wait until the migration ends", SimTime.seconds(1)), 1);
    assertEquals(OperationOutcome.REFUSED, op(0).outcome());
    assertEquals(Optional.empty(), operator.lifecycle().underWay("moved"), "another verb may follow");
  }

  @Test
  void aCreateNeedsANewNameAndARunningNode() {
    assertEquals(new Operator.VerbRefused("a guest named moved exists already; a new guest needs a new name"),
        operator.requestCreate(newGuest("moved", null), 1, Optional.of("a"), RunResult.Origin.SCENARIO));
    operator.failNode("c", 1);
    assertEquals(new Operator.VerbRefused("node c has failed; name a running node, or none to let the pool master"
        + " place the guest"), operator.requestCreate(newGuest("x", "c"), 2, Optional.of("a"), RunResult.Origin.SCENARIO));
    assertEquals(new Operator.VerbRefused("no node is up to place guest x on"),
        operator.requestCreate(newGuest("x", null), 2, Optional.empty(), RunResult.Origin.SCENARIO));
    assertTrue(operator.lifecycle().created().isEmpty(), "refused creates make no guest");
    assertEquals(ReportBuilderTest.SPEC.guests().size(), operator.guests().size());
    assertEquals(2.0, op(2).finishedAtS(), "refused at once");
  }

  @Test
  void aCreatedGuestStartsOnItsNodeOrWhereThePoolMasterPlacesIt() {
    GuestSpec pinned = newGuest("pinned", "b");
    assertEquals(new Operator.SendCreate(pinned, Optional.of("b")),
        operator.requestCreate(pinned, 3, Optional.of("a"), RunResult.Origin.SCENARIO));
    GuestSpec placed = newGuest("placed", null);
    assertEquals(new Operator.SendCreate(placed, Optional.empty()), operator.requestCreate(placed, 4, Optional.of("a"), RunResult.Origin.SCENARIO));
    assertEquals(new Operator.VerbRefused("guest placed is not running (it is still being created)"),
        operator.requestLifecycle(verb(GuestOp.PAUSE, "placed"), 4, RunResult.Origin.SCENARIO));
    operator.createAnswered("pinned", "b", null, 3);
    operator.createAnswered("placed", null, "no node has room for guest placed", 5);
    assertEquals(List.of("pinned", "placed"), operator.lifecycle().created());
    assertEquals(new Operation(3, RunResult.OperationAction.CREATE, "pinned", "b", OperationOutcome.COMPLETED, 3.0, null, RunResult.Origin.SCENARIO), op(0));
    assertEquals(new Operation(4, RunResult.OperationAction.CREATE, "placed", null, OperationOutcome.REFUSED, 5.0,
        "no node has room for guest placed", RunResult.Origin.SCENARIO), op(1));
    assertEquals("b", operator.guests().get("pinned").node());
    assertEquals(new Operator.SendVerb("pinned", GuestOp.DESTROY, "b"),
        operator.requestLifecycle(verb(GuestOp.DESTROY, "pinned"), 6, RunResult.Origin.SCENARIO));
  }

  @Test
  void aCreateWaitingForAFailedPoolMasterIsOver() {
    operator.requestCreate(newGuest("placed", null), 4, Optional.of("a"), RunResult.Origin.SCENARIO);
    operator.failNode("a", 5);
    assertEquals("the pool master's node a failed at 5s before it had placed the guest",
        operator.guests().get("placed").reason());
    assertEquals(OperationOutcome.ABORTED, op(0).outcome());
    operator.createAnswered("placed", "b", null, 6);
    assertNull(operator.guests().get("placed").node(), "a late answer changes nothing");
  }

  @Test
  void theReportSaysWhoIsGoneAndListsCreatedGuestsAfterTheConfiguredOnes() {
    done(GuestOp.DESTROY, "moved", 4);
    done(GuestOp.PAUSE, "paused", 2);
    GuestSpec created = newGuest("created", "b");
    operator.requestCreate(created, 3, Optional.of("a"), RunResult.Origin.SCENARIO);
    operator.createAnswered("created", "b", null, 3);
    Map<String, Node.NodeSnapshot> snapshots = Map.of(
        "a", ReportBuilderTest.snapshot("a", false,
            ReportBuilderTest.totals("moved", DomainState.RUNNING, 2, HostSnapshot.Presence.DEPARTED),
            ReportBuilderTest.totals("paused", DomainState.PAUSED, 1, HostSnapshot.Presence.HERE)),
        "b", ReportBuilderTest.snapshot("b", false,
            ReportBuilderTest.totals("created", DomainState.RUNNING, 3, HostSnapshot.Presence.HERE)),
        "c", ReportBuilderTest.snapshot("c", false));
    RunResult r = ReportBuilder.build(ReportBuilderTest.SPEC, 10, snapshots, operator.guests(), operator.ledger(),
        Map.of(), operator.lifecycle(), Map.of(), List.of());
    RunResult.GuestResult moved = ReportBuilderTest.guest(r, "moved");
    assertEquals(GuestState.DESTROYED, moved.stateEnd(), "gone, not lost");
    assertEquals("destroyed on a at 4s (xl destroy)", moved.reason());
    assertEquals(4.0, moved.endedAtS());
    assertNull(moved.nodeEnd());
    assertEquals(2, moved.cpuSeconds(), "its totals up to the destroy");
    RunResult.GuestResult paused = ReportBuilderTest.guest(r, "paused");
    assertEquals(GuestState.PAUSED, paused.stateEnd());
    assertEquals("paused at 2s (xl pause)", paused.reason());
    RunResult.GuestResult last = r.guests().get(r.guests().size() - 1);
    assertEquals("created", last.name());
    assertEquals(GuestState.RUNNING, last.stateEnd());
    assertEquals(3.0, last.createdAtS());
    assertNull(ReportBuilderTest.guest(r, "paused").createdAtS(), "a configured guest");
    assertEquals(3, r.operations().size());
  }

  @Test
  void aMigrationRecordOfAGuestDoesNotUndoItsDestroy() {
    done(GuestOp.DESTROY, "moved", 4);
    operator.migrationEnded(MigrationRecord.requested("m9", "moved", GuestType.PV, "a", "b", "pre-copy", "xen", 1)
        .refused("late"));
    assertEquals(Optional.of(GuestLifecycle.Stage.DESTROYED), operator.lifecycle().stage("moved"));
  }
}
