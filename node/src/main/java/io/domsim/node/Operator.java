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
  /** Nodes switched off, or on the way off or back on, with where they stand (absent: on). */
  private final Map<String, PowerState> power = new TreeMap<>();
  /** When each node that was ever switched off was off, in order; the last is open while it is off. */
  private final Map<String, List<RunResult.Outage>> offPeriods = new TreeMap<>();
  /** The node whose Dom0 holds the pool master: it stays on. */
  private String poolMasterNode;
  /** Where each running guest is, as the operator knows it. */
  private final Map<String, String> location = new TreeMap<>();
  private final MigrationLedger ledger = new MigrationLedger();

  /** @param migration the run's algorithms and stop rules, and the defaults of a request that names none */
  Operator(List<GuestSpec> guestSpecs, MigrationPlugins migration) {
    this.migration = migration;
    guestSpecs.forEach(g -> guests.put(g.name(), new GuestStart(g, null, null)));
  }

  /** A node's power, as the operator switched it: only an {@code ON} node runs guests. */
  enum PowerState {
    ON, SHUTTING_DOWN, OFF, BOOTING;

    String words() {
      return switch (this) {
        case ON -> "on";
        case SHUTTING_DOWN -> "shutting down";
        case OFF -> "switched off";
        case BOOTING -> "booting";
      };
    }
  }

  void nodeBooted(String node) {
    nodes.add(node);
  }

  void poolMasterOn(String node) {
    poolMasterNode = node;
  }

  PowerState power(String node) {
    return power.getOrDefault(node, PowerState.ON);
  }

  /** Why {@code node} (which exists) cannot be switched off now, or empty when it can. */
  Optional<String> cannotPowerOff(String node) {
    if (failedNodes.contains(node)) {
      return Optional.of("node " + node + " has failed; a failed node is off already (recover it first)");
    }
    if (power(node) != PowerState.ON) {
      return Optional.of("node " + node + " is " + power(node).words() + "; only a node that is on can be switched off");
    }
    if (node.equals(poolMasterNode)) {
      return Optional.of("node " + node + " hosts the pool master, which stays on; switch off another node");
    }
    List<String> here = location.entrySet().stream().filter(e -> e.getValue().equals(node)).map(Map.Entry::getKey)
        .toList();
    if (!here.isEmpty()) {
      return Optional.of("node " + node + " runs " + String.join(", ", here) + "; migrate "
          + (here.size() == 1 ? "it" : "them") + " away first");
    }
    for (MigrationRecord m : ledger.inFlight()) {
      if (node.equals(m.from()) || node.equals(m.to())) {
        return Optional.of("migration " + m.id() + " of " + m.guest() + " involves node " + node
            + "; switch it off once that migration has ended");
      }
    }
    if (guests.values().stream().anyMatch(g -> g.node() == null && g.reason() == null)) {
      return Optional.of("guests are still being placed; switch node " + node + " off once they have started");
    }
    return Optional.empty();
  }

  /** Whether a migration under way goes to or from {@code node}. */
  boolean migrationInvolves(String node) {
    return ledger.inFlight().stream().anyMatch(m -> node.equals(m.from()) || node.equals(m.to()));
  }

  /** The node shuts down from {@code nowS} and is off from {@code offAtS}. */
  void powerOff(String node, double offAtS) {
    power.put(node, PowerState.SHUTTING_DOWN);
    offPeriods.computeIfAbsent(node, n -> new ArrayList<>()).add(new RunResult.Outage(offAtS, null));
  }

  /** The shutdown is over: the node is off. */
  void poweredOff(String node) {
    power.put(node, PowerState.OFF);
  }

  /** Why {@code node} cannot be switched on now, or empty when it can. */
  Optional<String> cannotPowerOn(String node) {
    return power(node) == PowerState.OFF ? Optional.empty()
        : Optional.of("node " + node + " is " + (failedNodes.contains(node) ? "failed (recover it instead)"
            : power(node).words()) + "; only a switched-off node can be switched on");
  }

  /**
   * The off node is switched on at {@code nowS}: it boots, as a new life (its Dom0 starts afresh).
   *
   * @return its new life
   */
  int powerOn(String node, double nowS) {
    power.put(node, PowerState.BOOTING);
    List<RunResult.Outage> off = offPeriods.get(node);
    off.set(off.size() - 1, new RunResult.Outage(off.get(off.size() - 1).failedAtS(), nowS));
    return boots.merge(node, 1, Integer::sum);
  }

  /** The boot is over: the node takes guests and migrations again. */
  void poweredOn(String node) {
    power.remove(node);
  }

  /** When each node that was ever switched off was off, by name (a copy); reuses Outage's two instants. */
  Map<String, List<RunResult.Outage>> offPeriods() {
    Map<String, List<RunResult.Outage>> copy = new TreeMap<>();
    offPeriods.forEach((n, o) -> copy.put(n, List.copyOf(o)));
    return copy;
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
    if (action instanceof ScenarioAction.PowerOff || action instanceof ScenarioAction.PowerOn) {
      return unknownNode(action.nodeOrNull());
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
    } else if (power(mig.to()) != PowerState.ON) {
      refusal = "destination " + mig.to() + " is " + power(mig.to()).words() + "; choose a node that is on";
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
    PowerState p = power(node);
    if (!nodes.contains(node) || p == PowerState.OFF || p == PowerState.SHUTTING_DOWN || !failedNodes.add(node)) {
      return false;
    }
    power.remove(node); // a node that crashes while it boots is simply failed
    location.values().removeIf(node::equals);
    outages.computeIfAbsent(node, n -> new ArrayList<>()).add(new RunResult.Outage(nowS, null));
    return true;
  }

  /** Why {@code node} (which exists) cannot fail now (it is off), or empty when it can. */
  Optional<String> cannotFail(String node) {
    PowerState p = power(node);
    return p == PowerState.OFF || p == PowerState.SHUTTING_DOWN
        ? Optional.of("node " + node + " is " + p.words() + "; only a node that is on can fail")
        : Optional.empty();
  }

  /** What the operator did at the console (scenario or live) besides migrations, in order. */
  private final List<RunResult.Operation> operations = new ArrayList<>();

  void record(RunResult.Operation op) {
    operations.add(op);
  }

  List<RunResult.Operation> operations() {
    return List.copyOf(operations);
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
        others.put(n, new Dom0.PeerLife(boot(n), isUp(n)));
      }
    }
    return others;
  }

  /** The node runs its Dom0: neither failed nor switched off (nor on the way off or back on). */
  boolean isUp(String node) {
    return nodes.contains(node) && !failedNodes.contains(node) && power(node) == PowerState.ON;
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
