package io.domsim.config;

import java.time.Duration;

/**
 * The network between nodes: every cross-node message arrives {@code latency} later, unless
 * {@code faults} say otherwise.
 */
public record NetworkSpec(Duration latency, Faults faults) {

  /** A network without message-level faults. */
  public NetworkSpec(Duration latency) {
    this(latency, Faults.NONE);
  }

  /**
   * Message-level faults ({@code network.faults}): the fraction of transmissions lost (0 to below 1), the
   * fraction of datagrams delivered twice (0 to 1), and whether datagrams may overtake one another.
   */
  public record Faults(double loss, double duplicate, boolean reorder) {
    public static final Faults NONE = new Faults(0, 0, false);
  }
}
