package io.domsim.node;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.migration.net.Fabric;

/**
 * How the operator reaches the nodes and the run's replicas of the network and the fabric. In one JVM it tells
 * them; over members (docs/architecture.md, "Members") a node on another member is told at the operator's
 * barrier, and every member's replicas get each change there. The operator's code says which node it addresses,
 * so that the plane can tell where it is.
 */
interface ManagementPlane {

  /** Tells an actor of {@code node} now. */
  <T> void tell(String node, ActorRef<T> target, T message);

  /** Tells an actor of {@code node} {@code delayNanos} from now, as a timer of {@code from}. */
  <T> void tellAfter(SimEntity from, String node, long delayNanos, ActorRef<T> target, T message);

  /** Changes the network and the fabric now, on every replica. */
  void change(ReplicaChange change);

  /**
   * Over members: {@code member} is lost for good; from now on nothing goes to it or its nodes (its process is gone).
   * Returns its nodes, in name order.
   */
  java.util.List<String> lose(String member);

  /** Whether {@code node} was on a lost member. */
  boolean lost(String node);

  /**
   * Over members: a node here is told at once; one elsewhere at the operator's barrier, or, before the clock starts
   * or after it stops (the setup, the end's gathering), at once through the members' links (which carry a message of
   * any size: a pool master's guests); a timed message as a delivery; a change applied here and sent to every other
   * member's host.
   */
  static ManagementPlane overMembers(io.domsim.kernel.SimKernel kernel, MembersLayout layout, Network network,
      ActorRef<Fabric.Command> fabric) {
    java.util.Set<String> lostMembers = new java.util.TreeSet<>();
    return new ManagementPlane() {
      @Override public <T> void tell(String node, ActorRef<T> target, T message) {
        if (lost(node)) {
          return;
        }
        if (layout.here(node)) {
          target.tell(message);
        } else if (!kernel.clockRunning()) {
          layout.member().tellAtOnce(layout.memberOf(node), target, message);
        } else {
          layout.member().tellAtBarrier(layout.memberOf(node), target, message);
        }
      }

      @Override public <T> void tellAfter(SimEntity from, String node, long delayNanos, ActorRef<T> target,
          T message) {
        if (lost(node)) {
          return;
        }
        if (layout.here(node)) {
          from.sendAfter(delayNanos, target, message);
        } else {
          layout.member().send(from, layout.memberOf(node), from.now() + delayNanos, target, message);
        }
      }

      @Override public void change(ReplicaChange change) {
        change.applyTo(network, fabric);
        layout.hosts().forEach((member, host) -> {
          if (lostMembers.contains(member)) {
            return;
          }
          if (kernel.clockRunning()) {
            layout.member().tellAtBarrier(member, host, new MemberHost.Change(change));
          } else {
            layout.member().tellAtOnce(member, host, new MemberHost.Change(change));
          }
        });
      }

      @Override public java.util.List<String> lose(String member) {
        if (!layout.hosts().containsKey(member)) {
          throw new IllegalArgumentException(member + " is not a serving member; they are " + layout.hosts().keySet());
        }
        lostMembers.add(member);
        return layout.memberOfNode().entrySet().stream().filter(e -> e.getValue().equals(member))
            .map(java.util.Map.Entry::getKey).toList();
      }

      @Override public boolean lost(String node) {
        return lostMembers.contains(layout.memberOf(node));
      }
    };
  }

  /** One JVM: every node, the network and the fabric are here. */
  static ManagementPlane local(Network network, ActorRef<Fabric.Command> fabric) {
    return new ManagementPlane() {
      @Override public <T> void tell(String node, ActorRef<T> target, T message) {
        target.tell(message);
      }

      @Override public <T> void tellAfter(SimEntity from, String node, long delayNanos, ActorRef<T> target,
          T message) {
        from.sendAfter(delayNanos, target, message);
      }

      @Override public void change(ReplicaChange change) {
        change.applyTo(network, fabric);
      }

      @Override public java.util.List<String> lose(String member) {
        throw new IllegalStateException("one JVM has no members to lose (" + member + ")");
      }

      @Override public boolean lost(String node) {
        return false;
      }
    };
  }
}
