package io.domsim.node;

import io.domsim.config.GuestSpec;
import io.domsim.dom0.Dom0;
import io.domsim.migration.MigrationPlugins;
import io.domsim.config.ScenarioAction;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operator at the console, without the actor: what it knows (which nodes are up, where each guest
 * runs, the migrations it asked for) and what it decides (does a request go to the source's Dom0, or is
 * it refused, in which sentence). {@link Cluster} carries the decisions out.
 */
final class Operator {

  /** How a guest's start went: the node it started on, or why it did not (both null while pending). */
  record GuestStart(GuestSpec spec, String node, String reason) {}

  /** What to do about a migration request; {@code id} is its wire name, the operator's answer. */
  sealed interface Decision {
    String id();
  }

  /** Refused here, with the sentence that says why; the ledger has the refusal already. */
  record Refused(String id, String reason) implements Decision {}

  /** Hand the migration to the source's Dom0; {@code toBoot} is the destination's current life. */
  record Handover(String id, String guest, String from, String to, int toBoot, String algorithm, String policy)
      implements Decision {}

  private final MigrationPlugins migration;
  private final Map<String, GuestStart> guests = new TreeMap<>();
  private final Set<String> nodes = new TreeSet<>();
  private final Set<String> failedNodes = new TreeSet<>();
  /** Each node's life: how often it has booted again after a crash (0 for a node that never did). */
  private final Map<String, Integer> boots = new TreeMap<>();
  /** When each node that ever failed was down, in order; the last is open while it is down. */
  private final Map<String, List<RunResult.Outage>> outages = new TreeMap<>();
  /** Where each running guest is, as the operator knows it. */
  private final Map<String, String> location = new TreeMap<>();
  private final MigrationLedger ledger = new MigrationLedger();

  /** @param migration the run's algorithms and stop rules, and the defaults of a request that names none */
  Operator(List<GuestSpec> guestSpecs, MigrationPlugins migration) {
    this.migration = migration;
    guestSpecs.forEach(g -> guests.put(g.name(), new GuestStart(g, null, null)));
  }

  void nodeBooted(String node) {
    nodes.add(node);
  }

  void guestStarted(String guest, String node) {
    guests.put(guest, new GuestStart(guests.get(guest).spec(), node, null));
    location.put(guest, node);
  }

  void guestNotStarted(String guest, String reason) {
    guests.put(guest, new GuestStart(guests.get(guest).spec(), null, reason));
  }

  /**
   * A live request (domsim launch) may name anything: the sentence saying which guest or node does not
   * exist, or empty when both do. (A scenario's names were checked with the config.)
   */
  Optional<String> unknownName(ScenarioAction action) {
    if (action instanceof ScenarioAction.Migrate mig) {
      if (!guests.containsKey(mig.guest())) {
        return Optional.of("no guest " + mig.guest() + " in this cluster; the guests are "
            + String.join(", ", guests.keySet()));
      }
      return unknownNode(mig.to());
    }
    if (action instanceof ScenarioAction.Fail f) {
      return unknownNode(f.node());
    }
    if (action instanceof ScenarioAction.Partition p) {
      return unknownNode(p.node());
    }
    if (action instanceof ScenarioAction.DegradeLink d) {
      return unknownNode(d.node());
    }
    if (action instanceof ScenarioAction.Recover r) {
      return unknownNode(r.node());
    }
    if (action instanceof ScenarioAction.NetworkFaults) {
      return Optional.empty(); // names nothing
    }
    throw new IllegalArgumentException("not an operator action: " + action);
  }

  private Optional<String> unknownNode(String node) {
    return nodes.contains(node) ? Optional.empty()
        : Optional.of("no node " + node + " in this cluster; the nodes are " + String.join(", ", nodes));
  }

