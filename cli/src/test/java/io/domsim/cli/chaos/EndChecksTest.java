package io.domsim.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.cli.chaos.EndChecks.Rule;
import io.domsim.config.ClusterSpec;
import io.domsim.node.RunResult;
import io.domsim.node.RunResult.GuestResult;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.domsim.node.RunResult.NodeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The end-of-run checks pass real runs and catch each breakage planted in one. */
class EndChecksTest {
  private static final long MIB = 1L << 20;

  static RunResult run(ClusterSpec spec) throws InterruptedException {
    return ChaosRunner.IN_PROCESS.run(spec);
  }

  static ClusterSpec scenario(String... entries) {
    return ChaosFixtures.spec(List.of("scenario=[" + String.join(", ", entries) + "]"));
  }

  static Set<Rule> rules(ClusterSpec spec, RunResult r) {
    Set<Rule> rules = new TreeSet<>();
    EndChecks.check(spec, r).forEach(p -> rules.add(p.rule()));
    return rules;
  }

  static RunResult node(RunResult r, String name, UnaryOperator<NodeResult> change) {
    List<NodeResult> nodes = new ArrayList<>(r.nodes().stream().map(n -> n.name().equals(name) ? change.apply(n) : n)
        .toList());
    return new RunResult(r.seed(), r.clock(), r.simulatedSeconds(), r.simulatedEvents(), nodes, r.guests(),
        r.migrations());
  }

  static RunResult guest(RunResult r, String name, UnaryOperator<GuestResult> change) {
    return new RunResult(r.seed(), r.clock(), r.simulatedSeconds(), r.simulatedEvents(), r.nodes(),
        r.guests().stream().map(g -> g.name().equals(name) ? change.apply(g) : g).toList(), r.migrations());
  }

  static RunResult migration(RunResult r, int index, UnaryOperator<MigrationResult> change) {
    List<MigrationResult> ms = new ArrayList<>(r.migrations());
    ms.set(index, change.apply(ms.get(index)));
    return new RunResult(r.seed(), r.clock(), r.simulatedSeconds(), r.simulatedEvents(), r.nodes(), r.guests(), ms);
  }

  static NodeResult withEnd(NodeResult n, int guests, long memory) {
    return new NodeResult(n.name(), n.cores(), n.memoryBytes(), n.hvmSupport(), n.cpuUtilizationAvg(),
        n.dom0CpuUtilizationAvg(), memory, guests, n.hypercalls(), n.vmExits(), n.energyJoules(), n.powerWattsAvg(),
        n.activeSeconds(), n.failed(), n.outages());
  }

  static GuestResult withState(GuestResult g, String nodeEnd, GuestState state, String reason) {
    return new GuestResult(g.name(), g.type(), g.vcpus(), g.memoryBytes(), g.nodeStart(), nodeEnd, state,
        g.cpuSeconds(), g.usefulCpuSeconds(), g.ioCompleted(), g.hypercalls(), g.vmExits(), reason);
  }

  static MigrationResult withOutcome(MigrationResult m, MigrationOutcome outcome, String reason, Long missing) {
    return new MigrationResult(m.guest(), m.type(), m.from(), m.to(), m.algorithm(), m.policy(), m.requestedAtS(),
        m.startedAtS(), m.finishedAtS(), m.totalTimeS(), m.downtimeS(), m.rounds(), m.bytesTransferred(),
        m.pagesTransferred(), outcome, reason, m.roundLog(), missing, RunResult.Origin.SCENARIO);
  }

