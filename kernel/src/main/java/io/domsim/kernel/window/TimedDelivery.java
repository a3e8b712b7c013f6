package io.domsim.kernel.window;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.serialization.CrossJvm;

/**
 * A message from an entity on one member to an actor on another, due at {@code key}: the key the sending
 * entity reserved ({@link io.domsim.kernel.SimEntity#reserveKey}), so that the receiver's kernel fires it where
 * one JVM would have. {@code from} is the sending member; {@code window} its window when it sent it: deliveries from different members
 * arrive in any order, so the receiver counts them by the window they were sent in (a delivery of the next
 * window must not stand in for a late one of this window).
 */
public record TimedDelivery<T>(String from, long window, EventKey key, ActorRef<T> target, T message) implements CrossJvm {
  public TimedDelivery {
    if (from == null || key == null || target == null || message == null) {
      throw new IllegalArgumentException("a timed delivery needs a key, a target and a message");
    }
  }
}
