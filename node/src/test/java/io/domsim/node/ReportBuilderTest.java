package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.hypervisor.DomainState;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.hypervisor.HostSnapshot.GuestTotals;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import io.domsim.node.RunResult.GuestResult;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The report from hand-made snapshots and ledgers: where each guest ended, its totals, each migration. */
class ReportBuilderTest {
  static final ClusterSpec SPEC = parse("""
      domsim {
        simulation { duration = 10s, seed = 5 }
        node-defaults { cpu { cores = 4 }, memory = 16GiB, dom0 { vcpus = 2, memory = 1GiB } }
        nodes = [ { name = a }, { name = b }, { name = c } ]
        guests = [
          { name = moved, type = pv, memory = 1GiB, node = a }
          { name = paused, type = hvm, memory = 1GiB, node = a }
          { name = lost-in-migration, type = pv, memory = 1GiB, node = a }
          { name = lost-with-node, type = pv, memory = 1GiB, node = c }
          { name = lost-after-handover, type = pv, memory = 1GiB, node = a }
          { name = never, type = hvm, memory = 1GiB }
        ]
      }
      """);
  static final double SECONDS = 10;

  static ClusterSpec parse(String text) {
    try {
      return ClusterConfigLoader.parse(text, "test.conf", List.of(), Plugins.onClassPath());
    } catch (ConfigProblems e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  final MigrationLedger ledger = new MigrationLedger();
  final Map<String, Operator.GuestStart> starts = new TreeMap<>();

  ReportBuilderTest() {
    for (GuestSpec g : SPEC.guests()) {
      starts.put(g.name(), new Operator.GuestStart(g, g.node().orElse(null), null));
    }
    GuestSpec never = SPEC.guest("never").orElseThrow();
    starts.put("never", new Operator.GuestStart(never, null, "no node has room for guest never"));
  }

  static final HostSnapshot.Presence HERE = HostSnapshot.Presence.HERE;
  static final HostSnapshot.Presence DEPARTED = HostSnapshot.Presence.DEPARTED;
  static final HostSnapshot.Presence CRASHED = HostSnapshot.Presence.CRASHED;
  /** c failed for good during the run. */
  static final Map<String, List<RunResult.Outage>> C_FAILED = Map.of("c", List.of(new RunResult.Outage(3.5, null)));

  static GuestTotals totals(String name, DomainState state, double cpu, HostSnapshot.Presence presence) {
    return new GuestTotals(name, 1, state, cpu, cpu / 2, 100 * cpu, 1000 * cpu, 10 * cpu, presence);
  }

  static Node.NodeSnapshot snapshot(String node, boolean failed, GuestTotals... guests) {
    return new Node.NodeSnapshot(node, failed,
        new HostSnapshot(10_000_000_000L, 20, 5, 3000, 1234.4, 56.6, 5L << 30, List.of(guests)));
  }

  /** a ran everything first; moved went to b; c failed with its guest. */
  static Map<String, Node.NodeSnapshot> snapshots() {
    return Map.of(
        "a", snapshot("a", false, totals("moved", DomainState.RUNNING, 2, DEPARTED),
            totals("paused", DomainState.PAUSED, 1, HERE), totals("lost-in-migration", DomainState.RUNNING, 1, DEPARTED),
            totals("lost-after-handover", DomainState.PAUSED, 1, DEPARTED)),
        "b", snapshot("b", false, totals("moved", DomainState.RUNNING, 3, HERE)),
        "c", snapshot("c", true, totals("lost-with-node", DomainState.RUNNING, 4, CRASHED)));
  }

  RunResult build(Map<String, List<RunResult.Outage>> outages) {
    return ReportBuilder.build(SPEC, SECONDS, snapshots(), starts, ledger, outages);
  }

  static GuestResult guest(RunResult r, String name) {
    return r.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void nodesInConfigurationOrderWithAveragesOverTheRun() {
    RunResult r = build(C_FAILED);
    assertEquals(5, r.seed());
    assertEquals("virtual", r.clock());
    assertEquals(SECONDS, r.simulatedSeconds());
    assertEquals(List.of("a", "b", "c"), r.nodes().stream().map(RunResult.NodeResult::name).toList());
    RunResult.NodeResult a = r.nodes().get(0);
    assertEquals(new RunResult.NodeResult("a", 4, 16L << 30, true, 20 / (4 * SECONDS), 5 / (2 * SECONDS), 5L << 30,
        1, 1234, 57, 3000, 300, SECONDS, false, null), a, "departed domains are not among the guests at the end");
    RunResult.NodeResult c = r.nodes().get(2);
    assertEquals(new RunResult.NodeResult("c", 4, 16L << 30, true, 20 / (4 * SECONDS), 5 / (2 * SECONDS), 0, 0, 1234,
        57, 3000, 300, 3.5, true, null), c, "a failed node holds nothing at the end but keeps what it did");
  }

  @Test
  void theSummaryAddsUpEnergyCompletedMigrationsAndActiveNodes() {
    RunResult r = build(C_FAILED);
    RunResult.Summary s = r.summary();
    // Three nodes of 3,000 J each; c was up 3.5 s of the run.
    assertEquals(9000 / 3.6e6, s.energyKwh(), 1e-15);
    assertEquals((2 * SECONDS + 3.5) / SECONDS, s.nodesActiveAvg(), 1e-12);
    assertEquals(0, s.migrations());
    assertEquals(List.of("energy_kwh", "migrations", "nodes_active_avg", "slatah", "pdm", "slav", "esv", "sla_overall"),
        s.figures().stream().map(RunResult.Summary.Figure::name).toList());
  }

  @Test
  void aGuestsTotalsAddUpOverEveryNodeItWasOn() {
    GuestResult moved = guest(build(Map.of()), "moved");
    assertEquals(new GuestResult("moved", GuestType.PV, 1, 1L << 30, "a", "b", GuestState.RUNNING, 5, 2.5, 500, 5000,
        50, null), moved);
  }

  @Test
  void whereEachGuestEndedAndWhy() {
    ledger.end(ledger.open("lost-in-migration", GuestType.PV, "a", "b", "post-copy", null, 2, RunResult.Origin.SCENARIO)
        .withOutcome(Phase.FAILED, 3.0, "source a failed during post-copy"));
    RunResult r = build(C_FAILED);
    assertEquals(List.of("moved", "paused", "lost-in-migration", "lost-with-node", "lost-after-handover", "never"),
        r.guests().stream().map(GuestResult::name).toList(), "configuration order");
    GuestResult paused = guest(r, "paused");
    assertEquals(GuestState.PAUSED, paused.stateEnd());
    assertEquals("a", paused.nodeEnd());
    GuestResult lostInMigration = guest(r, "lost-in-migration");
    assertEquals(GuestState.LOST, lostInMigration.stateEnd());
    assertNull(lostInMigration.nodeEnd());
    assertEquals("lost in migration a -> b: source a failed during post-copy", lostInMigration.reason());
    GuestResult lostWithNode = guest(r, "lost-with-node");
    assertEquals(GuestState.LOST, lostWithNode.stateEnd());
    assertEquals("its node failed", lostWithNode.reason());
    assertEquals(4, lostWithNode.cpuSeconds(), "what it did before counts");
    assertEquals("a migration failed after the handover", guest(r, "lost-after-handover").reason());
    GuestResult never = guest(r, "never");
    assertEquals(new GuestResult("never", GuestType.HVM, 1, 1L << 30, null, null, GuestState.NOT_STARTED, 0, 0, 0, 0,
        0, "no node has room for guest never"), never);
  }

  @Test
  void migrationsInRequestOrderFromTheirRequestAndTheRecordThatStands() {
    MigrationRecord.Round round = new MigrationRecord.Round(1, 262144, 0, 10, 8.5);
    MigrationRecord moved = ledger.open("moved", GuestType.PV, "a", "b", "pre-copy", "xen", 1, RunResult.Origin.SCENARIO);
    ledger.end(moved.withStart(1.25).withTransfer(2, 1L << 30, 262154, List.of(round), 0L).withDowntime(0.05)
        .withOutcome(Phase.COMPLETED, 10.0, null));
    ledger.open("paused", GuestType.HVM, "a", "b", "post-copy", null, 2, RunResult.Origin.SCENARIO);
    ledger.open("lost-with-node", GuestType.PV, "c", "a", "stop-and-copy", null, 3, RunResult.Origin.SCENARIO);
    MigrationRecord going = ledger.open("paused", GuestType.HVM, "a", "c", "pre-copy", "qemu", 4, RunResult.Origin.SCENARIO);
    ledger.inFlightAtEnd(going.withStart(4.5).withTransfer(1, 4096, 1, List.of(round), null)
        .withOutcome(null, null, "the run ended before the migration did"));
    // A refusal written by a Dom0 that did not know the guest: the request's type stands in the report.
    MigrationRecord refused = ledger.open("never", GuestType.HVM, null, "a", "pre-copy", "xen", 5, RunResult.Origin.SCENARIO);
    ledger.end(MigrationRecord.requested(refused.id(), "never", null, null, "a", "pre-copy", "xen", 5)
        .refused("guest never is not running"));

    RunResult r = build(C_FAILED);
    assertEquals(1, r.summary().migrations(), "only the completed one counts");
    List<MigrationResult> m = r.migrations();
    assertEquals(new MigrationResult("moved", GuestType.PV, "a", "b", "pre-copy", "xen", 1, 1.25, 10.0, 8.75, 0.05, 2,
        1L << 30, 262154, MigrationOutcome.COMPLETED, null,
        List.of(new MigrationResult.Round(1, 262144, 0, 10, 8.5)), 0L, RunResult.Origin.SCENARIO), m.get(0));
    assertEquals(new MigrationResult("paused", GuestType.HVM, "a", "b", "post-copy", null, 2, null, null, null, null,
        0, 0, 0, MigrationOutcome.IN_PROGRESS, "the run ended before the migration did", List.of(), null, RunResult.Origin.SCENARIO), m.get(1));
    assertEquals(new MigrationResult("lost-with-node", GuestType.PV, "c", "a", "stop-and-copy", null, 3, null, null,
        null, null, 0, 0, 0, MigrationOutcome.FAILED,
        "the source failed before the destination had anything to take over; the guest was lost", List.of(), null, RunResult.Origin.SCENARIO),
        m.get(2), "nobody reported it, and its source is gone");
    assertEquals(new MigrationResult("paused", GuestType.HVM, "a", "c", "pre-copy", "qemu", 4, 4.5, null, null, null,
        1, 4096, 1, MigrationOutcome.IN_PROGRESS, "the run ended before the migration did",
        List.of(new MigrationResult.Round(1, 262144, 0, 10, 8.5)), null, RunResult.Origin.SCENARIO), m.get(3));
    assertEquals(MigrationOutcome.REFUSED, m.get(4).outcome());
    assertEquals(GuestType.HVM, m.get(4).type());
    assertEquals(5, m.size());
  }

  @Test
  void aRecoveredNodeListsItsOutagesAndTheGuestsItLost() {
    // c crashed at 3.5 s with lost-with-node, booted again at 6 s and runs paused's copy from a migration.
    Map<String, Node.NodeSnapshot> snapshots = new TreeMap<>(snapshots());
    snapshots.put("c", snapshot("c", false, totals("lost-with-node", DomainState.RUNNING, 4, CRASHED),
        totals("paused", DomainState.PAUSED, 0, HERE)));
    List<RunResult.Outage> down = List.of(new RunResult.Outage(3.5, 6.0));
    ledger.open("lost-with-node", GuestType.PV, "c", "a", "pre-copy", "xen", 3, RunResult.Origin.SCENARIO);
    ledger.open("never", GuestType.HVM, "c", "a", "pre-copy", "xen", 7, RunResult.Origin.SCENARIO);
    RunResult r = ReportBuilder.build(SPEC, SECONDS, snapshots, starts, ledger, Map.of("c", down));
    RunResult.NodeResult c = r.nodes().get(2);
    assertEquals(false, c.failed());
    assertEquals(down, c.outages());
    assertEquals(1, c.guestsEnd(), "the lost guest is not among its guests at the end");
    assertEquals(5L << 30, c.memoryUsedBytesEnd(), "it holds what its hypervisor reports");
    assertNull(r.nodes().get(0).outages(), "a node that never failed lists no outage");
    assertEquals(SECONDS - 2.5, c.activeSeconds(), 1e-12, "up but for its outage from 3.5 s to 6 s");
    assertEquals(SECONDS, r.nodes().get(0).activeSeconds());
    GuestResult lost = guest(r, "lost-with-node");
    assertEquals(GuestState.LOST, lost.stateEnd());
    assertEquals("its node failed", lost.reason());
    assertEquals("a", guest(r, "paused").nodeEnd(), "where a guest is paused first, by configuration order");
    assertEquals(MigrationOutcome.FAILED, r.migrations().get(0).outcome(), "its source crashed during it");
    assertEquals(MigrationOutcome.IN_PROGRESS, r.migrations().get(1).outcome(),
        "asked of c after it booted again: its crash is older");
  }

  @Test
  void aRunOfNoTimeHasNoAverages() {
    RunResult r = ReportBuilder.build(SPEC, 0, snapshots(), starts, ledger, Map.of());
    for (RunResult.NodeResult n : r.nodes()) {
      assertEquals(0, n.cpuUtilizationAvg());
      assertEquals(0, n.dom0CpuUtilizationAvg());
      assertEquals(0, n.powerWattsAvg());
    }
  }

  @Test
  void outcomesAreTheEndPhasesAndInProgress() {
    assertEquals(MigrationOutcome.IN_PROGRESS, MigrationOutcome.of(null));
    assertEquals(MigrationOutcome.IN_PROGRESS, MigrationOutcome.of(Phase.PRECOPY));
    assertEquals(MigrationOutcome.ABORTED, MigrationOutcome.of(Phase.ABORTED));
    assertEquals("in-progress", MigrationOutcome.IN_PROGRESS.reportName());
    assertEquals("not-started", GuestState.NOT_STARTED.reportName());
    assertEquals("running", GuestState.RUNNING.reportName());
  }
}
