package io.domsim.cli.chaos;

import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.config.ScenarioAction;
import io.domsim.node.RunResult;
import io.domsim.node.RunResult.GuestResult;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.domsim.node.RunResult.NodeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What chaos checks at the end of a run, on top of the invariant monitor that watched every event: where
 * every guest ended and what every node still holds. Pure: the run's result and its cluster in, the
 * problems out (none for a good run).
 *
 * <p>A node holds exactly its Dom0 and the guests that end there, except while a migration of its is not
 * settled: in flight, ended so late that the other side has not heard yet ({@link #settleNanos}), or with
 * a side cut off near the end (a destination behind a cut cannot learn that its source gave up, as a
 * receiving {@code xl} blocked on a silent connection would not). Such a node may hold one more copy and
 * claim per unsettled migration, and no more.
 */
public final class EndChecks {

  /** The end-of-run rules; {@link #word()} is how the chaos table names a broken one. */
  public enum Rule {
    GUEST_STATE("a guest ends running, paused with its migration in flight, or lost or not started with a reason"),
    ONE_NODE_PER_GUEST("a guest is on one node: each node holds exactly the guests that end there"),
    NO_LEAKED_MEMORY("a node's memory at the end is its Dom0 plus its guests: no claim or copy is left behind"),
    MIGRATION_RECORD("a migration that did not complete says why, and none hands over with pages missing");

    private final String rule;

    Rule(String rule) {
      this.rule = rule;
    }

    public String rule() {
      return rule;
    }

    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** A broken rule, with the sentence that says where. */
  public record Problem(Rule rule, String what) {}

  private EndChecks() {}

  /**
   * How long before the end of the run a node's state may still be on its way: an abort sent just before
   * the end has not reached the other side yet. One second plus a few of the largest latency in the run.
   */
  static long settleNanos(ClusterSpec spec) {
    long latency = spec.network().latency().toNanos();
    for (ScenarioAction a : spec.scenario()) {
      if (a instanceof ScenarioAction.DegradeLink d && d.latency().isPresent()) {
        latency = Math.max(latency, d.latency().get().toNanos());
      }
    }
    return 1_000_000_000L + 4 * latency;
  }

  public static List<Problem> check(ClusterSpec spec, RunResult result) {
    List<Problem> problems = new ArrayList<>();
    long overhead = spec.settings().getBytes("hypervisor.costs.domain-overhead");
    long end = spec.simulation().duration().toNanos();
    long settledBy = end - settleNanos(spec);
    // Nodes cut off near the end: neither they nor their peers can have heard how a migration between them ended.
    SortedSet<String> cutOff = new TreeSet<>();
    for (ScenarioAction a : spec.scenario()) {
      if (a instanceof ScenarioAction.Partition p && p.at().toNanos() < end
          && p.endsAt().map(e -> e.toNanos() > settledBy).orElse(true)) {
        cutOff.add(p.node());
      }
    }
    Map<String, Long> memoryOf = new TreeMap<>();
    result.guests().forEach(g -> memoryOf.put(g.name(), g.memoryBytes()));
    // A node may hold one more copy (and its claim) for every migration of its that is not settled: in
    // flight, ended within the settling time, or with an end cut off.
    SortedMap<String, Integer> slack = new TreeMap<>();
    SortedMap<String, Long> slackMemory = new TreeMap<>();
    SortedSet<String> inFlight = new TreeSet<>();
    for (MigrationResult m : result.migrations()) {
      if (m.outcome() == MigrationOutcome.IN_PROGRESS) {
        inFlight.add(m.guest());
      } else if (m.outcome() != MigrationOutcome.COMPLETED && blank(m.reason())) {
        problems.add(new Problem(Rule.MIGRATION_RECORD, "migration of " + m.guest() + " " + m.from() + " -> " + m.to()
            + " ended " + m.outcome().reportName() + " without a reason"));
      }
      if (m.pagesMissingAtDestination() != null && m.pagesMissingAtDestination() > 0) {
        problems.add(new Problem(Rule.MIGRATION_RECORD, "migration of " + m.guest() + " " + m.from() + " -> " + m.to()
            + " left " + m.pagesMissingAtDestination() + " pages missing at the destination"));
      }
      boolean unsettled = m.outcome() == MigrationOutcome.IN_PROGRESS || m.finishedAtS() == null
          || m.finishedAtS() * 1e9 > settledBy || cutOff.contains(m.from()) || cutOff.contains(m.to());
      if (m.outcome() != MigrationOutcome.REFUSED && unsettled) {
        for (String node : new TreeSet<>(java.util.Arrays.asList(m.from(), m.to()))) {
          slack.merge(node, 1, Integer::sum);
          slackMemory.merge(node, memoryOf.getOrDefault(m.guest(), 0L) + overhead, Long::sum);
        }
      }
    }
    Map<String, NodeResult> nodes = new TreeMap<>();
    result.nodes().forEach(n -> nodes.put(n.name(), n));
    SortedMap<String, Integer> guestsOn = new TreeMap<>();
    SortedMap<String, Long> memoryOn = new TreeMap<>();
    for (GuestResult g : result.guests()) {
      String state = g.stateEnd().reportName();
      if (g.stateEnd() == GuestState.RUNNING || g.stateEnd() == GuestState.PAUSED) {
        NodeResult n = g.nodeEnd() == null ? null : nodes.get(g.nodeEnd());
        if (n == null || n.failed()) {
          problems.add(new Problem(Rule.GUEST_STATE, "guest " + g.name() + " is " + state + " on "
              + (n == null ? "no node" : "failed node " + n.name())));
          continue;
        }
        if (g.stateEnd() == GuestState.PAUSED && !inFlight.contains(g.name())) {
          problems.add(new Problem(Rule.GUEST_STATE, "guest " + g.name() + " is paused on " + g.nodeEnd()
              + " with no migration of it in flight"));
        }
        guestsOn.merge(n.name(), 1, Integer::sum);
        memoryOn.merge(n.name(), g.memoryBytes(), Long::sum);
      } else if (g.nodeEnd() != null || blank(g.reason())) {
        problems.add(new Problem(Rule.GUEST_STATE, "guest " + g.name() + " is " + state
            + (g.nodeEnd() != null ? " yet on " + g.nodeEnd() : " without a reason")));
      }
    }
    for (NodeResult n : result.nodes()) {
      int guests = guestsOn.getOrDefault(n.name(), 0);
      if (n.failed()) {
        if (n.guestsEnd() != 0 || n.memoryUsedBytesEnd() != 0) {
          problems.add(new Problem(Rule.NO_LEAKED_MEMORY, "failed node " + n.name() + " still holds "
              + n.guestsEnd() + " guest(s) and " + n.memoryUsedBytesEnd() + " bytes"));
        }
        continue;
      }
      NodeSpec node = spec.node(n.name()).orElseThrow();
      long expected = node.dom0().memoryBytes() + overhead * (1 + guests) + memoryOn.getOrDefault(n.name(), 0L);
      int extra = slack.getOrDefault(n.name(), 0);
      if (extra == 0 && n.guestsEnd() != guests) {
        problems.add(new Problem(Rule.ONE_NODE_PER_GUEST, "node " + n.name() + " holds " + n.guestsEnd()
            + " guest domain(s) but " + guests + " guest(s) end there (a guest on two nodes, or a copy left behind)"));
      } else if (n.guestsEnd() < guests || n.guestsEnd() > guests + extra) {
        problems.add(new Problem(Rule.ONE_NODE_PER_GUEST, "node " + n.name() + " holds " + n.guestsEnd()
            + " guest domain(s) for " + guests + " guest(s) ending there and " + extra + " migration(s) unsettled"));
      }
      long extraMemory = slackMemory.getOrDefault(n.name(), 0L);
      if (extra == 0 && n.memoryUsedBytesEnd() != expected) {
        problems.add(new Problem(Rule.NO_LEAKED_MEMORY, "node " + n.name() + " uses " + n.memoryUsedBytesEnd()
            + " bytes, but its Dom0 and its " + guests + " guest(s) take " + expected + " (a claim or a copy leaked)"));
      } else if (n.memoryUsedBytesEnd() < expected || n.memoryUsedBytesEnd() > expected + extraMemory) {
        problems.add(new Problem(Rule.NO_LEAKED_MEMORY, "node " + n.name() + " uses " + n.memoryUsedBytesEnd()
            + " bytes; its Dom0 and its " + guests + " guest(s) take " + expected + ", and its " + extra
            + " unsettled migration(s) at most " + extraMemory + " more"));
      }
    }
    return problems;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
