package io.domsim.kernel;

import akka.actor.typed.ActorRef;

/**
 * The only way one simulated node talks to another: every message arrives one network latency later,
 * ordered by the sender's entity. Because nothing crosses nodes in zero time, the latency is also the
 * lookahead that lets a later run spread nodes over several JVMs with the same results.
 */
public final class Network {
  private final long latencyNanos;

  public Network(long latencyNanos) {
    if (latencyNanos <= 0) {
      throw new IllegalArgumentException("network latency must be positive, was " + latencyNanos + " ns");
    }
    this.latencyNanos = latencyNanos;
  }

  public long latencyNanos() {
    return latencyNanos;
  }

  /** Sends {@code message} from {@code sender} (its entity) to another node's actor. */
  public <T> void send(SimEntity sender, ActorRef<T> target, T message) {
    sender.sendAfter(latencyNanos, target, message);
  }
}
