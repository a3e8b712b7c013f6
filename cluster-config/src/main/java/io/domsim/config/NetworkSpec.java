package io.domsim.config;

import java.time.Duration;

/**
 * The network between nodes: every cross-node message arrives {@code latency} later, unless
 * {@code faults} say otherwise; bulk streams carry {@link #payloadFraction()} of a NIC's line rate as data.
 *
 * @param mtu the IP MTU in bytes ({@code network.mtu})
 */
public record NetworkSpec(Duration latency, Faults faults, int mtu) {

  /** Ethernet's MTU, the default. */
  public static final int ETHERNET_MTU = 1500;
  /** IPv4 (20) and TCP (20) headers and the TCP timestamp option (12, on by default in Linux): MSS = MTU - 52. */
  public static final int TCP_IP_HEADER_BYTES = 52;
  /** Per frame on the wire beyond the MTU: Ethernet header 14, FCS 4, preamble and SFD 8, inter-frame gap 12. */
  public static final int ETHERNET_FRAMING_BYTES = 38;
  public static final int MIN_MTU = 576;
  public static final int MAX_MTU = 9216;

  public NetworkSpec {
    if (mtu < MIN_MTU || mtu > MAX_MTU) {
      throw new IllegalArgumentException("mtu must be " + MIN_MTU + ".." + MAX_MTU + ": " + mtu);
    }
  }

  /** A network without message-level faults. */
  public NetworkSpec(Duration latency) {
    this(latency, Faults.NONE);
  }

  /** At Ethernet's MTU. */
  public NetworkSpec(Duration latency, Faults faults) {
    this(latency, faults, ETHERNET_MTU);
  }

  /**
   * The data a TCP stream carries per byte of line rate: one full segment's payload (MSS) over its frame on the
   * wire, 1,448 / 1,538 = 94.1% at MTU 1500, 8,948 / 9,038 = 99.0% at 9000.
   */
  public double payloadFraction() {
    return (double) (mtu - TCP_IP_HEADER_BYTES) / (mtu + ETHERNET_FRAMING_BYTES);
  }

  /**
   * Message-level faults ({@code network.faults}): the fraction of transmissions lost (0 to below 1), the
   * fraction of datagrams delivered twice (0 to 1), and whether datagrams may overtake one another.
   */
  public record Faults(double loss, double duplicate, boolean reorder) {
    public static final Faults NONE = new Faults(0, 0, false);
  }
}
