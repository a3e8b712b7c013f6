package io.domsim.kernel.serialization;

/**
 * Marker for messages that never leave the JVM (the Akka Cluster member) that sends them: an actor's
 * timers to itself, a message adapter's wrapping (made in the receiver's own mailbox), a node's messages
 * between its own actors (node, hypervisor, Dom0, its pool-master role), and the CLI's requests that carry a
 * {@code CompletableFuture}. Akka's {@code serialize-messages} check skips them
 * ({@link akka.actor.NoSerializationVerificationNeeded}); each use says in one line why it stays.
 *
 * <p>What crosses members implements {@link CrossJvm} instead (docs/architecture.md, "Serialization").
 */
public interface SameMember extends akka.actor.NoSerializationVerificationNeeded {}
