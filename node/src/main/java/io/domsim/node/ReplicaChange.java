package io.domsim.node;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.Network;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.migration.net.Fabric;

/**
 * A change the operator makes to the run's control network or fabric: a node down or up, a link cut, healed,
 * degraded or restored, the network's message faults, the fabric told of a failure, a recovery or a link's new
 * rate. Every member keeps a replica of both, so each change is applied on each, at the operator's barrier
 * (docs/architecture.md, "Members"); in one JVM it is applied once.
 */
public sealed interface ReplicaChange extends CrossJvm {

  /** Applies it to this member's replicas. */
  void applyTo(Network network, ActorRef<Fabric.Command> fabric);

  /** A node crashed or was switched off: it sends nothing, and nothing reaches it. */
  record NodeDown(String node) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.nodeDown(node);
    }
  }

  /** A node runs again. */
  record NodeUp(String node) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.nodeUp(node);
    }
  }

  /** A node's link is cut: messages to and from it wait. */
  record Cut(String node) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.cut(node);
    }
  }

  record Heal(String node) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.heal(node);
    }
  }

  /** A node's messages take {@code latencyNanos}. */
  record Degrade(String node, long latencyNanos) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.degrade(node, latencyNanos);
    }
  }

  record Restore(String node) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.restore(node);
    }
  }

  /** The network's message faults from now on. */
  record MessageFaults(double loss, double duplicate, boolean reorder) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      network.setFaults(new Network.Faults(loss, duplicate, reorder));
    }
  }

  /** The fabric hears of a node's failure: its flows break. */
  record FabricNodeFailed(Fabric.NodeFailed input) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      fabric.tell(input);
    }
  }

  /** The fabric hears of a node's recovery. */
  record FabricNodeRecovered(Fabric.NodeRecovered input) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      fabric.tell(input);
    }
  }

  /** The fabric hears of a link's new rate and latency. */
  record FabricLinkChanged(Fabric.LinkChanged input) implements ReplicaChange {
    @Override public void applyTo(Network network, ActorRef<Fabric.Command> fabric) {
      fabric.tell(input);
    }
  }
}
