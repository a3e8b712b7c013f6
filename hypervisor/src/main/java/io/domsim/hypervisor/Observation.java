package io.domsim.hypervisor;

import io.domsim.kernel.serialization.CrossJvm;
import java.util.Objects;

/**
 * One fact the {@link InvariantMonitor} checks, as the node that saw it reported it: one record per monitor
 * call. A monitor that records ({@link ObservationLog}) keeps them with the key of the event they were seen in,
 * so that the facts of nodes run by several members can be merged into the one order of a single JVM and
 * replayed through one monitor ({@link ObservationLog#replay}). They cross members (to the driver), so each is
 * {@link CrossJvm}.
 */
public sealed interface Observation extends CrossJvm {
  /** The node whose hypervisor, Dom0 or node actor saw it: the member that runs it records it. */
  String node();

  /** Has {@code monitor} check this fact, as the live call did. */
  void applyTo(InvariantMonitor monitor);

  /** {@link InvariantMonitor#domainState}. */
  record DomainStateChanged(String node, String guest, DomainState state, long atNanos) implements Observation {
    public DomainStateChanged {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(guest, "guest");
      Objects.requireNonNull(state, "state");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.domainState(node, guest, state, atNanos);
    }
  }

  /** {@link InvariantMonitor#domainDestroyed}. */
  record DomainDestroyed(String node, String guest) implements Observation {
    public DomainDestroyed {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(guest, "guest");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.domainDestroyed(node, guest);
    }
  }

  /** {@link InvariantMonitor#guestEnded}. */
  record GuestEnded(String node, String guest, long atNanos) implements Observation {
    public GuestEnded {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(guest, "guest");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.guestEnded(node, guest, atNanos);
    }
  }

  /** {@link InvariantMonitor#nodeHalted}. */
  record NodeHalted(String node) implements Observation {
    public NodeHalted {
      Objects.requireNonNull(node, "node");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.nodeHalted(node);
    }
  }

  /** {@link InvariantMonitor#nodeBooted}. */
  record NodeBooted(String node) implements Observation {
    public NodeBooted {
      Objects.requireNonNull(node, "node");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.nodeBooted(node);
    }
  }

  /** {@link InvariantMonitor#memory}. */
  record Memory(String node, long usedBytes, long capacityBytes, long atNanos) implements Observation {
    public Memory {
      Objects.requireNonNull(node, "node");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.memory(node, usedBytes, capacityBytes, atNanos);
    }
  }

  /** {@link InvariantMonitor#migrationStarted}: seen by the source, {@code node}. */
  record MigrationStarted(String node, String id, String guest, String to, long atNanos) implements Observation {
    public MigrationStarted {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(guest, "guest");
      Objects.requireNonNull(to, "to");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.migrationStarted(id, guest, node, to, atNanos);
    }
  }

  /** {@link InvariantMonitor#goSent}: seen by the source, {@code node}. */
  record GoSent(String node, String id) implements Observation {
    public GoSent {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(id, "id");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.goSent(node, id);
    }
  }

  /** {@link InvariantMonitor#sourceEnded}. */
  record SourceEnded(String node, String id) implements Observation {
    public SourceEnded {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(id, "id");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.sourceEnded(node, id);
    }
  }

  /** {@link InvariantMonitor#targetEnded}. */
  record TargetEnded(String node, String id) implements Observation {
    public TargetEnded {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(id, "id");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.targetEnded(node, id);
    }
  }

  /** {@link InvariantMonitor#pagesMissingAtHandover}: seen by the source, {@code node}. */
  record PagesMissing(String node, String id, String guest, long pages, long atNanos) implements Observation {
    public PagesMissing {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(guest, "guest");
    }

    @Override
    public void applyTo(InvariantMonitor monitor) {
      monitor.pagesMissingAtHandover(node, id, guest, pages, atNanos);
    }
  }
}