  @Test
  void aRealRunPassesAndEveryBreakagePlantedInItIsCaught() throws InterruptedException {
    // web-pv n1 -> n3 completes; n2 crashes, so db-hvm is lost.
    ClusterSpec spec = scenario("{ at = 2s, action = migrate, guest = web-pv, to = n3 }",
        "{ at = 12s, action = fail, node = n2 }");
    RunResult good = run(spec);
    assertEquals(MigrationOutcome.COMPLETED, good.migrations().get(0).outcome());
    assertEquals(List.of(), EndChecks.check(spec, good));

    assertEquals(Set.of(Rule.ONE_NODE_PER_GUEST), rules(spec, node(good, "n1",
        n -> withEnd(n, n.guestsEnd() + 1, n.memoryUsedBytesEnd()))), "a copy left behind at the source");
    assertEquals(Set.of(Rule.NO_LEAKED_MEMORY), rules(spec, node(good, "n3",
        n -> withEnd(n, n.guestsEnd(), n.memoryUsedBytesEnd() + 512 * MIB))), "a claim left at the destination");
    assertEquals(Set.of(Rule.NO_LEAKED_MEMORY), rules(spec, node(good, "n2", n -> withEnd(n, 0, 4096))),
        "memory on a failed node");
    assertEquals(Set.of(Rule.GUEST_STATE), rules(spec, guest(good, "idle-pv",
        g -> withState(g, g.nodeEnd(), GuestState.PAUSED, null))), "paused with nothing in flight");
    assertEquals(Set.of(Rule.GUEST_STATE), rules(spec, guest(good, "db-hvm",
        g -> withState(g, null, GuestState.LOST, null))), "lost without a reason");
    assertEquals(Set.of(Rule.GUEST_STATE), rules(spec, guest(good, "db-hvm",
        g -> withState(g, "n2", GuestState.RUNNING, null))), "running on a failed node");
    assertTrue(rules(spec, guest(good, "web-pv", g -> withState(g, "n1", GuestState.RUNNING, null)))
        .contains(Rule.ONE_NODE_PER_GUEST), "counted on the source, held by the destination");
    assertEquals(Set.of(Rule.MIGRATION_RECORD), rules(spec, migration(good, 0,
        m -> withOutcome(m, MigrationOutcome.COMPLETED, null, 3L))), "pages missing at handover");
  }

  @Test
  void aMigrationThatDidNotCompleteMustSayWhy() throws InterruptedException {
    ClusterSpec spec = scenario("{ at = 2s, action = migrate, guest = db-hvm, to = pv-only }");
    RunResult refused = run(spec);
    assertEquals(MigrationOutcome.REFUSED, refused.migrations().get(0).outcome());
    assertEquals(List.of(), EndChecks.check(spec, refused));
    assertEquals(Set.of(Rule.MIGRATION_RECORD), rules(spec, migration(refused, 0,
        m -> withOutcome(m, MigrationOutcome.REFUSED, " ", null))));
  }

  /**
   * A destination cut off until the end cannot learn that its source gave up: it keeps the paused copy and
   * its claim, which is no leak. Once the cut heals it hears, and the same check holds it to exactly its
   * guests.
   */
  @Test
  void aDestinationCutOffToTheEndMayKeepItsCopyAndOneThatHealedMayNot() throws InterruptedException {
    String migrate = "{ at = 2s, action = migrate, guest = web-pv, to = n4, algorithm = pre-copy, policy = xen }";
    ClusterSpec cut = scenario(migrate, "{ at = 2500ms, action = partition, node = n4 }");
    RunResult stale = run(cut);
    assertEquals(MigrationOutcome.ABORTED, stale.migrations().get(0).outcome(), stale.migrations().toString());
    NodeResult n4 = stale.nodes().stream().filter(n -> n.name().equals("n4")).findFirst().orElseThrow();
    assertEquals(1, n4.guestsEnd(), "the paused copy is still there");
    assertEquals(List.of(), EndChecks.check(cut, stale));

    ClusterSpec healing = scenario(migrate, "{ at = 2500ms, action = partition, node = n4, duration = 5s }");
    assertEquals(Set.of(Rule.ONE_NODE_PER_GUEST, Rule.NO_LEAKED_MEMORY), rules(healing, stale),
        "the same end, with the cut healed long before it");
    RunResult healed = run(healing);
    assertEquals(List.of(), EndChecks.check(healing, healed));
    assertEquals(0, healed.nodes().stream().filter(n -> n.name().equals("n4")).findFirst().orElseThrow().guestsEnd());
  }
}
