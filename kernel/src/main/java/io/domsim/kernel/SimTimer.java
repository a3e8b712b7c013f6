package io.domsim.kernel;

import akka.actor.typed.ActorRef;

/**
 * A pending delivery at a simulated instant. Ordered by (time, sending entity's name, that entity's
 * sequence number): a key that does not depend on how entities are spread over threads or JVMs.
 *
 * <p>Either a message told to an actor, or a direct action ({@link SimEntity#callAt}) run on the loop
 * thread when the timer fires, without a message: the same instant and order, but no mailbox.
 */
public final class SimTimer implements Comparable<SimTimer> {
  final long time;
  final String entity;
  /** {@link #orderKey} of {@link #entity}: orders timers of one instant by entity without reading the name. */
  final long entityKey;
  final long seq;
  /** The actor told, or for a direct action the actor it runs for (whose path a failure names). */
  final ActorRef<Object> target;
  /** The message, or the direct action. */
  private final Object message;
  private final boolean direct;
  private boolean cancelled;
  /**
   * Set by a local entity ({@link SimKernel#localEntity}): what this timer's event causes at once stays on its member,
   * so a member of a run over several JVMs need not count it as an event that could send to another.
   */
  boolean local;

  <T> SimTimer(long time, String entity, long seq, ActorRef<T> target, T message) {
    this(time, entity, orderKey(entity), seq, target, message);
  }

  @SuppressWarnings("unchecked")
  <T> SimTimer(long time, String entity, long entityKey, long seq, ActorRef<T> target, T message) {
    this.time = time;
    this.entity = entity;
    this.entityKey = entityKey;
    this.seq = seq;
    this.target = (ActorRef<Object>) target;
    this.message = message;
    this.direct = false;
  }

  /** A direct action: {@code action} runs on the loop thread when the timer fires, for actor {@code owner}. */
  @SuppressWarnings("unchecked")
  SimTimer(long time, String entity, long entityKey, long seq, ActorRef<?> owner, Runnable action) {
    this.time = time;
    this.entity = entity;
    this.entityKey = entityKey;
    this.seq = seq;
    this.target = (ActorRef<Object>) owner;
    this.message = action;
    this.direct = true;
  }

  /** Who a failure of its delivery names: the actor's path (a tell does not throw; a direct action may). */
  String owner() {
    return target.path().toStringWithoutAddress();
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
    if (direct) {
      ((Runnable) message).run();
    } else {
      target.tell(message);
    }
    return true;
  }

  /**
   * A name's first eight chars as unsigned bytes, big-endian (shorter names padded with 0), sign-flipped
   * so that keys compare as signed longs. Where two keys differ, they order as the names do under
   * {@link String#compareTo}; equal keys decide nothing. A char above 254 and every position after it
   * count as 255, so that chars the byte cannot hold never order a key wrongly.
   */
  static long orderKey(String name) {
    long key = 0;
    boolean saturated = false;
    for (int i = 0; i < 8; i++) {
      int b;
      if (saturated) {
        b = 255;
      } else if (i >= name.length()) {
        b = 0;
      } else {
        char c = name.charAt(i);
        saturated = c >= 255;
        b = saturated ? 255 : c;
      }
      key = key << 8 | b;
    }
    return key ^ Long.MIN_VALUE;
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
