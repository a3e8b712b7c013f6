package io.domsim.kernel.window;

import io.domsim.kernel.EventKey;
import io.domsim.kernel.serialization.CrossJvm;

/**
 * Takes back (from the sending member {@code from}) the {@link TimedDelivery} of {@code key} before it is due: its sender crashed, or a cut holds it,
 * while it still waited for a retransmission (kernel.Network). Sent in {@code window} and counted like a delivery;
 * it always comes in time: what it takes back is due at least one lookahead after it was sent; and after that
 * delivery, both going from one member to another in order (Akka's per-pair order; {@link WindowLink}).
 */
public record Revocation(String from, long window, EventKey key) implements CrossJvm {}
