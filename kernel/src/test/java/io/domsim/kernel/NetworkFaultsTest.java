package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.kernel.testkit.SimHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Message-level faults of the network model: streams (TCP) lose transmissions but deliver every message
 * once and in order, later by retransmission timeouts; datagrams are lost, duplicated and reordered at
 * the configured rates; the draws are seeded; and without faults nothing is drawn.
 */
@Timeout(60)
class NetworkFaultsTest {
  private static final long LATENCY = 100_000; // 100 us
  private static final long MS = 1_000_000;

  private static List<SimHarness.Received> stream(long seed, Network net, int count) throws Exception {
    return stream(seed, net, count, MS);
  }

  /** {@code count} numbered stream messages from a to b, one every {@code spacing}. */
  private static List<SimHarness.Received> stream(long seed, Network net, int count, long spacing)
      throws Exception {
    List<SimHarness.Received> got = new ArrayList<>();
    try (var h = new SimHarness<>(seed, (ctx, kernel) -> kernel.entity("a/dom0"))) {
      for (int i = 0; i < count; i++) {
        h.runUntil(i * spacing);
        int n = i;
        h.inject(() -> net.send(h.refs, "a", "b", h.inbox(), n));
      }
      h.runUntil(count * spacing + 2_000_000 * MS);
      got.addAll(h.drain());
    }
    return got;
  }

  private static List<SimHarness.Received> datagrams(long seed, Network net, int count) throws Exception {
    List<SimHarness.Received> got = new ArrayList<>();
    try (var h = new SimHarness<>(seed, (ctx, kernel) -> kernel.entity("a/pool-master"))) {
      h.runUntil(0);
      // All at one instant: only the hold-back of reorder can change their order.
      h.inject(() -> {
        for (int i = 0; i < count; i++) {
          net.sendDatagram(h.refs, "a", "b", h.inbox(), i);
        }
      });
      h.runUntil(10 * MS);
      got.addAll(h.drain());
    }
    return got;
  }

  private static List<Integer> numbers(List<SimHarness.Received> got) {
    return got.stream().map(r -> (Integer) r.message()).toList();
  }

  @Test
  void withoutFaultsEveryMessageTakesTheLatencyAndNothingIsDrawn() throws Exception {
    Network net = new Network(LATENCY);
    List<SimHarness.Received> s = stream(1, net, 50);
    for (int i = 0; i < 50; i++) {
      assertEquals(i, s.get(i).message());
      assertEquals(i * MS + LATENCY, s.get(i).atNanos());
    }
    List<SimHarness.Received> d = datagrams(1, net, 50);
    assertEquals(50, d.size());
    assertTrue(d.stream().allMatch(r -> r.atNanos() == LATENCY), d.toString());
    assertEquals(0, net.entitiesDrawing(), "no fault, no draw: a run is the same as one without the model");
    assertEquals(0, net.retransmissions() + net.datagramsLost() + net.datagramsDuplicated());
  }

