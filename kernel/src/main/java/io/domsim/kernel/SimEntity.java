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

  SimEntity(SimKernel kernel, String name) {
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
    kernel.schedule(t);
    return t;
  }

  /** This entity's own random stream, seeded from the run's seed and the entity's name. */
  public SplittableRandom random() {
    if (random == null) {
      random = RandomStreams.forEntity(kernel.seed(), name);
    }
    return random;
  }
}
