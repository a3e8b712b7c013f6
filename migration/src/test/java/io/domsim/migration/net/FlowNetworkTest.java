package io.domsim.migration.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.migration.net.FlowNetwork.Finished;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowNetworkTest {
  static final long GIB = 1L << 30;
  static final long GBIT = 1_000_000_000L;
  static final long SECOND = 1_000_000_000L;
  /** Rates are compared with this relative tolerance. */
  static final double REL = 1e-9;

  private static FlowNetwork<String> network(long bitsPerSecond, String... nodes) {
    FlowNetwork<String> n = new FlowNetwork<>();
    for (String node : nodes) {
      n.addNode(node, bitsPerSecond);
    }
    return n;
  }

  /** Exact time to send {@code bytes} at {@code bitsPerSecond}, in (fractional) nanoseconds. */
  private static double exactNanos(double bytes, double bitsPerSecond) {
    return bytes * 8 * 1e9 / bitsPerSecond;
  }

  /** A finish instant must be the exact one rounded up: never early, at most 2 ns late (rounding). */
  private static void assertFinishedAt(double exactNanos, long actual, String what) {
    assertTrue(actual >= Math.ceil(exactNanos - 1e-3) && actual <= exactNanos + 2,
        what + " finished at " + actual + " ns, expected " + exactNanos + " ns rounded up");
  }

  private static void assertRate(double expected, double actual, String what) {
    assertEquals(expected, actual, expected * REL, what);
  }

  /** Runs every flow to its end, collecting the finishes in order. */
  private static List<Finished<String>> drain(FlowNetwork<String> n) {
    List<Finished<String>> all = new ArrayList<>();
    while (n.nextCompletion().isPresent()) {
      all.addAll(n.advanceTo(n.nextCompletion().get().atNanos()));
    }
    return all;
  }

  /** What the fabric answers a rate query from: a projection that collects nothing, even a flow done by then. */
  @Test
  void remainingBytesAtProjectsWithoutMoving() {
    FlowNetwork<String> n = network(8 * GBIT, "a", "b", "c"); // a byte a nanosecond
    n.addFlow("short", "a", "b", 1_000, 0, 0);
    n.addFlow("long", "a", "c", 1_000_000, 0, 0); // shares a's egress: half a byte a nanosecond each
    assertEquals(750, n.remainingBytesAt("short", 500), 1e-9);
    assertEquals(0, n.remainingBytesAt("short", 2_000), "nothing left from its completion on");
    assertEquals(0, n.remainingBytesAt("short", 5_000));
    assertEquals(2, n.size(), "a projection collects nothing");
    assertEquals(0, n.now());
    assertEquals(List.of("short"), n.advanceTo(2_000).stream().map(f -> f.flow().id()).toList());
    assertEquals(1_000_000 - 1_000, n.remainingBytesAt("long", 2_000), 1e-9);
    assertThrows(IllegalStateException.class, () -> n.remainingBytesAt("long", 1_999), "not before now");
  }

  @Test
  void oneFlowAloneGetsTheWholeNic() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b");
    n.addFlow("m", "a", "b", 8 * GIB, 0, 0);
    assertRate(10 * GBIT, n.rateOf("m"), "rate of a lone flow");
    long expected = (long) Math.ceil(8.0 * GIB * 8 / (10 * GBIT) * 1e9); // 6.8719476736 s
    assertEquals(6_871_947_674L, expected);
    assertEquals(expected, n.nextCompletion().orElseThrow().atNanos());

    // One nanosecond before, bytes are left and nothing is reported.
    assertTrue(n.advanceTo(expected - 1).isEmpty());
    assertTrue(n.remainingBytes("m") > 0, "bytes left 1 ns before the end");
    assertEquals(8 * GIB - 6.871947673 * 1.25e9, n.remainingBytes("m"), 1.0);

    List<Finished<String>> done = n.advanceTo(expected);
    assertEquals(1, done.size());
    assertEquals("m", done.get(0).flow().id());
    assertEquals(expected, done.get(0).finishedNanos());
    assertEquals(0, n.size());
    assertTrue(n.nextCompletion().isEmpty());
  }

  @Test
  void twoFlowsOutOfOneNodeShareItsEgress() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b", "c");
    n.addFlow("m1", "a", "b", 8 * GIB, 0, 0);
    n.addFlow("m2", "a", "c", 8 * GIB, 0, 0);
    assertRate(5 * GBIT, n.rateOf("m1"), "m1");
    assertRate(5 * GBIT, n.rateOf("m2"), "m2");
    assertRate(10 * GBIT, n.egressBitsPerSecond("a"), "a's egress");
    assertRate(5 * GBIT, n.ingressBitsPerSecond("b"), "b's ingress");

    List<Finished<String>> done = drain(n);
    assertEquals(List.of("m1", "m2"), done.stream().map(f -> f.flow().id()).toList(), "both, in id order");
    double alone = exactNanos(8 * GIB, 10 * GBIT);
    for (Finished<String> f : done) {
      assertFinishedAt(2 * alone, f.finishedNanos(), f.flow().id());
    }
  }

  @Test
  void flowsFromDifferentSourcesShareTheDestinationsIngress() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b", "c");
    n.addFlow("from-a", "a", "c", GIB, 0, 0);
    n.addFlow("from-b", "b", "c", GIB, 0, 0);
    assertRate(5 * GBIT, n.rateOf("from-a"), "from-a");
    assertRate(5 * GBIT, n.rateOf("from-b"), "from-b");
    assertRate(10 * GBIT, n.ingressBitsPerSecond("c"), "c's ingress is the bottleneck");
    assertRate(5 * GBIT, n.egressBitsPerSecond("a"), "a's egress is half used");
  }

  @Test
  void aCappedFlowLeavesTheRestToTheOthers() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b", "c");
    n.addFlow("capped", "a", "b", 8 * GIB, 2 * GBIT, 0);
    n.addFlow("free", "a", "c", 8 * GIB, 0, 0);
    assertRate(2 * GBIT, n.rateOf("capped"), "capped flow");
    assertRate(8 * GBIT, n.rateOf("free"), "the other takes the rest");

    // A cap above the fair share changes nothing.
    FlowNetwork<String> m = network(10 * GBIT, "a", "b", "c");
    m.addFlow("capped", "a", "b", 8 * GIB, 7 * GBIT, 0);
    m.addFlow("free", "a", "c", 8 * GIB, 0, 0);
    assertRate(5 * GBIT, m.rateOf("capped"), "cap above the fair share");
    assertRate(5 * GBIT, m.rateOf("free"), "fair share");
  }

  @Test
  void fullDuplexBothDirectionsGetTheFullRate() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b");
    n.addFlow("ab", "a", "b", GIB, 0, 0);
    n.addFlow("ba", "b", "a", GIB, 0, 0);
    assertRate(10 * GBIT, n.rateOf("ab"), "a to b");
    assertRate(10 * GBIT, n.rateOf("ba"), "b to a");
  }

  @Test
  void theBottleneckIsTheSlowerNic() {
    FlowNetwork<String> n = new FlowNetwork<>();
    n.addNode("fast", 40 * GBIT);
    n.addNode("slow", GBIT);
    n.addNode("other", 10 * GBIT);
    n.addFlow("to-slow", "fast", "slow", GIB, 0, 0);
    n.addFlow("to-other", "fast", "other", GIB, 0, 0);
    assertRate(GBIT, n.rateOf("to-slow"), "limited by slow's ingress");
    assertRate(10 * GBIT, n.rateOf("to-other"), "limited by other's ingress, not by the fair half of fast");
  }

  /**
   * On a 8 Gbit/s NIC (1e9 bytes/s): f1 (3e9 B) at 0 s, f2 (3e9 B) at 1 s, f3 (1e9 B) at 2 s, all out
   * of node a. 0-1 s: f1 alone, 2e9 left. 1-2 s: halves, f1 1.5e9 and f2 2.5e9 left. From 2 s thirds:
   * f3 ends at 5 s, f1 has 0.5e9 and f2 1.5e9 left. Halves: f1 ends at 6 s, f2 has 1e9 left, alone it
   * ends at 7 s.
   */
  @Test
  void aFlowEndingSpeedsTheOthersUp() {
    FlowNetwork<String> n = network(8 * GBIT, "a", "b", "c", "d");
    n.addFlow("f1", "a", "b", 3_000_000_000L, 0, 0);
    assertTrue(n.advanceTo(SECOND).isEmpty());
    assertEquals(2e9, n.remainingBytes("f1"), 1.0);
    n.addFlow("f2", "a", "c", 3_000_000_000L, 0, SECOND);
    assertRate(4 * GBIT, n.rateOf("f1"), "f1 with f2");
    assertTrue(n.advanceTo(2 * SECOND).isEmpty());
    assertEquals(1.5e9, n.remainingBytes("f1"), 1.0);
    assertEquals(2.5e9, n.remainingBytes("f2"), 1.0);
    n.addFlow("f3", "a", "d", 1_000_000_000L, 0, 2 * SECOND);
    assertRate(8.0 * GBIT / 3, n.rateOf("f3"), "a third each");

    List<Finished<String>> done = drain(n);
    assertEquals(List.of("f3", "f1", "f2"), done.stream().map(f -> f.flow().id()).toList());
    assertFinishedAt(5e9, done.get(0).finishedNanos(), "f3");
    assertFinishedAt(6e9, done.get(1).finishedNanos(), "f1");
    assertFinishedAt(7e9, done.get(2).finishedNanos(), "f2");
    assertEquals(SECOND, done.get(2).flow().startedNanos());
  }

  @Test
  void removingAFlowSpeedsTheOthersUp() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b", "c");
    n.addFlow("stay", "a", "b", GIB, 0, 0);
    n.addFlow("go", "a", "c", GIB, 0, 0);
    long half = SECOND / 2;
    assertTrue(n.advanceTo(half).isEmpty());
    assertEquals("go", n.removeFlow("go", half).orElseThrow().id());
    assertTrue(n.removeFlow("go", half).isEmpty(), "removing twice is a no-op");
    assertRate(10 * GBIT, n.rateOf("stay"), "alone again");
    double left = GIB - 0.5 * 5e9 / 8;
    assertEquals(left, n.remainingBytes("stay"), 1.0);
    assertFinishedAt(half + exactNanos(left, 10 * GBIT), n.nextCompletion().orElseThrow().atNanos(), "stay");
  }

  @Test
  void removeFlowsOfANodeRemovesBothDirections() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b", "c");
    n.addFlow("ab", "a", "b", GIB, 0, 0);
    n.addFlow("ca", "c", "a", GIB, 0, 0);
    n.addFlow("cb", "c", "b", GIB, 0, 0);
    assertEquals(List.of("ab", "ca"), n.flowsOf("a"));
    assertRate(5 * GBIT, n.rateOf("cb"), "cb shares c's egress and b's ingress");
    List<String> removed = n.removeFlowsOf("a", 10).stream().map(FlowNetwork.Flow::id).toList();
    assertEquals(List.of("ab", "ca"), removed);
    assertEquals(List.of("cb"), List.copyOf(n.rates().keySet()));
    assertRate(10 * GBIT, n.rateOf("cb"), "cb alone");
  }

  @Test
  void aZeroByteFlowIsDoneAtOnceAndTakesNoBandwidth() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b");
    n.addFlow("big", "a", "b", GIB, 0, 0);
    n.addFlow("empty", "a", "b", 0, 0, 5);
    assertRate(10 * GBIT, n.rateOf("big"), "the empty flow takes nothing");
    assertEquals(5, n.nextCompletion().orElseThrow().atNanos());
    List<Finished<String>> done = n.advanceTo(5);
    assertEquals(1, done.size());
    assertEquals("empty", done.get(0).flow().id());
    assertEquals(5, done.get(0).finishedNanos());
  }

  @Test
  void misuseIsRefused() {
    FlowNetwork<String> n = network(10 * GBIT, "a", "b");
    assertThrows(IllegalArgumentException.class, () -> n.addNode("a", GBIT), "duplicate node");
    assertThrows(IllegalArgumentException.class, () -> n.addNode("z", 0), "zero NIC");
    assertThrows(IllegalArgumentException.class, () -> n.addFlow("x", "a", "nowhere", 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> n.addFlow("x", "a", "a", 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> n.addFlow("x", "a", "b", -1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> n.addFlow("x", "a", "b", 1, -1, 0));
    n.addFlow("x", "a", "b", 1000, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> n.addFlow("x", "a", "b", 1, 0, 0), "duplicate flow");
    // 1000 bytes at 10 Gbit/s take 800 ns: a change at 900 ns would jump over that finish.
    assertThrows(IllegalStateException.class, () -> n.addFlow("y", "a", "b", 1, 0, 900));
    assertThrows(IllegalStateException.class, () -> n.removeFlow("x", 900));
    assertEquals(1, n.advanceTo(900).size());
    assertThrows(IllegalStateException.class, () -> n.advanceTo(899), "time goes backwards");
  }

  @Test
  void ratesDoNotDependOnInsertionOrder() {
    SplittableRandom r = new SplittableRandom(11);
    List<String[]> specs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int from = r.nextInt(6);
      int to = (from + 1 + r.nextInt(5)) % 6;
      long cap = r.nextInt(3) == 0 ? (1 + r.nextInt(20)) * GBIT / 2 : 0;
      specs.add(new String[] {String.format("f%02d", i), "n" + from, "n" + to, Long.toString(cap)});
    }
    SortedMap<String, Double> first = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      FlowNetwork<String> n = new FlowNetwork<>();
      for (int i = 0; i < 6; i++) {
        n.addNode("n" + i, (i + 1) * 5 * GBIT);
      }
      List<String[]> order = new ArrayList<>(specs);
      Collections.shuffle(order, new java.util.Random(attempt));
      for (String[] s : order) {
        n.addFlow(s[0], s[1], s[2], GIB, Long.parseLong(s[3]), 0);
      }
      if (first == null) {
        first = n.rates();
      } else {
        assertEquals(first, n.rates(), "rates are bit-for-bit the same whatever the insertion order");
      }
    }
  }

  /**
   * Random instances: no NIC direction over capacity, no flow over its cap, every flow has a rate, and
   * every flow is bottlenecked: it is at its cap, or it crosses a saturated resource on which no flow
   * has a higher rate. That property characterises the max-min fair allocation.
   */
  @Test
  void randomInstancesAreMaxMinFair() {
    SplittableRandom r = new SplittableRandom(2024);
    long[] nics = {GBIT, 10 * GBIT, 25 * GBIT, 40 * GBIT, 100 * GBIT};
    int bottleneckedByCap = 0;
    int bottleneckedByNic = 0;
    for (int instance = 0; instance < 300; instance++) {
      int nodes = 2 + r.nextInt(7);
      FlowNetwork<String> n = new FlowNetwork<>();
      for (int i = 0; i < nodes; i++) {
        n.addNode("n" + i, nics[r.nextInt(nics.length)]);
      }
      int flows = 1 + r.nextInt(25);
      for (int f = 0; f < flows; f++) {
        int from = r.nextInt(nodes);
        int to = (from + 1 + r.nextInt(nodes - 1)) % nodes;
        long cap = r.nextInt(3) == 0 ? 100_000_000L * (1 + r.nextInt(300)) : 0;
        n.addFlow("f" + f, "n" + from, "n" + to, 1 + r.nextLong(100 * GIB), cap, 0);
      }
      String where = "instance " + instance;
      for (String node : n.nodes()) {
        double c = n.capacityOf(node);
        assertTrue(n.egressBitsPerSecond(node) <= c * (1 + REL), where + ": " + node + " egress over capacity");
        assertTrue(n.ingressBitsPerSecond(node) <= c * (1 + REL), where + ": " + node + " ingress over capacity");
      }
      for (String id : n.rates().keySet()) {
        FlowNetwork.Flow<String> f = n.flow(id).orElseThrow();
        double rate = n.rateOf(id);
        assertTrue(rate > 0, where + ": " + id + " has no rate");
        long cap = f.capBitsPerSecond();
        if (cap > 0) {
          assertTrue(rate <= cap * (1 + REL), where + ": " + id + " above its cap");
          if (rate >= cap * (1 - REL)) {
            bottleneckedByCap++;
            continue;
          }
        }
        boolean egress = saturatedAndMax(n, f.from(), true, rate);
        boolean ingress = saturatedAndMax(n, f.to(), false, rate);
        assertTrue(egress || ingress, where + ": " + id + " at " + rate + " bit/s is not bottlenecked: " + n.rates());
        bottleneckedByNic++;
      }
    }
    assertTrue(bottleneckedByCap > 50 && bottleneckedByNic > 500,
        "the instances exercise both kinds of bottleneck: " + bottleneckedByCap + " by cap, " + bottleneckedByNic + " by NIC");
  }

  private static boolean saturatedAndMax(FlowNetwork<String> n, String node, boolean egress, double rate) {
    double used = egress ? n.egressBitsPerSecond(node) : n.ingressBitsPerSecond(node);
    if (used < n.capacityOf(node) * (1 - REL)) {
      return false;
    }
    for (String other : n.flowsOf(node)) {
      FlowNetwork.Flow<String> o = n.flow(other).orElseThrow();
      boolean sameResource = egress ? o.from().equals(node) : o.to().equals(node);
      if (sameResource && n.rateOf(other) > rate * (1 + REL)) {
        return false;
      }
    }
    return true;
  }

  @Test
  void randomRunsFinishEveryByteAndNeverEarly() {
    SplittableRandom r = new SplittableRandom(99);
    for (int instance = 0; instance < 50; instance++) {
      FlowNetwork<String> n = network(10 * GBIT, "a", "b", "c", "d");
      String[] names = {"a", "b", "c", "d"};
      long t = 0;
      int started = 0;
      int finished = 0;
      for (int step = 0; step < 30; step++) {
        t += r.nextLong(SECOND);
        // Before each change, every pending finish up to then is collected; check none is early.
        while (n.nextCompletion().isPresent() && n.nextCompletion().get().atNanos() <= t) {
          long at = n.nextCompletion().get().atNanos();
          String id = n.nextCompletion().get().flowId();
          if (at - 1 >= n.now()) {
            n.advanceTo(at - 1);
            assertTrue(n.remainingBytes(id) > 0, "instance " + instance + ": " + id + " reported done with nothing left 1 ns early");
          }
          finished += n.advanceTo(at).size();
        }
        finished += n.advanceTo(t).size();
        int from = r.nextInt(4);
        int to = (from + 1 + r.nextInt(3)) % 4;
        n.addFlow("f" + step, names[from], names[to], r.nextLong(2 * GIB), r.nextBoolean() ? 0 : 3 * GBIT, t);
        started++;
      }
      finished += drain(n).size();
      assertEquals(started, finished, "every flow finishes exactly once");
      assertFalse(n.nextCompletion().isPresent());
    }
  }
}
