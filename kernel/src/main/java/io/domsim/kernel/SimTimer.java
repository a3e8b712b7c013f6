package io.domsim.kernel;

import akka.actor.typed.ActorRef;

/**
 * A pending delivery at a simulated instant. Ordered by (time, sending entity's name, that entity's
 * sequence number): a key that does not depend on how entities are spread over threads or JVMs.
 */
public final class SimTimer implements Comparable<SimTimer> {
  final long time;
  final String entity;
  final long seq;
  private final ActorRef<Object> target;
  private final Object message;
  private boolean cancelled;

  @SuppressWarnings("unchecked")
  <T> SimTimer(long time, String entity, long seq, ActorRef<T> target, T message) {
    this.time = time;
    this.entity = entity;
    this.seq = seq;
    this.target = (ActorRef<Object>) target;
    this.message = message;
  }

  public long time() {
    return time;
  }

  /** Cancelling is lazy: the timer stays queued and is skipped when due. Call it from the simulation only. */
  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  boolean fire() {
    if (cancelled) {
      return false;
    }
    target.tell(message);
    return true;
  }

  @Override
  public int compareTo(SimTimer o) {
    if (time != o.time) {
      return Long.compare(time, o.time);
    }
    if (entity != o.entity) {
      int c = entity.compareTo(o.entity);
      if (c != 0) {
        return c;
      }
    }
    return Long.compare(seq, o.seq);
  }
}