  @Test
  void aLossyStreamDeliversEveryMessageOnceInOrderLateByRetransmissionTimeouts() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.4, 0.5, true));
    long spacing = 1_000 * MS; // far apart: most messages do not wait behind a late one
    List<SimHarness.Received> s = stream(3, net, 400, spacing);
    assertEquals(400, s.size(), "nothing lost, nothing duplicated");
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      expected.add(i);
    }
    assertEquals(expected, numbers(s), "in the order sent");
    int late = 0;
    long previous = 0;
    for (SimHarness.Received r : s) {
      int i = (Integer) r.message();
      long delay = r.atNanos() - i * spacing - LATENCY;
      assertTrue(delay >= 0, "never sooner than the latency: " + r);
      assertTrue(r.atNanos() >= previous, "never before the one sent before it");
      previous = r.atNanos();
      if (delay > 0) {
        late++;
      }
    }
    // About 40% of first transmissions are lost; each costs at least TCP_RTO_MIN.
    assertTrue(late > 120 && late < 240, "late: " + late);
    assertTrue(net.retransmissions() >= late, "retransmissions: " + net.retransmissions());
    assertEquals(0, net.datagramsDuplicated(), "a stream never duplicates");
    assertTrue(s.stream().anyMatch(r -> r.atNanos() - (Integer) r.message() * spacing - LATENCY
        == Network.RTO_MIN_NANOS), "some message arrives exactly one RTO late");
    // Close together, a late message holds back those sent after it (head-of-line blocking).
    List<SimHarness.Received> close = stream(3, new Network(LATENCY, new Network.Faults(0.4, 0, false)), 400);
    assertEquals(expected, numbers(close));
    assertTrue(close.stream().filter(r -> r.atNanos() > (Integer) r.message() * MS + LATENCY).count() > 300,
        "most wait behind a retransmission");
  }

  @Test
  void retransmissionTimeoutsDoubleFromTheMinimum() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.9, 0, false));
    List<SimHarness.Received> s = stream(5, net, 30);
    assertEquals(30, s.size());
    // Each message is late by a sum of doubling timeouts, or waits behind one that is.
    long[] sums = new long[Network.TCP_RETRIES2 + 2];
    long rto = Network.RTO_MIN_NANOS;
    for (int k = 1; k < sums.length; k++) {
      sums[k] = sums[k - 1] + rto;
      rto = Math.min(2 * rto, Network.RTO_MAX_NANOS);
    }
    assertEquals(924_600 * MS, sums[Network.TCP_RETRIES2 + 1], "tcp_retries2's 924.6 s");
    long previous = 0;
    for (SimHarness.Received r : s) {
      long delay = r.atNanos() - (Integer) r.message() * MS - LATENCY;
      boolean aSum = java.util.Arrays.stream(sums).anyMatch(x -> x == delay);
      assertTrue(aSum || r.atNanos() == previous, "delay " + delay + " of " + r);
      assertTrue(delay <= sums[sums.length - 1], "at most tcp_retries2's wait: " + delay);
      previous = r.atNanos();
    }
  }

  @Test
  void datagramsAreLostAndDuplicatedAtTheirRates() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.2, 0.1, false));
    List<SimHarness.Received> d = datagrams(7, net, 10_000);
    TreeMap<Integer, Integer> copies = new TreeMap<>();
    numbers(d).forEach(n -> copies.merge(n, 1, Integer::sum));
    long lost = 10_000 - copies.size();
    long twice = copies.values().stream().filter(c -> c == 2).count();
    assertTrue(copies.values().stream().allMatch(c -> c <= 2), "at most one duplicate");
    assertEquals(lost, net.datagramsLost());
    assertEquals(twice, net.datagramsDuplicated());
    assertTrue(lost > 1_800 && lost < 2_200, "about 20% lost: " + lost);
    assertTrue(twice > 650 && twice < 950, "about 10% of the 80% delivered twice: " + twice);
    assertTrue(d.stream().allMatch(r -> r.atNanos() == LATENCY), "no reorder: no hold-back");
  }

  @Test
  void reorderHoldsDatagramsBackByUpToOneRoundTrip() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0, 0, true));
    List<SimHarness.Received> d = datagrams(9, net, 1_000);
    assertEquals(1_000, d.size());
    assertTrue(d.stream().allMatch(r -> r.atNanos() >= LATENCY && r.atNanos() <= 3 * LATENCY), d.toString());
    List<Integer> order = numbers(d);
    assertNotEquals(order.stream().sorted().toList(), order, "sent in order, arrived in another");
  }

  @Test
  void theDrawsFollowTheSeed() throws Exception {
    Network.Faults f = new Network.Faults(0.3, 0.3, true);
    List<SimHarness.Received> a = datagrams(11, new Network(LATENCY, f), 500);
    List<SimHarness.Received> b = datagrams(11, new Network(LATENCY, f), 500);
    List<SimHarness.Received> c = datagrams(12, new Network(LATENCY, f), 500);
    assertEquals(a, b, "same seed, same deliveries");
    assertNotEquals(a, c, "another seed, other deliveries");
    assertEquals(stream(11, new Network(LATENCY, f), 100), stream(11, new Network(LATENCY, f), 100));
  }

  @Test
  void aCutLosesDatagramsAndHoldsTheStreamWhichThenKeepsItsOrderThroughLosses() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.5, 0, false));
    try (var h = new SimHarness<>(13, (ctx, kernel) -> kernel.entity("a/dom0"))) {
      h.runUntil(0);
      h.inject(() -> {
        net.cut("b");
        for (int i = 0; i < 100; i++) {
          net.send(h.refs, "a", "b", h.inbox(), i);
          net.sendDatagram(h.refs, "a", "b", h.inbox(), -1);
        }
      });
      h.runUntil(10 * MS);
      assertEquals(List.of(), h.drain(), "nothing crosses a cut");
      assertEquals(100, net.waiting());
      assertEquals(100, net.datagramsLost());
      h.inject(() -> net.heal("b"));
      h.runUntil(2_000_000 * MS);
      List<Integer> got = numbers(h.drain());
      assertEquals(java.util.stream.IntStream.range(0, 100).boxed().toList(), got);
    }
  }

  @Test
  void aRetransmissionDueDuringACutWaitsForTheHeal() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.9, 0, false));
    try (var h = new SimHarness<>(19, (ctx, kernel) -> kernel.entity("a/dom0"))) {
      h.runUntil(0);
      h.inject(() -> {
        for (int i = 0; i < 20; i++) {
          net.send(h.refs, "a", "b", h.inbox(), i);
        }
      });
      h.runUntil(MS);
      h.inject(() -> net.cut("b"));
      h.runUntil(10_000 * MS);
      List<SimHarness.Received> before = h.drain();
      assertTrue(before.stream().allMatch(r -> r.atNanos() == LATENCY), "only what left before the cut: " + before);
      assertTrue(before.size() < 20 && net.waiting() == 20 - before.size(), "the rest waits: " + net.waiting());
      h.inject(() -> net.heal("b"));
      h.runUntil(4_000_000 * MS);
      List<SimHarness.Received> after = h.drain();
      assertTrue(after.stream().allMatch(r -> r.atNanos() > 10_000 * MS), after.toString());
      List<Integer> all = new ArrayList<>(numbers(before));
      all.addAll(numbers(after));
      assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), all, "all, once, in order");
    }
  }

  @Test
  void aCrashedSenderRetransmitsNothing() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.9, 0, false));
    try (var h = new SimHarness<>(23, (ctx, kernel) -> kernel.entity("a/dom0"))) {
      h.runUntil(0);
      h.inject(() -> {
        for (int i = 0; i < 20; i++) {
          net.send(h.refs, "a", "b", h.inbox(), i);
        }
      });
      h.runUntil(MS);
      h.inject(() -> net.nodeDown("a"));
      h.runUntil(4_000_000 * MS);
      List<SimHarness.Received> got = h.drain();
      assertTrue(got.size() < 20, "some waited for a retransmission: " + got.size());
      assertTrue(got.stream().allMatch(r -> r.atNanos() == LATENCY), "only what left before the crash: " + got);
    }
  }

  @Test
  void aNodesMessagesToItselfCrossNoWire() throws Exception {
    Network net = new Network(LATENCY, new Network.Faults(0.9, 1, true));
    try (var h = new SimHarness<>(17, (ctx, kernel) -> kernel.entity("a/pool-master"))) {
      h.runUntil(0);
      h.inject(() -> {
        net.cut("a");
        for (int i = 0; i < 20; i++) {
          net.sendDatagram(h.refs, "a", "a", h.inbox(), i);
        }
      });
      h.runUntil(MS);
      List<SimHarness.Received> got = h.drain();
      assertEquals(20, got.size());
      assertTrue(got.stream().allMatch(r -> r.atNanos() == LATENCY));
    }
  }

  @Test
  void ratesOutsideTheirRangesAreRefused() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Network.Faults(1, 0, false));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Network.Faults(-0.1, 0, false));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Network.Faults(0, 1.5, false));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Network.Faults(Double.NaN, 0, false));
  }
}