  /**
   * The operator's {@code xl migrate}: checks what only the operator can know (is the guest running, is
   * the destination up) and opens the migration in the ledger, refused or to be handed over.
   */
  Decision requestMigration(ScenarioAction.Migrate mig, double nowS) {
    GuestStart g = guests.get(mig.guest());
    String from = location.get(mig.guest());
    String algorithm = mig.algorithm().orElse(migration.defaults().algorithm());
    String policy = mig.policy().orElse(migration.defaults().policy());
    // A stop rule decides only for algorithms with live rounds: the others report none.
    String stopRule = migration.shape(algorithm).usesStopRule() ? policy : null;
    MigrationRecord asked = ledger.open(mig.guest(), g.spec().type(), from, mig.to(), algorithm,
        stopRule, nowS);
    String refusal = null;
    if (from == null) {
      refusal = "guest " + mig.guest() + " is not running (" + (g.reason() != null ? g.reason() : "it was lost")
          + "); only a running guest can migrate";
    } else if (failedNodes.contains(mig.to())) {
      refusal = "destination " + mig.to() + " has failed; choose a running node";
    } else if (!nodes.contains(mig.to())) {
      refusal = "no node " + mig.to() + " in the cluster";
    }
    if (refusal != null) {
      ledger.end(asked.refused(refusal));
      return new Refused(asked.id(), refusal);
    }
    return new Handover(asked.id(), mig.guest(), from, mig.to(), boot(mig.to()), algorithm, policy);
  }

  /** A Dom0's record of a migration: if it stands, the guest is where it says. */
  void migrationEnded(MigrationRecord record) {
    if (!ledger.end(record)) {
      return;
    }
    if (record.outcome() == Phase.COMPLETED) {
      location.put(record.guest(), record.to());
    } else if (record.outcome() == Phase.FAILED) {
      location.remove(record.guest());
    }
  }

  /** A migration still going when the run ended. */
  void inFlightAtEnd(MigrationRecord record) {
    ledger.inFlightAtEnd(record);
  }

  /**
   * The node crashes at {@code nowS}: the guests the operator knew there are gone.
   *
   * @return false when there is no such node or it had failed already (then there is nothing to do)
   */
  boolean failNode(String node, double nowS) {
    if (!nodes.contains(node) || !failedNodes.add(node)) {
      return false;
    }
    location.values().removeIf(node::equals);
    outages.computeIfAbsent(node, n -> new ArrayList<>()).add(new RunResult.Outage(nowS, null));
    return true;
  }

  /** Why {@code node} (which exists) cannot be recovered now, or empty when it can. */
  Optional<String> cannotRecover(String node) {
    return failedNodes.contains(node) ? Optional.empty()
        : Optional.of("node " + node + " has not failed, so it cannot recover; only a failed node boots again"
            + (failedNodes.isEmpty() ? " (no node has failed)" : " (failed now: " + String.join(", ", failedNodes)
            + ")"));
  }

  /**
   * The failed node boots again at {@code nowS}, empty (its guests stay lost): it is up, and takes
   * migrations again.
   *
   * @return its new life
   */
  int recoverNode(String node, double nowS) {
    if (!failedNodes.remove(node)) {
      throw new IllegalStateException(cannotRecover(node).orElse("node " + node + " cannot recover"));
    }
    List<RunResult.Outage> down = outages.get(node);
    down.set(down.size() - 1, new RunResult.Outage(down.get(down.size() - 1).failedAtS(), nowS));
    return boots.merge(node, 1, Integer::sum);
  }

  /** {@code node}'s current life: 0 until it first boots again after a crash. */
  int boot(String node) {
    return boots.getOrDefault(node, 0);
  }

  /** What a booting node is told of the others: each one's life and whether it runs. */
  SortedMap<String, Dom0.PeerLife> othersLives(String node) {
    SortedMap<String, Dom0.PeerLife> others = new TreeMap<>();
    for (String n : nodes) {
      if (!n.equals(node)) {
        others.put(n, new Dom0.PeerLife(boot(n), !failedNodes.contains(n)));
      }
    }
    return others;
  }

  boolean isUp(String node) {
    return nodes.contains(node) && !failedNodes.contains(node);
  }

  /** Where things stand at {@code nowS}, for the live status endpoint. */
  Cluster.Status status(double nowS) {
    List<String> inFlight = ledger.inFlight().stream()
        .map(m -> m.id() + " " + m.guest() + " " + m.from() + " -> " + m.to()).toList();
    return new Cluster.Status(nowS, new TreeMap<>(location), ledger.reported(), inFlight);
  }

  /** Every guest's start, by name. */
  Map<String, GuestStart> guests() {
    return Collections.unmodifiableMap(guests);
  }

  Set<String> failedNodes() {
    return Collections.unmodifiableSet(failedNodes);
  }

  /** When each node that ever failed was down, by name (a copy). */
  Map<String, List<RunResult.Outage>> outages() {
    Map<String, List<RunResult.Outage>> copy = new TreeMap<>();
    outages.forEach((n, o) -> copy.put(n, List.copyOf(o)));
    return copy;
  }

  MigrationLedger ledger() {
    return ledger;
  }
}
