package io.domsim.config;

import java.time.Duration;
import java.util.Optional;

/** One entry of the scenario timeline, applied at simulated time {@code at}. */
public sealed interface ScenarioAction {
  Duration at();

  /** Live-migrate a guest; algorithm and policy default to the cluster's migration settings. */
  record Migrate(Duration at, String guest, String to, Optional<String> algorithm,
      Optional<String> policy) implements ScenarioAction {}

  /** Crash a node: its guests are lost and migrations to or from it abort. */
  record Fail(Duration at, String node) implements ScenarioAction {}

  /**
   * Cut a node off the network: its Dom0 can reach no other node and no node can reach it (messages wait,
   * as TCP retransmits them, until the cut heals), and the streams through its NIC stall; its guests keep
   * running. It heals after {@code duration}, or never when empty.
   */
  record Partition(Duration at, String node, Optional<Duration> duration) implements ScenarioAction {}

  /**
   * Make a node's link worse for {@code duration} (or to the end of the run when empty): its NIC carries
   * at most {@code bandwidthBitsPerSecond} each way, and messages to or from it take {@code latency}.
   */
  record DegradeLink(Duration at, String node, Optional<Long> bandwidthBitsPerSecond, Optional<Duration> latency,
      Optional<Duration> duration) implements ScenarioAction {}

  /** When a fault with a duration ends: the scenario's own follow-up of a partition or a degraded link. */
  default Optional<Duration> endsAt() {
    if (this instanceof Partition p) {
      return p.duration().map(d -> p.at().plus(d));
    }
    if (this instanceof DegradeLink d) {
      return d.duration().map(x -> d.at().plus(x));
    }
    return Optional.empty();
  }

  /**
   * Change the message faults of the whole network from now on (those left empty keep their value):
   * the fraction of transmissions lost, the fraction of datagrams delivered twice, and whether
   * datagrams may overtake one another (as {@code network.faults}).
   */
  record NetworkFaults(Duration at, Optional<Double> loss, Optional<Double> duplicate, Optional<Boolean> reorder)
      implements ScenarioAction {}

  /** Boot a failed node again, empty: its lost guests stay lost; it takes migrations again. */
  record Recover(Duration at, String node) implements ScenarioAction {}

  /**
   * A toolstack verb on an existing guest: destroy, pause, unpause or shutdown (never create, which
   * brings its own guest: {@link Create}).
   */
  record GuestAction(Duration at, GuestOp op, String guest) implements ScenarioAction {
    public GuestAction {
      if (op == GuestOp.CREATE) {
        throw new IllegalArgumentException("a create carries its guest: use ScenarioAction.Create");
      }
    }
  }

  /**
   * {@code xl create} of a new guest at {@code at}: on its {@code node} when it names one, else where the pool
   * master places it. Its name is new: no configured or earlier created guest has it.
   */
  record Create(Duration at, GuestSpec guest) implements ScenarioAction {}

  /** The guest a lifecycle action or a migration is about; empty for the node and network actions. */
  default Optional<String> guestName() {
    if (this instanceof GuestAction g) {
      return Optional.of(g.guest());
    }
    if (this instanceof Create c) {
      return Optional.of(c.guest().name());
    }
    if (this instanceof Migrate m) {
      return Optional.of(m.guest());
    }
    return Optional.empty();
  }

  /**
   * Switch an empty node off, cleanly: it takes no guest from now on, draws its idle power for
   * {@code power.shutdown-time}, then {@code power.off}. Refused at run time while a guest or a migration
   * is on it, or when it hosts the pool master.
   */
  record PowerOff(Duration at, String node) implements ScenarioAction {}

  /** Switch an off node on: it draws power at once and takes guests after {@code power.boot-time}. */
  record PowerOn(Duration at, String node) implements ScenarioAction {}

  /** The node an action is about, or null for one about the whole network. */
  default String nodeOrNull() {
    if (this instanceof Fail f) {
      return f.node();
    } else if (this instanceof Recover r) {
      return r.node();
    } else if (this instanceof PowerOff p) {
      return p.node();
    } else if (this instanceof PowerOn p) {
      return p.node();
    } else if (this instanceof Partition p) {
      return p.node();
    } else if (this instanceof DegradeLink d) {
      return d.node();
    }
    return null;
  }
}
