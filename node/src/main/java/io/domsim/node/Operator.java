package io.domsim.node;

import io.domsim.config.GuestSpec;
import io.domsim.migration.MigrationPlugins;
import io.domsim.config.ScenarioAction;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** Hand the migration to the source's Dom0. */
  record Handover(String id, String guest, String from, String to, String algorithm, String policy)
      implements Decision {}

  private final MigrationPlugins migration;
  private final Map<String, GuestStart> guests = new TreeMap<>();
  private final Set<String> nodes = new TreeSet<>();
  private final Set<String> failedNodes = new TreeSet<>();
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
    return new Handover(asked.id(), mig.guest(), from, mig.to(), algorithm, policy);
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
   * The node crashes: the guests the operator knew there are gone.
   *
   * @return false when there is no such node or it had failed already (then there is nothing to do)
   */
  boolean failNode(String node) {
    if (!nodes.contains(node) || !failedNodes.add(node)) {
      return false;
    }
    location.values().removeIf(node::equals);
    return true;
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

  MigrationLedger ledger() {
    return ledger;
  }
}
