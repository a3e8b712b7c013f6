package io.domsim.node;

import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import io.domsim.config.ScenarioAction;
import io.domsim.scheduler.consolidation.DataCentre;
import io.domsim.scheduler.consolidation.Decisions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the operator still owes to decisions that wait on a node's power: a consolidation round's moves to
 * a host that boots, guests created for a host powered on for them, hosts to switch off once empty. Pure
 * bookkeeping over the {@link Operator}; the {@link Cluster} carries the actions out through {@link Hands}.
 */
final class PowerOrders {

  /** How the cluster acts on the operator's behalf. */
  interface Hands {
    /** Switches a node off or on now; the sentence of a refusal (recorded by the cluster), or empty. */
    Optional<String> power(ScenarioAction action, RunResult.Origin origin);

    /** Requests the live migration of {@code guest} to {@code node} now. */
    void migrate(String guest, String node);

    /** Starts {@code guest} on {@code node} through its toolstack. */
    void create(String node, GuestSpec guest);

    Duration now();
  }

  private final Operator operator;
  private final List<NodeSpec> nodes;
  private final long domainOverheadBytes;
  private final Hands hands;
  private final Map<String, List<Decisions.Move>> movesAwaitingBoot = new TreeMap<>();
  private final Map<String, List<GuestSpec>> createsAwaitingBoot = new TreeMap<>();
  private final SortedSet<String> switchOffWhenEmpty = new TreeSet<>();

  PowerOrders(Operator operator, List<NodeSpec> nodes, long domainOverheadBytes, Hands hands) {
    this.operator = operator;
    this.nodes = List.copyOf(nodes);
    this.domainOverheadBytes = domainOverheadBytes;
    this.hands = hands;
  }

  /**
   * A consolidation round's decisions, carried out as the operator's own: hosts powered on, live migrations
   * requested (those to a host that boots wait for its boot), hosts switched off once empty.
   *
   * @return every node's power as the consolidation sees it now
   */
  Map<String, DataCentre.Power> take(Decisions d) {
    for (String node : d.powerOn()) {
      hands.power(new ScenarioAction.PowerOn(hands.now(), node), RunResult.Origin.CONSOLIDATION);
    }
    for (Decisions.Move move : d.moves()) {
      if (operator.power(move.to()) == Operator.PowerState.BOOTING) {
        movesAwaitingBoot.computeIfAbsent(move.to(), n -> new ArrayList<>()).add(move);
      } else {
        hands.migrate(move.guest(), move.to());
      }
    }
    switchOffWhenEmpty.addAll(d.switchOff());
    trySwitchOffs();
    return powerStates();
  }

  /**
   * The pool master found no node that is on for a created guest: as XenServer's pool master would, power
   * one on (the first switched-off node, in configuration order, whose memory and CPU can take it) and start
   * the guest there once it has booted. False when there is none, or the power-on is refused.
   */
  boolean powerOnFor(GuestSpec guest) {
    for (NodeSpec n : nodes) {
      boolean fits = n.cannotRun(guest.type()) == null
          && guest.memoryBytes() + domainOverheadBytes <= n.memoryBytes() - n.dom0().memoryBytes() - domainOverheadBytes;
      if (operator.power(n.name()) == Operator.PowerState.OFF && fits) {
        if (hands.power(new ScenarioAction.PowerOn(hands.now(), n.name()), RunResult.Origin.POOL_MASTER).isPresent()) {
          return false;
        }
        createsAwaitingBoot.computeIfAbsent(n.name(), x -> new ArrayList<>()).add(guest);
        return true;
      }
    }
    return false;
  }

  /** {@code node} has booted: what waited on it goes. */
  void booted(String node) {
    for (Decisions.Move move : movesAwaitingBoot.getOrDefault(node, List.of())) {
      hands.migrate(move.guest(), move.to());
    }
    movesAwaitingBoot.remove(node);
    for (GuestSpec g : createsAwaitingBoot.getOrDefault(node, List.of())) {
      hands.create(node, g);
    }
    createsAwaitingBoot.remove(node);
  }

  /** A migration ended: a host waiting to be switched off may be empty now. */
  void migrationEnded() {
    if (!switchOffWhenEmpty.isEmpty()) {
      trySwitchOffs();
    }
  }

  /**
   * Switches off each host the consolidation emptied once nothing runs or migrates there; a host whose
   * guests did not all leave (a migration failed) stays on.
   */
  private void trySwitchOffs() {
    for (Iterator<String> it = switchOffWhenEmpty.iterator(); it.hasNext(); ) {
      String node = it.next();
      if (operator.migrationInvolves(node)) {
        // Not yet (a migration in flight is a reason not to): the cheap test first, at every migration's end.
        if (operator.power(node) != Operator.PowerState.ON) {
          it.remove();
        }
        continue;
      }
      if (operator.cannotPowerOff(node).isEmpty()) {
        it.remove();
        hands.power(new ScenarioAction.PowerOff(hands.now(), node), RunResult.Origin.CONSOLIDATION);
      } else if (!operator.migrationInvolves(node) || operator.power(node) != Operator.PowerState.ON) {
        it.remove();
      }
    }
  }

  /** Every node's power as the consolidation sees it: on, off (it may power it on), or neither. */
  Map<String, DataCentre.Power> powerStates() {
    Map<String, DataCentre.Power> out = new TreeMap<>();
    for (NodeSpec n : nodes) {
      Operator.PowerState p = operator.power(n.name());
      out.put(n.name(), operator.isUp(n.name()) ? DataCentre.Power.ON
          : p == Operator.PowerState.OFF ? DataCentre.Power.OFF : DataCentre.Power.UNAVAILABLE);
    }
    return out;
  }
}
