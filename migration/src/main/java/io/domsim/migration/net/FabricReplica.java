package io.domsim.migration.net;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.window.ReplicaBroadcast;

/**
 * A {@link Fabric}'s part in a run over several members (docs/architecture.md, "Members" 2): every member runs a
 * replica of the fabric over the whole network. The inputs that shape the rates told to this replica by the
 * member's own actors go to every other replica ({@link Fabric.Replicated}, through the window protocol), which
 * applies them as its own, at their effect instant in the order of their causes; the outputs go only to this
 * member's own owners and hypervisors. A fabric made without one (one JVM) has no other replica.
 *
 * <p>Every replica fires the same fabric timers (the same completions, effect instants and arrivals); so that a run
 * counts them once, as one JVM does, only the driving member's replica's count in its events ({@link
 * #eventsCounted}).
 */
public final class FabricReplica {
  private final ReplicaBroadcast broadcast;
  private final boolean onDriver;
  /** The fabric's own timers fired on this replica (on the simulation thread). */
  private long timersFired;

  /**
   * @param broadcast this member's way to the other members' replicas
   * @param onDriver whether this member drives the run (its replica's timers are the ones counted)
   */
  public FabricReplica(ReplicaBroadcast broadcast, boolean onDriver) {
    this.broadcast = broadcast;
    this.onDriver = onDriver;
  }

  /** Once the replica is spawned, before the member starts: other members' inputs go to {@code fabric}. */
  public void host(ActorRef<Fabric.Command> fabric) {
    broadcast.member().hostReplica(Fabric.ENTITY, fabric);
  }

  /**
   * On the simulation thread: {@code input}, told here, for the other replicas; it takes effect at {@code
   * effectNanos}.
   */
  void send(Fabric.Replicated input, long effectNanos) {
    broadcast.send(Fabric.ENTITY, input, effectNanos);
  }

  void timerFired() {
    timersFired++;
  }

  /** The fabric's timers fired on this replica: on the simulation thread, or once the run has ended. */
  public long timersFired() {
    return timersFired;
  }

  /**
   * What this member adds to the run's event count, given its kernel's {@code kernelTimersFired}: all of them on the
   * driver, the others without their fabric replica's timers (the driver's replica has fired the same ones). The
   * members' sums are one JVM's count.
   */
  public long eventsCounted(long kernelTimersFired) {
    return onDriver ? kernelTimersFired : kernelTimersFired - timersFired;
  }
}
