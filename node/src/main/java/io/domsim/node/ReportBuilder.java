package io.domsim.node;

import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.DomainState;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.migration.MigrationRecord;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.MigrationOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The end of a run as a {@link RunResult}: every node's snapshot, the operator's record of each guest's
 * start and the migration ledger, in configuration and request order. Pure: same inputs, same result.
 */
final class ReportBuilder {

  /** A guest's totals added up over every node its domain was on (running, paused, departed or crashed). */
  record Totals(double cpuSeconds, double workSeconds, double ioCompleted, double hypercalls, double vmExits,
      double requested, double unserved, double unservedMigrating) {
    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, 0);

    Totals plus(HostSnapshot.GuestTotals g) {
      return new Totals(cpuSeconds + g.cpuSeconds(), workSeconds + g.workSeconds(), ioCompleted + g.ioCompleted(),
          hypercalls + g.hypercalls(), vmExits + g.vmExits(), requested + g.demand().requestSeconds(),
          unserved + g.demand().unservedSeconds(), unservedMigrating + g.demand().unservedMigratingSeconds());
    }
  }

  private final ClusterSpec spec;
  private final double seconds;
  private final Map<String, Node.NodeSnapshot> snapshots;
  private final Map<String, Operator.GuestStart> starts;
  private final MigrationLedger ledger;
  private final Map<String, List<RunResult.Outage>> outages;
  private final GuestLifecycle lifecycle;
  private final Map<String, List<RunResult.Outage>> offPeriods;
  // A guest's domain may be on several nodes: running at one, a paused copy or a destroyed former self at
  // others, a copy on a crashed node. It is where it runs; its totals add up over all of them.
  private final Map<String, String> runningOn = new TreeMap<>();
  private final Map<String, String> pausedOn = new TreeMap<>();
  private final Set<String> onFailedNode = new TreeSet<>();
  private final Map<String, Totals> totals = new TreeMap<>();

  private ReportBuilder(ClusterSpec spec, double seconds, Map<String, Node.NodeSnapshot> snapshots,
      Map<String, Operator.GuestStart> starts, MigrationLedger ledger, Map<String, List<RunResult.Outage>> outages,
      GuestLifecycle lifecycle, Map<String, List<RunResult.Outage>> offPeriods) {
    this.spec = spec;
    this.lifecycle = lifecycle;
    this.offPeriods = offPeriods;
    this.seconds = seconds;
    this.snapshots = snapshots;
    this.starts = starts;
    this.ledger = ledger;
    this.outages = outages;
  }

  /**
   * @param seconds simulated time at the end
   * @param snapshots every configured node's snapshot, by name
   * @param starts every configured guest's start, by name
   * @param outages when each node the operator failed was down, by name (a node that never failed is absent)
   */
  static RunResult build(ClusterSpec spec, double seconds, Map<String, Node.NodeSnapshot> snapshots,
      Map<String, Operator.GuestStart> starts, MigrationLedger ledger, Map<String, List<RunResult.Outage>> outages) {
    return build(spec, seconds, snapshots, starts, ledger, outages, new GuestLifecycle(), Map.of(), List.of());
  }

  /**
   * @param starts every guest's start, configured or created during the run, by name
   * @param lifecycle the operator's verbs (create, destroy, pause, unpause, shutdown) and what they made of each
   *     guest; created guests follow the configured ones, in creation order
   * @param offPeriods when each node that was ever switched off was off (from the end of its shutdown to
   *     its power-on, or the end of the run), by name
   * @param powerOperations the operator's power-offs and power-ons, in order
   */
  static RunResult build(ClusterSpec spec, double seconds, Map<String, Node.NodeSnapshot> snapshots,
      Map<String, Operator.GuestStart> starts, MigrationLedger ledger, Map<String, List<RunResult.Outage>> outages,
      GuestLifecycle lifecycle, Map<String, List<RunResult.Outage>> offPeriods,
      List<RunResult.Operation> powerOperations) {
    ReportBuilder b = new ReportBuilder(spec, seconds, snapshots, starts, ledger, outages, lifecycle, offPeriods);
    List<RunResult.NodeResult> nodes = b.nodes();
    List<RunResult.Operation> operations = new ArrayList<>(lifecycle.operations());
    operations.addAll(powerOperations);
    operations.sort(Comparator.comparingDouble(RunResult.Operation::atS)); // stable: guests' first at one instant
    return new RunResult(spec.simulation().seed(), spec.simulation().clock().configName(), seconds, 0, nodes,
        b.guests(), b.migrations(), null, operations);
  }

  /** The nodes in configuration order; on the way, where each guest's domains are and their totals. */
  private List<RunResult.NodeResult> nodes() {
    List<RunResult.NodeResult> out = new ArrayList<>();
    for (NodeSpec n : spec.nodes()) {
      Node.NodeSnapshot s = snapshots.get(n.name());
      HostSnapshot h = s.host();
      int liveGuests = 0;
      for (HostSnapshot.GuestTotals g : h.guests()) {
        totals.put(g.name(), totals.getOrDefault(g.name(), Totals.ZERO).plus(g));
        if (g.presence() == HostSnapshot.Presence.DEPARTED) {
          continue;
        }
        // Lost with the node: on it when it crashed (listed after it booted again too).
        if (s.failed() || g.presence() == HostSnapshot.Presence.CRASHED) {
          onFailedNode.add(g.name());
          continue;
        }
        liveGuests++;
        if (g.state() == DomainState.RUNNING) {
          runningOn.put(g.name(), n.name());
        } else {
          pausedOn.putIfAbsent(g.name(), n.name());
        }
      }
      out.add(new RunResult.NodeResult(n.name(), n.cores(), n.memoryBytes(), n.hvmSupport(),
          seconds > 0 ? h.busyCoreSeconds() / (n.cores() * seconds) : 0,
          seconds > 0 ? h.dom0CoreSeconds() / (n.dom0().vcpus() * seconds) : 0,
          s.failed() ? 0 : h.memoryUsedBytes(), s.failed() ? 0 : liveGuests,
          Math.round(h.hypercalls()), Math.round(h.vmExits()), h.energyJoules(),
          seconds > 0 ? h.energyJoules() / seconds : 0, activeSeconds(n.name()), s.failed(), recovered(n.name()),
          h.fullSeconds(), n.hypervisor()));
    }
    return out;
  }

  /**
   * The time {@code node} was active (on, booting or shutting down): the run less its outages and the time
   * it was switched off (a period still open lasts to the end; one that begins after the end counts nothing).
   */
  private double activeSeconds(String node) {
    double down = 0;
    for (RunResult.Outage o : outages.getOrDefault(node, List.of())) {
      down += (o.recoveredAtS() != null ? o.recoveredAtS() : seconds) - o.failedAtS();
    }
    for (RunResult.Outage o : offPeriods.getOrDefault(node, List.of())) {
      down += Math.max(0, (o.recoveredAtS() != null ? o.recoveredAtS() : seconds) - Math.min(seconds, o.failedAtS()));
    }
    return seconds - down;
  }

  /** A node's outages if it was recovered at least once, else null (reports without recover stay as they were). */
  private List<RunResult.Outage> recovered(String node) {
    List<RunResult.Outage> down = outages.getOrDefault(node, List.of());
    return down.stream().anyMatch(o -> o.recoveredAtS() != null) ? down : null;
  }

  /** Did {@code node} crash at or after {@code sinceS}? */
  private boolean failedSince(String node, double sinceS) {
    return outages.getOrDefault(node, List.of()).stream().anyMatch(o -> o.failedAtS() >= sinceS);
  }

  /**
   * The guests in configuration order, then those created during the run in creation order: where each ended,
   * and if not running, why.
   */
  private List<RunResult.GuestResult> guests() {
    List<RunResult.GuestResult> out = new ArrayList<>();
    List<GuestSpec> all = new ArrayList<>(spec.guests());
    lifecycle.created().forEach(name -> all.add(starts.get(name).spec()));
    for (GuestSpec g : all) {
      Operator.GuestStart start = starts.get(g.name());
      GuestState state;
      String reason = start.reason();
      String nodeEnd = runningOn.getOrDefault(g.name(), pausedOn.get(g.name()));
      var lostInMigration = ledger.lastFailure(g.name());
      GuestLifecycle.Stage stage = lifecycle.stage(g.name()).orElse(null);
      Double endedAt = null;
      if (stage == GuestLifecycle.Stage.DESTROYED || stage == GuestLifecycle.Stage.SHUT_DOWN) {
        // Gone by the operator's hand, not lost: whatever its domains' snapshots say, it is nowhere now.
        endedAt = lifecycle.since(g.name());
        state = stage == GuestLifecycle.Stage.DESTROYED ? GuestState.DESTROYED : GuestState.SHUT_DOWN;
        reason = lifecycle.howGone(g.name());
        nodeEnd = null;
      } else if (runningOn.containsKey(g.name())) {
        state = GuestState.RUNNING;
      } else if (pausedOn.containsKey(g.name())) {
        state = GuestState.PAUSED;
      } else if (lostInMigration.isPresent()) {
        MigrationRecord m = lostInMigration.get();
        state = GuestState.LOST;
        reason = "lost in migration " + m.from() + " -> " + m.to() + ": " + m.reason();
      } else if (onFailedNode.contains(g.name())) {
        state = GuestState.LOST;
        reason = "its node failed";
      } else if (start.node() != null) {
        state = GuestState.LOST;
        reason = "a migration failed after the handover";
      } else {
        state = GuestState.NOT_STARTED;
        if (reason == null && lifecycle.createdAt(g.name()).isPresent()) {
          reason = "the run ended before it had started";
        }
      }
      if (stage == GuestLifecycle.Stage.PAUSED && state == GuestState.PAUSED) {
        reason = "paused at " + Operator.time(lifecycle.since(g.name())) + " (xl pause)";
      } else if (stage == GuestLifecycle.Stage.SHUTTING_DOWN && state == GuestState.RUNNING) {
        reason = "shutting down since " + Operator.time(lifecycle.since(g.name())) + " (xl shutdown); it would have"
            + " been gone at " + Operator.time(lifecycle.goneAt(g.name()));
      }
      Totals sum = totals.getOrDefault(g.name(), Totals.ZERO);
      out.add(new RunResult.GuestResult(g.name(), g.type(), g.vcpus(), g.memoryBytes(), start.node(), nodeEnd,
          state, sum.cpuSeconds(), sum.workSeconds(), Math.round(sum.ioCompleted()), Math.round(sum.hypercalls()),
          Math.round(sum.vmExits()), reason, lifecycle.createdAt(g.name()).orElse(null), endedAt, sum.requested(),
          sum.unserved(), sum.unservedMigrating()));
    }
    return out;
  }

  /**
   * The migrations in request order. What was asked (guest type, from, to, algorithm, stop rule, when)
   * comes from the request; what happened from the record that stands.
   */
  private List<RunResult.MigrationResult> migrations() {
    List<RunResult.MigrationResult> out = new ArrayList<>();
    for (MigrationLedger.Entry e : ledger.entries()) {
      MigrationRecord asked = e.requested();
      MigrationRecord rec = e.reported();
      if (rec == null) {
        boolean sourceDied = asked.from() != null && failedSince(asked.from(), asked.requestedAtS());
        out.add(new RunResult.MigrationResult(asked.guest(), asked.type(), asked.from(), asked.to(),
            asked.algorithm(), asked.policy(), asked.requestedAtS(), null, null, null, null, 0, 0, 0,
            sourceDied ? MigrationOutcome.FAILED : MigrationOutcome.IN_PROGRESS,
            sourceDied ? "the source failed before the destination had anything to take over; the guest was lost"
                : "the run ended before the migration did", List.of(), null, e.origin()));
        continue;
      }
      Double total = rec.startedAtS() != null && rec.finishedAtS() != null
          ? rec.finishedAtS() - rec.startedAtS() : null;
      List<RunResult.MigrationResult.Round> rounds = rec.roundLog().stream()
          .map(x -> new RunResult.MigrationResult.Round(x.round(), x.pagesSent(), x.pagesSkipped(),
              x.pagesDirtied(), x.durationS()))
          .toList();
      out.add(new RunResult.MigrationResult(rec.guest(), asked.type(), asked.from(), asked.to(), asked.algorithm(),
          asked.policy(), asked.requestedAtS(), rec.startedAtS(), rec.finishedAtS(), total, rec.downtimeS(),
          rec.rounds(), rec.bytesTransferred(), rec.pagesTransferred(), MigrationOutcome.of(rec.outcome()),
          rec.reason(), rounds, rec.pagesMissingAtDestination(), e.origin()));
    }
    return out;
  }
}
