package io.domsim.kernel;

import akka.actor.typed.ActorRef;
import java.util.SplittableRandom;

/**
 * Something in the simulated world that sends timed messages and draws random numbers: a node, a
 * hypervisor, a Dom0, a guest's workload. Its name orders its timers against others at the same
 * instant and seeds its own random stream, so neither depends on the deployment. Use it from the
 * simulation thread only.
 */
public final class SimEntity {
  private final SimKernel kernel;
  private final String name;
  private final long orderKey;
  private long seq;
  private SplittableRandom random;
  private final boolean local;

  SimEntity(SimKernel kernel, String name) {
    this(kernel, name, false);
  }

  /** @param local whether its events never send beyond their member at once ({@link SimKernel#localEntity}) */
  SimEntity(SimKernel kernel, String name, boolean local) {
    this.local = local;
    this.kernel = kernel;
    this.name = name.intern();
    this.orderKey = SimTimer.orderKey(this.name);
  }

  public String name() {
    return name;
  }

  public long now() {
    return kernel.now();
  }

  public SimKernel kernel() {
    return kernel;
  }

  /** Deliver {@code message} to {@code target} after {@code delayNanos} of simulated time. */
  public <T> SimTimer sendAfter(long delayNanos, ActorRef<T> target, T message) {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("negative delay " + delayNanos + " ns from " + name);
    }
    return sendAt(kernel.now() + delayNanos, target, message);
  }

  /** Deliver {@code message} to {@code target} at simulated instant {@code atNanos} (not in the past). */
  public <T> SimTimer sendAt(long atNanos, ActorRef<T> target, T message) {
    SimTimer t = new SimTimer(Math.max(atNanos, kernel.now()), name, orderKey, seq++, target, message);
    t.local = local;
    kernel.schedule(t);
    return t;
  }

  /**
   * Runs {@code action} on the simulation thread at simulated instant {@code atNanos} (not in the past):
   * a timer like {@link #sendAt}'s, in the same order, counted the same, but delivered by calling the
   * action instead of telling an actor. A timer fires only when every simulation actor is idle, so an
   * actor's own timers may call its handlers directly, as a message to {@code owner} would at that moment;
   * the action must touch only the state of {@code owner}, the actor that set it (it runs outside Akka, as
   * if within that actor). What it throws fails the run under the owner's path, as its failure would.
   */
  public SimTimer callAt(long atNanos, ActorRef<?> owner, Runnable action) {
    SimTimer t = new SimTimer(Math.max(atNanos, kernel.now()), name, orderKey, seq++, owner, action);
    t.local = local;
    kernel.schedule(t);
    return t;
  }

  /** {@link #callAt} after {@code delayNanos} of simulated time. */
  public SimTimer callAfter(long delayNanos, ActorRef<?> owner, Runnable action) {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("negative delay " + delayNanos + " ns from " + name);
    }
    return callAt(kernel.now() + delayNanos, owner, action);
  }

  /**
   * {@link #callAfter} for a periodic tick that many entities set at one interval (the hypervisors'
   * samples): the same timer, order and count, but the loop expects it to come in its own order and
   * queues it beside the heap when it does, O(1) instead of a sift (TimerHeap's lane).
   */
  public SimTimer tickAfter(long delayNanos, ActorRef<?> owner, Runnable action) {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("negative delay " + delayNanos + " ns from " + name);
    }
    SimTimer t = new SimTimer(kernel.now() + delayNanos, name, orderKey, seq++, owner, action);
    t.local = local;
    kernel.schedule(t, true);
    return t;
  }

  /**
   * The key of a timer this entity would set at {@code atNanos} (not in the past), taking its sequence number
   * as {@link #sendAt} would, but setting nothing here: the timer is set in another member's kernel with this
   * key ({@link SimKernel#deliverAt}), so that it fires in the order it would have had in one JVM.
   */
  public EventKey reserveKey(long atNanos) {
    return new EventKey(Math.max(atNanos, kernel.now()), name, seq++);
  }

  /** This entity's own random stream, seeded from the run's seed and the entity's name. */
  public SplittableRandom random() {
    if (random == null) {
      random = RandomStreams.forEntity(kernel.seed(), name);
    }
    return random;
  }
}
