package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import io.domsim.config.GuestSpec;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FlowId;
import java.util.function.Consumer;

/** What the Dom0 actor lends its migration endpoints ({@link SourceSide}, {@link TargetSide}). */
interface MigrationHost {
  String node();

  /** This node's life: 0 until it first crashes, then one more at each boot. */
  int boot();

  long now();

  /** Why the toolstack would refuse to run this guest here (no VT-x/AMD-V for HVM), or null. */
  String refusal(GuestSpec spec);

  /** The hypervisor this node runs: a guest does not migrate between a type-1 and a type-2 node. */
  io.domsim.config.HypervisorKind hypervisorKind();

  double cyclesPerSecond();

  long nicBitsPerSecond();

  /** One-way network latency between nodes. */
  long latencyNanos();

  long domainOverheadBytes();

  void hypercall(Op op, Consumer<Hypervisor.Result> then);

  /** Tells the operator (a record, an answer): it hears it one latency later ({@link io.domsim.kernel.Network#tellOperator}). */
  <T> void tellOperator(ActorRef<T> operator, T message);

  /** Sends to another node's Dom0 through the network (one latency later, or after a cut heals). */
  void sendToPeer(String peerNode, ActorRef<Dom0.Command> peer, Dom0.Command message);

  void startFlow(FlowId flow, String toNode, long bytes, long capBitsPerSecond, Fabric.Stream stream);

  /** Dom0's vCPUs: the sending threads of a migration run on them. */
  int dom0Vcpus();

  void cancelFlow(FlowId flow);

  /** Delivers {@code message} to this Dom0 after {@code delayNanos} of simulated time. */
  void after(long delayNanos, Dom0.Command message);

  ActorRef<Dom0.Command> self();

  /** A guest now runs here (its I/O endpoints follow it). */
  void guestArrived(GuestSpec spec, int domid);

  /** A guest no longer runs here. */
  void guestLeft(String guest);
}
