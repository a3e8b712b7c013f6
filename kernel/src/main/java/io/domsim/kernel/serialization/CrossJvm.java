package io.domsim.kernel.serialization;

/**
 * Marker for messages that may cross JVMs (the network model between simulated nodes, cluster
 * commands). Akka serializes every {@code CrossJvm} message with {@link KryoSerializer}
 * ({@code akka.actor.serialization-bindings} in the kernel's reference.conf).
 *
 * <p>Implementing this is not enough: the class, and every class it contains that Kryo does not know
 * already, must be listed in {@code domsim.kernel.kryo.registrations} (see reference.conf).
 */
public interface CrossJvm {}
