package io.domsim.kernel.window;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.serialization.CrossJvm;
import java.util.List;

/**
 * What a barrier event (the operator's, {@link WindowCoordinator}) told actors of one other member at zero time, in
 * the order it told them. The receiver fires them as one event at the barrier's own key {@code key}, before any
 * later key, so each reaches its actor where one JVM would have handled it: in the barrier's cascade. {@code
 * from} is the barrier's member, {@code window} its window, counted as a delivery's.
 */
public record BarrierTells(String from, long window, EventKey key, List<Tell<?>> tells) implements CrossJvm {
  public BarrierTells {
    if (key == null || tells.isEmpty()) {
      throw new IllegalArgumentException("barrier tells need the barrier's key and at least one tell");
    }
    tells = List.copyOf(tells);
  }

  /** One zero-time tell. */
  public record Tell<T>(ActorRef<T> target, T message) implements CrossJvm {
    void tell() {
      target.tell(message);
    }
  }
}
