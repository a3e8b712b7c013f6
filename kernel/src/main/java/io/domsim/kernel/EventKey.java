package io.domsim.kernel;

import java.util.Objects;

/**
 * Where an event stands in the simulation's one order: (time, sending entity's name, that entity's sequence
 * number), as timers are ordered ({@link SimTimer#compareTo}). It does not depend on how entities are spread
 * over JVMs, so members can agree on a bound in it: {@link SimKernel#runUntil(EventKey)} fires every event
 * below a key and none at or above it, which a window or a barrier of the multi-member protocol needs (a time
 * alone cannot stop between two events of one instant).
 */
public record EventKey(long time, String entity, long sequence) implements Comparable<EventKey> {

  public EventKey {
    Objects.requireNonNull(entity, "entity");
    if (time < 0 || sequence < 0) {
      throw new IllegalArgumentException("an event key's time and sequence are at least 0: " + time + ", "
          + sequence);
    }
  }

  /** The first key of instant {@code time}: before every event at it ("" precedes every entity's name). */
  public static EventKey startOf(long time) {
    return new EventKey(time, "", 0);
  }

  /**
   * The smallest key above this one (the same entity's next sequence number): a bound just after this event, so
   * that {@link SimKernel#runUntil(EventKey)} runs it and what it causes at once, and nothing after it.
   */
  public EventKey next() {
    return new EventKey(time, entity, sequence + 1);
  }

  /** The key of {@code timer}. */
  static EventKey of(SimTimer timer) {
    return new EventKey(timer.time, timer.entity, timer.seq);
  }

  @Override
  public int compareTo(EventKey o) {
    if (time != o.time) {
      return Long.compare(time, o.time);
    }
    int c = entity.compareTo(o.entity);
    return c != 0 ? c : Long.compare(sequence, o.sequence);
  }

  /** Whether {@code timer} comes before this key in the simulation's order. */
  boolean isAfter(SimTimer timer) {
    if (timer.time != time) {
      return timer.time < time;
    }
    int c = timer.entity.compareTo(entity);
    return c != 0 ? c < 0 : timer.seq < sequence;
  }
}
