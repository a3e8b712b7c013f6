package io.domsim.node;

import io.domsim.config.GuestOp;
import io.domsim.config.GuestSpec;
import io.domsim.config.Units;
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
  private final GuestLifecycle lifecycle = new GuestLifecycle();
  /** Created guests the pool master is placing, by name: the node that holds the role. */
  private final Map<String, String> placing = new TreeMap<>();

  /** What to do about a lifecycle verb: refuse it, or hand it to a toolstack. */
  sealed interface Verb {}

  /** Refused here, with the sentence that says why; the lifecycle record has the refusal already. */
  record VerbRefused(String reason) implements Verb {}

  /** Send the verb to the Dom0 of {@code node}, where the guest runs. */
  record SendVerb(String guest, GuestOp op, String node) implements Verb {}

  /** Build the new guest on its {@code node} (named in its entry), or, when empty, have the pool master place it. */
  record SendCreate(GuestSpec spec, Optional<String> node) implements Verb {}

  /** The console's log of events (launch); silent unless someone listens. */
  private final EventLog events;

  /** @param migration the run's algorithms and stop rules, and the defaults of a request that names none */
  Operator(List<GuestSpec> guestSpecs, MigrationPlugins migration) {
    this(guestSpecs, migration, new EventLog(() -> 0));
  }

  Operator(List<GuestSpec> guestSpecs, MigrationPlugins migration, EventLog events) {
    this.migration = migration;
    this.events = events;
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
    return ledger.involves(node);
  }

  /** The node shuts down from {@code nowS} and is off from {@code offAtS}. */
  void powerOff(String node, double offAtS) {
    power.put(node, PowerState.SHUTTING_DOWN);
    events.say(() -> "node " + node + " shutting down (off at " + time(offAtS) + ")");
    offPeriods.computeIfAbsent(node, n -> new ArrayList<>()).add(new RunResult.Outage(offAtS, null));
  }

  /** The shutdown is over: the node is off. */
  void poweredOff(String node) {
    power.put(node, PowerState.OFF);
    events.say(() -> "node " + node + " is off");
  }

  /** Nodes whose member is lost (over members), with that member: their machine's simulation is gone. */
  private final Map<String, String> lostWithMember = new TreeMap<>();

  /**
   * Over members: {@code member}, which ran {@code nodes}, is lost ({@code why}); they fail (the caller fails them)
   * and never come back in this run.
   */
  void memberLost(String member, String why, List<String> nodes) {
    events.say(() -> "member " + member + " lost: " + why + (nodes.isEmpty() ? "" : "; its nodes "
        + String.join(", ", nodes) + " fail now"));
    nodes.forEach(n -> lostWithMember.put(n, member));
  }

  private Optional<String> lostWithItsMember(String node) {
    String m = lostWithMember.get(node);
    return m == null ? Optional.empty() : Optional.of("node " + node + " ran on member " + m + ", which is lost: it"
        + " cannot come back in this run");
  }

  /** Why {@code node} cannot be switched on now, or empty when it can. */
  Optional<String> cannotPowerOn(String node) {
    if (lostWithMember.containsKey(node)) {
      return lostWithItsMember(node);
    }
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
    events.say(() -> "node " + node + " switched on, booting");
    List<RunResult.Outage> off = offPeriods.get(node);
    off.set(off.size() - 1, new RunResult.Outage(off.get(off.size() - 1).failedAtS(), nowS));
    return boots.merge(node, 1, Integer::sum);
  }

  /** The boot is over: the node takes guests and migrations again. */
  void poweredOn(String node) {
    power.remove(node);
    events.say(() -> "node " + node + " is on");
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
    if (action instanceof ScenarioAction.GuestAction g) {
      return guests.containsKey(g.guest()) ? Optional.empty() : Optional.of("no guest " + g.guest()
          + " in this cluster; the guests are " + String.join(", ", guests.keySet()));
    }
    if (action instanceof ScenarioAction.Create c) {
      return c.guest().node().flatMap(this::unknownNode);
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
  Decision requestMigration(ScenarioAction.Migrate mig, double nowS, RunResult.Origin origin) {
    GuestStart g = guests.get(mig.guest());
    String from = location.get(mig.guest());
    String algorithm = mig.algorithm().orElse(migration.defaults().algorithm());
    String policy = mig.policy().orElse(migration.defaults().policy());
    // A stop rule decides only for algorithms with live rounds: the others report none.
    String stopRule = migration.shape(algorithm).usesStopRule() ? policy : null;
    MigrationRecord asked = ledger.open(mig.guest(), g == null ? null : g.spec().type(), from, mig.to(), algorithm,
        stopRule, nowS, origin); // g null: a scenario's guest whose create was refused
    String refusal = null;
    Optional<GuestLifecycle.Stage> stage = lifecycle.stage(mig.guest());
    if (from == null) {
      refusal = "guest " + mig.guest() + " is not running (" + notRunning(mig.guest(), g)
          + "); only a running guest can migrate";
    } else if (stage.isPresent() || lifecycle.underWay(mig.guest()).isPresent()) {
      // Xen could move a paused domain, but xl's receiver unpauses it after the handover; domsim keeps the
      // operator's pause by refusing, as it refuses to move a guest that is shutting down.
      refusal = "guest " + mig.guest() + (stage.orElse(null) == GuestLifecycle.Stage.PAUSED
          ? " is paused; domsim migrates running guests only: unpause it first"
          : stage.isPresent() ? " is shutting down; it can no longer migrate"
          : " has an xl " + lifecycle.underWay(mig.guest()).get().configName() + " under way; try again when it is"
          + " done");
    } else if (failedNodes.contains(mig.to())) {
      refusal = "destination " + mig.to() + " has failed; choose a running node";
    } else if (power(mig.to()) != PowerState.ON) {
      refusal = "destination " + mig.to() + " is " + power(mig.to()).words() + "; choose a node that is on";
    } else if (!nodes.contains(mig.to())) {
      refusal = "no node " + mig.to() + " in the cluster";
    }
    if (refusal != null) {
      ledger.end(asked.refused(refusal));
      String why = refusal;
      events.say(() -> "migration " + asked.id() + " of " + mig.guest() + " to " + mig.to() + " refused: " + why);
      return new Refused(asked.id(), refusal);
    }
    return new Handover(asked.id(), mig.guest(), from, mig.to(), boot(mig.to()), algorithm, policy);
  }

  /** Why a guest the operator knows nowhere is not running, in a few words. */
  private String notRunning(String guest, GuestStart g) {
    Optional<GuestLifecycle.Stage> stage = lifecycle.stage(guest);
    if (stage.isPresent() && stage.get() == GuestLifecycle.Stage.DESTROYED) {
      return "it was destroyed at " + time(lifecycle.since(guest));
    }
    if (stage.isPresent() && stage.get() == GuestLifecycle.Stage.SHUT_DOWN) {
      return "it shut down at " + time(lifecycle.since(guest));
    }
    if (lifecycle.underWay(guest).orElse(null) == GuestOp.CREATE) {
      return "it is still being created";
    }
    return g == null ? "its xl create was refused" : g.reason() != null ? g.reason()
        : g.node() == null ? "it never started" : "it was lost";
  }

  /** A simulated instant as the scenario writes it: 1m30s, 250ms. */
  static String time(double seconds) {
    return Units.formatDuration(java.time.Duration.ofNanos(Math.round(seconds * 1e9)));
  }

  /**
   * The operator's {@code xl destroy | pause | unpause | shutdown}: checks what only the operator can know (the
   * guest runs, and where; it is not migrating; no other verb is under way on it; the verb fits its stage) and
   * records the verb, refused or handed to the Dom0 where the guest runs.
   */
  Verb requestLifecycle(ScenarioAction.GuestAction a, double nowS, RunResult.Origin origin) {
    String guest = a.guest();
    String node = location.get(guest);
    Optional<GuestLifecycle.Stage> stage = lifecycle.stage(guest);
    Optional<GuestOp> underWay = lifecycle.underWay(guest);
    boolean shuttingDown = stage.orElse(null) == GuestLifecycle.Stage.SHUTTING_DOWN;
    String refusal = null;
    if (node == null) {
      refusal = "guest " + guest + " is not running (" + notRunning(guest, guests.get(guest)) + ")";
    } else if (underWay.isPresent() && !(shuttingDown && a.op() == GuestOp.DESTROY)) {
      refusal = shuttingDown
          ? "guest " + guest + " is shutting down (asked at " + time(lifecycle.since(guest)) + ", gone at "
              + time(lifecycle.goneAt(guest)) + "); only a destroy applies to it until then"
          : "guest " + guest + " has an xl " + underWay.get().configName() + " under way; try again when it is done";
    } else if (migrating(guest).isPresent()) {
      MigrationRecord m = migrating(guest).get();
      refusal = "guest " + guest + " is migrating (" + m.id() + ", " + m.from() + " -> " + m.to() + "), so its"
          + " domain is busy, as xl would say; wait until the migration ends";
    } else {
      boolean paused = stage.orElse(null) == GuestLifecycle.Stage.PAUSED;
      refusal = switch (a.op()) {
        case PAUSE -> paused ? "guest " + guest + " is already paused (since " + time(lifecycle.since(guest)) + ")"
            : null;
        case UNPAUSE -> paused ? null : "guest " + guest + " is not paused; only a paused guest can be unpaused";
        case SHUTDOWN -> paused ? "guest " + guest + " is paused and cannot act on a shutdown request; unpause it"
            + " first, or destroy it" : null;
        default -> null;
      };
    }
    if (refusal != null) {
      String why = refusal;
      events.say(() -> "xl " + a.op().configName() + " " + guest + " refused: " + why);
      lifecycle.refused(nowS, a.op(), guest, node, refusal, origin);
      return new VerbRefused(refusal);
    }
    lifecycle.begun(nowS, a.op(), guest, node, origin);
    return new SendVerb(guest, a.op(), node);
  }

  private Optional<MigrationRecord> migrating(String guest) {
    return ledger.inFlight().stream().filter(m -> m.guest().equals(guest)).findFirst();
  }

  /**
   * The operator's {@code xl create} of a new guest: refused when its name is taken (by any guest, even one
   * gone), its node is down, or no node is up to place it on; otherwise the guest exists from now on, and
   * starts on its node or where the pool master (on {@code master}, the role's node) places it.
   *
   * @param master the node that would hold the pool-master role, or empty when none is up
   */
  Verb requestCreate(GuestSpec spec, double nowS, Optional<String> master, RunResult.Origin origin) {
    String name = spec.name();
    String refusal = null;
    if (guests.containsKey(name)) {
      refusal = "a guest named " + name + " exists already" + (lifecycle.createdAt(name).isPresent()
          ? " (created at " + time(lifecycle.createdAt(name).get()) + ")" : "") + "; a new guest needs a new name";
    } else if (spec.node().isPresent() && !isUp(spec.node().get())) {
      refusal = "node " + spec.node().get() + " has failed; name a running node, or none to let the pool master"
          + " place the guest";
    } else if (spec.node().isEmpty() && master.isEmpty()) {
      refusal = "no node is up to place guest " + name + " on";
    }
    if (refusal != null) {
      String why = refusal;
      events.say(() -> "xl create " + name + " refused: " + why);
      lifecycle.refused(nowS, GuestOp.CREATE, name, spec.node().orElse(null), refusal, origin);
      return new VerbRefused(refusal);
    }
    guests.put(name, new GuestStart(spec, null, null));
    lifecycle.begun(nowS, GuestOp.CREATE, name, spec.node().orElse(null), origin);
    if (spec.node().isEmpty()) {
      placing.put(name, master.get());
    }
    return new SendCreate(spec, spec.node());
  }

  /** Is {@code guest} a guest created during the run whose start has not been answered yet? */
  boolean creating(String guest) {
    return lifecycle.underWay(guest).orElse(null) == GuestOp.CREATE;
  }

  /** A created guest started on {@code node} at {@code nowS}, or (node null) did not, for {@code reason}. */
  void createAnswered(String guest, String node, String reason, double nowS) {
    if (!creating(guest)) {
      return; // its node or the pool master's failed meanwhile: already settled
    }
    placing.remove(guest);
    if (node != null) {
      guestStarted(guest, node);
      lifecycle.done(guest, GuestOp.CREATE, node, nowS);
      events.say(() -> "guest " + guest + " created on " + node);
    } else {
      events.say(() -> "guest " + guest + " not created: " + reason);
      guestNotStarted(guest, reason);
      lifecycle.refusedThere(guest, GuestOp.CREATE, reason, nowS);
    }
  }

  /** A Dom0's answer to a verb on one of its guests. */
  void lifecycleAnswered(io.domsim.dom0.Dom0.LifecycleResult r, double nowS) {
    if (r instanceof io.domsim.dom0.Dom0.LifecycleRefused refused) {
      events.say(() -> "xl " + r.op().configName() + " " + r.guest() + " refused by " + r.node() + ": "
          + refused.reason());
      lifecycle.refusedThere(r.guest(), r.op(), refused.reason(), nowS);
    } else if (r instanceof io.domsim.dom0.Dom0.ShutdownBegun b) {
      lifecycle.shuttingDown(r.guest(), nowS, io.domsim.kernel.SimTime.toSeconds(b.goneAtNanos()));
      events.say(() -> "guest " + r.guest() + " shutting down on " + r.node() + " (gone at "
          + time(io.domsim.kernel.SimTime.toSeconds(b.goneAtNanos())) + ")");
    } else {
      events.say(() -> "guest " + r.guest() + " " + EventLog.done(r.op()) + " on " + r.node());
      if (r.op() == GuestOp.DESTROY || r.op() == GuestOp.SHUTDOWN) {
        location.remove(r.guest());
      }
      if (r.op() == GuestOp.DESTROY) {
        lifecycle.destroyedWhileShuttingDown(r.guest(), nowS);
      }
      lifecycle.done(r.guest(), r.op(), r.node(), nowS);
    }
  }

  /** The lifecycle record: every verb, each guest's stage, the guests created. */
  GuestLifecycle lifecycle() {
    return lifecycle;
  }

  /** A Dom0's record of a migration: if it stands, the guest is where it says. */
  void migrationEnded(MigrationRecord record) {
    if (!ledger.end(record)) {
      return;
    }
    events.say(() -> EventLog.ended(record)); // said once: EventLog skips a destination's record of a completion
    if (record.outcome() == Phase.COMPLETED) {
      location.put(record.guest(), record.to());
    } else if (record.outcome() == Phase.FAILED) {
      location.remove(record.guest());
    }
  }

  /** The destination has taken migration {@code id}: it has started. */
  void migrationAccepted(String id) {
    events.say(() -> EventLog.started(id, ledger.inFlight().stream().filter(m -> m.id().equals(id)).findFirst()));
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
    String why = "its node " + node + " failed at " + time(nowS);
    List<String> lost = location.entrySet().stream().filter(e -> e.getValue().equals(node)).map(Map.Entry::getKey)
        .toList();
    events.say(() -> "node " + node + " failed" + (lost.isEmpty() ? "" : "; guests lost: " + String.join(", ", lost)));
    location.forEach((guest, at) -> {
      if (at.equals(node)) {
        lifecycle.lost(guest, nowS, why);
      }
    });
    location.values().removeIf(node::equals);
    // Creates whose node, or whose pool master's node, failed before they answered are over.
    for (GuestStart g : List.copyOf(guests.values())) {
      String name = g.spec().name();
      boolean here = g.spec().node().map(node::equals).orElse(false) || node.equals(placing.get(name));
      if (here && lifecycle.underWay(name).orElse(null) == GuestOp.CREATE) {
        String reason = g.spec().node().isPresent() ? why + " before the guest had started"
            : "the pool master's node " + node + " failed at " + time(nowS) + " before it had placed the guest";
        guestNotStarted(name, reason);
        lifecycle.lost(name, nowS, reason);
        placing.remove(name);
      }
    }
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

  /** The power operations as of {@code endS}: one that takes effect later is still in progress. */
  List<RunResult.Operation> operations(double endS) {
    List<RunResult.Operation> out = new ArrayList<>();
    for (RunResult.Operation o : operations) {
      boolean pending = o.finishedAtS() != null && o.finishedAtS() > endS;
      out.add(pending ? new RunResult.Operation(o.atS(), o.action(), o.guest(), o.node(),
          RunResult.OperationOutcome.IN_PROGRESS, null, o.reason(), o.requestedBy()) : o);
    }
    return out;
  }

  /** Why {@code node} (which exists) cannot be recovered now, or empty when it can. */
  Optional<String> cannotRecover(String node) {
    if (lostWithMember.containsKey(node)) {
      return lostWithItsMember(node);
    }
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
    events.say(() -> "node " + node + " recovered, empty");
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
    return new Cluster.Status(nowS, new TreeMap<>(location), ledger.reported(), inFlight, Map.of());
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
