package io.domsim.migration.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Guests' own I/O shares a NIC with migration flows, max-min fairly, as a flow capped at its demand. */
class GuestTrafficTest {
  private static final long GBPS = 1_000_000_000L;

  private static FlowNetwork twoNodes() {
    FlowNetwork n = new FlowNetwork();
    n.addNode("a", 10 * GBPS);
    n.addNode("b", 10 * GBPS);
    return n;
  }

  @Test
  void modestGuestTrafficGetsItsDemandAndTheFlowTheRest() {
    FlowNetwork n = twoNodes();
    n.setGuestTraffic("a", 2 * GBPS, 0, 0);
    n.addFlow("m", "a", "b", 1L << 30, 0, 0);
    assertEquals(8 * GBPS, n.rateOf("m"), 1e-3);
    assertEquals(2 * GBPS, n.guestTrafficRate("a")[0], 1e-3);
  }

  @Test
  void heavyGuestTrafficAndOneFlowSplitTheNicEvenly() {
    FlowNetwork n = twoNodes();
    n.setGuestTraffic("a", 9 * GBPS, 0, 0);
    n.addFlow("m", "a", "b", 1L << 30, 0, 0);
    assertEquals(5 * GBPS, n.rateOf("m"), 1e-3, "max-min: both get half");
    assertEquals(5 * GBPS, n.guestTrafficRate("a")[0], 1e-3);
  }

  @Test
  void trafficInTheOtherDirectionDoesNotSlowTheFlow() {
    FlowNetwork n = twoNodes();
    n.setGuestTraffic("a", 0, 9 * GBPS, 0);
    n.addFlow("m", "a", "b", 1L << 30, 0, 0);
    assertEquals(10 * GBPS, n.rateOf("m"), 1e-3, "full duplex: a's ingress is not on the flow's path");
  }

  @Test
  void trafficChangingMidFlowMovesItsFinish() {
    FlowNetwork n = twoNodes();
    long bytes = 10L * GBPS / 8; // 1 s alone at 10 Gbit/s
    n.addFlow("m", "a", "b", bytes, 0, 0);
    assertEquals(1_000_000_000L, n.completionOf("m"));
    // Half-way, the destination's guests start receiving 6 Gbit/s: the flow drops to 5 Gbit/s (max-min).
    n.advanceTo(500_000_000L);
    n.setGuestTraffic("b", 0, 6 * GBPS, 500_000_000L);
    assertEquals(5 * GBPS, n.rateOf("m"), 1e-3);
    assertEquals(1_500_000_000L, n.completionOf("m"), 1, "the second half takes twice as long");
  }
}
