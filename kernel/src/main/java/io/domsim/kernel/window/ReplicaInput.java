package io.domsim.kernel.window;

import io.domsim.kernel.serialization.CrossJvm;

/**
 * An input for the replicas of an actor that every member runs a copy of (the fabric: docs/architecture.md,
 * "Members" 2), sent by the replica on the member where it was told to those on the others. Untimed: the
 * receiving member hands {@code input} to its own replica named {@code replica} as it comes, and before it runs
 * the next window; the replica orders it by what it carries (the fabric: its cause's key), not by a key of the
 * sender. {@code window} is the sender's window when it sent it: counted like a {@link TimedDelivery}, so that
 * the next window's grant waits for it.
 */
public record ReplicaInput<T>(String from, long window, String replica, T input) implements CrossJvm {
  public ReplicaInput {
    if (from == null || replica == null || input == null) {
      throw new IllegalArgumentException("a replica input needs the replica's name and an input");
    }
  }
}
