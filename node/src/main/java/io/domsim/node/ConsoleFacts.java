package io.domsim.node;

import io.domsim.config.GuestOp;
import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import io.domsim.migration.MigrationRecord;
import io.domsim.node.ConsoleView.DomainState;
import io.domsim.node.ConsoleView.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator knows of a launched cluster at one instant, for the console: each node's state, each
 * guest's state and where it is, the migrations. The {@link Inspector} adds what the nodes know.
 */
record ConsoleFacts(double nowS, List<NodeFact> nodes, List<GuestFact> guests, List<MigrationRecord> migrations,
    Map<String, List<RunResult.Outage>> outages) {

  /** The migrations in flight, as asked (outcome null). */
  List<MigrationRecord> inFlight() {
    return migrations.stream().filter(m -> m.outcome() == null).toList();
  }

  record NodeFact(NodeSpec spec, NodeState state, boolean poolMaster) {}

  /** @param node where it runs (null when it runs nowhere: the inspector finds where a lost guest was) */
  record GuestFact(GuestSpec spec, String node, DomainState state, String note) {}

  /** A simulated instant as the console writes it: 12.345s. */
  static String at(double seconds) {
    return String.format(java.util.Locale.ROOT, "%.3fs", seconds);
  }

  static ConsoleFacts of(Operator op, List<NodeSpec> nodes, Optional<String> poolMaster, double nowS) {
    List<NodeFact> nodeFacts = new ArrayList<>();
    for (NodeSpec n : nodes) {
      NodeState state = op.failedNodes().contains(n.name()) ? NodeState.FAILED : switch (op.power(n.name())) {
        case ON -> NodeState.UP;
        case SHUTTING_DOWN -> NodeState.SHUTTING_DOWN;
        case OFF -> NodeState.OFF;
        case BOOTING -> NodeState.BOOTING;
      };
      nodeFacts.add(new NodeFact(n, state, poolMaster.map(n.name()::equals).orElse(false)));
    }
    Map<String, String> location = op.status(nowS).guestLocations();
    List<MigrationRecord> inFlight = op.ledger().inFlight();
    GuestLifecycle life = op.lifecycle();
    List<GuestFact> guests = new ArrayList<>();
    for (Operator.GuestStart g : op.guests().values()) {
      String name = g.spec().name();
      String at = location.get(name);
      Optional<GuestLifecycle.Stage> stage = life.stage(name);
      Optional<MigrationRecord> migrating = inFlight.stream().filter(m -> m.guest().equals(name)).findFirst();
      DomainState state;
      String note = null;
      if (at != null) {
        if (stage.orElse(null) == GuestLifecycle.Stage.PAUSED) {
          state = DomainState.PAUSED;
          note = "paused at " + at(life.since(name));
        } else if (stage.orElse(null) == GuestLifecycle.Stage.SHUTTING_DOWN) {
          state = DomainState.SHUTTING_DOWN;
          note = "gone at " + at(life.goneAt(name));
        } else if (migrating.isPresent()) {
          state = DomainState.MIGRATING;
          note = migrating.get().id() + " to " + migrating.get().to();
        } else {
          state = DomainState.RUNNING;
        }
      } else if (stage.orElse(null) == GuestLifecycle.Stage.DESTROYED
          || stage.orElse(null) == GuestLifecycle.Stage.SHUT_DOWN) {
        state = stage.get() == GuestLifecycle.Stage.DESTROYED ? DomainState.DESTROYED : DomainState.SHUT_DOWN;
        note = life.howGone(name);
      } else if (life.underWay(name).orElse(null) == GuestOp.CREATE) {
        state = DomainState.CREATING;
      } else if (op.ledger().lastFailure(name).isPresent()) {
        MigrationRecord m = op.ledger().lastFailure(name).get();
        state = DomainState.LOST;
        note = "lost in migration " + m.id() + " (" + m.reason() + ")";
      } else if (g.node() != null || life.createdAt(name).isPresent() && g.reason() == null) {
        state = DomainState.LOST;
      } else {
        state = DomainState.NOT_STARTED;
        note = g.reason();
      }
      guests.add(new GuestFact(g.spec(), at, state, note));
    }
    // In request order: the record that stands, or the request while in flight.
    List<MigrationRecord> migrations = op.ledger().entries().stream()
        .map(e -> e.inFlight() ? e.requested() : e.reported()).toList();
    return new ConsoleFacts(nowS, nodeFacts, guests, migrations, op.outages());
  }
}
