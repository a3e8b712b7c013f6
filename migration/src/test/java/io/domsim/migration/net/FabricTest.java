package io.domsim.migration.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.migration.net.Fabric.FlowBroken;
import io.domsim.migration.net.Fabric.FlowDone;
import io.domsim.kernel.testkit.SimHarness.Received;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.SimulationFailure;
import io.domsim.kernel.SimEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Fabric actor on a real SimKernel, on both clocks (the real one paced at {@link FabricHarness#REAL_SPEED}). A
 * flow's bytes move from one latency after its start (the inputs that shape the rates take effect one latency after
 * their cause), and its last byte arrives one latency after it left: a flow alone takes its size over the NIC plus two
 * latencies.
 */
@Timeout(60)
@ParameterizedClass
@EnumSource(ClockKind.class)
class FabricTest {
  @Parameter
  ClockKind clock;

  static final long GIB = 1L << 30;
  static final long GBIT = 1_000_000_000L;
  static final long SECOND = 1_000_000_000L;
  static final long MS = 1_000_000L;
  static final long LATENCY = 100_000; // 100 µs

  private static TreeMap<String, Long> nics(long bitsPerSecond, String... nodes) {
    TreeMap<String, Long> m = new TreeMap<>();
    for (String n : nodes) {
      m.put(n, bitsPerSecond);
    }
    return m;
  }

  /** Exact nanoseconds to send {@code bytes} at {@code bitsPerSecond}. */
  private static double sendNanos(double bytes, double bitsPerSecond) {
    return bytes * 8 * 1e9 / bitsPerSecond;
  }

  /** Checks that {@code r} is the FlowDone of {@code id}, delivered at its finish, about {@code expectedNanos}. */
  private static FlowDone assertDone(Received r, String id, long bytes, long startedNanos, double expectedNanos) {
    FlowDone d = assertInstanceOf(FlowDone.class, r.message(), () -> "expected " + id + " done, got " + r);
    assertEquals(FabricHarness.id(id), d.flowId());
    assertEquals(bytes, d.bytes());
    assertEquals(startedNanos, d.startedNanos());
    assertEquals(r.atNanos(), d.finishedNanos(), "delivered at the instant the last byte arrives");
    assertTrue(d.finishedNanos() >= expectedNanos - 1e-3 && d.finishedNanos() <= expectedNanos + 2,
        id + " arrived at " + d.finishedNanos() + " ns, expected " + expectedNanos + " ns rounded up");
    return d;
  }

  private static void assertBroken(Received r, String id, String node, long atNanos) {
    FlowBroken b = assertInstanceOf(FlowBroken.class, r.message(), () -> "expected " + id + " broken, got " + r);
    assertEquals(FabricHarness.id(id), b.flowId());
    assertEquals(node, b.node());
    assertEquals(atNanos, r.atNanos(), "broken at once");
  }

  @Test
  void aFlowDoneOnDepartureIsDoneWhenItsLastByteLeavesAndTheNextMayGoMeanwhile() throws Exception {
    Fabric.Stream pipelined = new Fabric.Stream(Fabric.Delivery.DEPARTURE, 0, 0);
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), 50 * MS)) {
      h.start("m", "a", "b", GIB, 0, pipelined);
      h.start("z", "a", "b", 0, 0, pipelined); // nothing to send: done once its start takes effect
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(2, events.size(), events::toString);
      assertDone(events.get(0), "z", 0, 0, 50 * MS);
      // From 50 ms on, 1 GiB at 10 Gbit/s: 0.8589934592 s, without the 50 ms the last byte then takes to arrive.
      assertDone(events.get(1), "m", GIB, 0, 50 * MS + 858_993_459.2);
    }
  }

  @Test
  void oneFlowTakesItsSizeOverTheNicPlusTwoLatencies() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("m", "a", "b", GIB, 0);
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), events::toString);
      // 100 µs until the start takes effect, 1 GiB at 10 Gbit/s: 0.8589934592 s, then 100 µs for the last byte.
      assertDone(events.get(0), "m", GIB, 0, LATENCY + 858_993_459.2 + LATENCY);
    }
  }

  @Test
  void aCutLinkStallsItsFlowsWhichMoveOnWhenItHeals() throws Exception {
    try (FabricHarness h = new FabricHarness(io.domsim.kernel.ClockKind.VIRTUAL, nics(10 * GBIT, "a", "b", "c"), LATENCY)) {
      h.start("m", "a", "b", GIB, 0);
      h.start("other", "a", "c", GIB, 0);
      h.runUntil(100 * MS);
      h.tell(cause -> new Fabric.LinkChanged("b", 0, LATENCY, cause)); // b cut off: m stalls, other takes all of a's NIC
      h.runUntil(2 * SECOND);
      List<Received> events = h.events();
      assertInstanceOf(Fabric.FlowStalled.class, events.get(0).message(), events::toString);
      assertEquals(100 * MS, events.get(0).atNanos());
      assertEquals(FabricHarness.id("m"), ((Fabric.FlowStalled) events.get(0).message()).flowId());
      // other: from 100 µs to 100 ms at 5 Gbit/s, then the rest at 10 Gbit/s (a cut acts at once).
      double otherLeft = GIB - (100 * MS - LATENCY) * 5.0 / 8;
      assertDone(events.get(1), "other", GIB, 0, 100 * MS + sendNanos(otherLeft, 10 * GBIT) + LATENCY);
      assertEquals(0, h.rate("m").bitsPerSecond(), "stalled, not gone");
      h.tell(cause -> new Fabric.LinkChanged("b", 10 * GBIT, 20 * MS, cause)); // healed, with a slower last byte
      h.runUntil(10 * SECOND);
      events = h.events();
      assertInstanceOf(Fabric.FlowMoving.class, events.get(2).message(), events::toString);
      assertEquals(2 * SECOND, events.get(2).atNanos());
      double mLeft = GIB - (100 * MS - LATENCY) * 5.0 / 8;
      assertDone(events.get(3), "m", GIB, 0, 2 * SECOND + sendNanos(mLeft, 10 * GBIT) + 20 * MS);
    }
  }

  @Test
  void framingLeavesTheStreamItsPayloadShareOfTheLineRateAlsoOnAChangedLink() throws Exception {
    double payload = 1448.0 / 1538; // network.mtu = 1500
    try (FabricHarness h = new FabricHarness(nics(GBIT, "a", "b"), LATENCY, payload)) {
      h.start("m", "a", "b", GIB, 0);
      h.runUntil(SECOND / 2);
      assertEquals(Math.round(GBIT * payload), h.rate("m").bitsPerSecond(), 1.0);
      h.tell(cause -> new Fabric.LinkChanged("a", GBIT / 2, LATENCY, cause));
      h.runUntil(SECOND);
      assertEquals(Math.round(GBIT / 2 * payload), h.rate("m").bitsPerSecond(), 1.0);
    }
    try (FabricHarness h = new FabricHarness(nics(GBIT, "a", "b"), LATENCY, payload)) {
      h.start("capped", "a", "b", GIB, 500_000_000L);
      h.runUntil(SECOND / 2);
      assertEquals(500_000_000L, h.rate("capped").bitsPerSecond(), 1.0, "a cap is on the data, not the frames");
    }
  }

  @Test
  void aDegradedNicCarriesAtMostItsNewRate() throws Exception {
    try (FabricHarness h = new FabricHarness(io.domsim.kernel.ClockKind.VIRTUAL, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.tell(cause -> new Fabric.LinkChanged("a", GBIT, LATENCY, cause));
      h.start("m", "a", "b", GIB, 0);
      h.runUntil(SECOND / 2);
      assertEquals(GBIT, h.rate("m").bitsPerSecond(), 1.0);
      h.runUntil(20 * SECOND);
      assertDone(h.events().get(0), "m", GIB, 0, LATENCY + sendNanos(GIB, GBIT) + LATENCY);
    }
  }

  @Test
  void twoFlowsOverOneNicEachTakeTwiceAsLong() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b", "c"), LATENCY)) {
      h.start("m1", "a", "b", GIB, 0);
      h.start("m2", "a", "c", GIB, 0);
      h.runUntil(MS);
      assertEquals(5 * GBIT, h.rate("m1").bitsPerSecond(), 1.0);
      assertEquals(5 * GBIT, h.rate("m2").bitsPerSecond(), 1.0);
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(2, events.size(), events::toString);
      double alone = sendNanos(GIB, 10 * GBIT);
      assertDone(events.get(0), "m1", GIB, 0, LATENCY + 2 * alone + LATENCY);
      assertDone(events.get(1), "m2", GIB, 0, LATENCY + 2 * alone + LATENCY);
    }
  }

  @Test
  void nodeFailedBreaksThatNodesFlowsAndSpeedsUpTheOthers() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b", "c", "d"), LATENCY)) {
      h.start("from-a", "a", "c", GIB, 0);
      h.start("from-b", "b", "c", GIB, 0);
      h.start("d-to-a", "d", "a", GIB, 0);
      h.runUntil(SECOND / 2);
      assertEquals(5 * GBIT, h.rate("from-b").bitsPerSecond(), 1.0, "sharing c's ingress");

      h.tell(cause -> new Fabric.NodeFailed("a", cause));
      h.runUntil(SECOND / 2);
      List<Received> events = h.events();
      assertEquals(2, events.size(), events::toString);
      assertBroken(events.get(0), "d-to-a", "a", SECOND / 2);
      assertBroken(events.get(1), "from-a", "a", SECOND / 2);
      Fabric.Rate survivor = h.rate("from-b");
      assertEquals(10 * GBIT, survivor.bitsPerSecond(), 1.0, "alone on c's ingress now: a failure acts at once");
      double left = GIB - (SECOND / 2 - LATENCY) * 5.0 / 8;
      assertEquals(left, survivor.remainingBytes(), 1.0);
      assertFalse(h.rate("from-a").active());

      // Nothing more to or from the failed node until it recovers.
      h.start("again", "a", "b", GIB, 0);
      h.start("towards", "b", "a", GIB, 0);
      h.runUntil(10 * SECOND);
      events = h.events();
      assertEquals(5, events.size(), events::toString);
      assertBroken(events.get(2), "again", "a", SECOND / 2);
      assertBroken(events.get(3), "towards", "a", SECOND / 2);
      assertDone(events.get(4), "from-b", GIB, 0, SECOND / 2 + sendNanos(left, 10 * GBIT) + LATENCY);

      h.tell(cause -> new Fabric.NodeRecovered("a", cause));
      h.start("back", "a", "b", 1000, 0);
      h.runUntil(20 * SECOND);
      events = h.events();
      assertEquals(6, events.size(), events::toString);
      assertDone(events.get(5), "back", 1000, 10 * SECOND, 10 * SECOND + LATENCY + 800 + LATENCY);
    }
  }

  @Test
  void aRecoveredNodeBootsWithoutItsGuestsTraffic() throws Exception {
    try (FabricHarness h = new FabricHarness(io.domsim.kernel.ClockKind.VIRTUAL, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.tell(cause -> new Fabric.GuestTraffic("a", 0, 9 * GBIT, cause));
      h.tell(cause -> new Fabric.NodeFailed("a", cause));
      h.tell(cause -> new Fabric.NodeRecovered("a", cause));
      h.start("in", "b", "a", GIB, 0);
      h.runUntil(MS);
      assertEquals(10 * GBIT, h.rate("in").bitsPerSecond(), 1.0, "the guests that sent 9 Gbit/s to a are gone");
    }
  }

  @Test
  void aFailureWhileTheLastByteIsInFlightBreaksTheFlow() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("short", "a", "b", 1000, 0); // from 100 µs on, 800 ns to send, then 100 µs in flight
      h.runUntil(LATENCY + LATENCY / 2);
      assertFalse(h.rate("short").active(), "all bytes sent");
      assertTrue(h.events().isEmpty(), "not arrived yet");
      h.tell(cause -> new Fabric.NodeFailed("b", cause));
      h.runUntil(SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), events::toString);
      assertBroken(events.get(0), "short", "b", LATENCY + LATENCY / 2);
    }
  }

  @Test
  void cancelFlowSpeedsUpTheOthersAndTellsNobody() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b", "c"), LATENCY)) {
      h.start("gone", "a", "b", GIB, 0);
      h.start("kept", "a", "c", GIB, 0);
      h.runUntil(SECOND / 2);
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("gone"), cause));
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("no-such-flow"), cause));
      h.runUntil(SECOND / 2 + LATENCY - 1);
      assertEquals(5 * GBIT, h.rate("gone").bitsPerSecond(), 1.0, "its FIN is not felt yet");
      h.runUntil(SECOND / 2 + LATENCY);
      assertFalse(h.rate("gone").active());
      assertEquals(10 * GBIT, h.rate("kept").bitsPerSecond(), 1.0);
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), "only the kept flow reports: " + events);
      double left = GIB - 0.5 * 5e9 / 8; // 5 Gbit/s from 100 µs to 0.5 s + 100 µs
      assertDone(events.get(0), "kept", GIB, 0, SECOND / 2 + LATENCY + sendNanos(left, 10 * GBIT) + LATENCY);
    }
  }

  @Test
  void cancellingInTheTailWithdrawsTheDelivery() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("short", "a", "b", 1000, 0); // its last byte leaves at 100.8 µs, arrives at 200.8 µs
      h.runUntil(LATENCY + LATENCY / 2);
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("short"), cause));
      h.runUntil(SECOND);
      assertTrue(h.events().isEmpty(), h.events()::toString);
    }
  }

  @Test
  void zeroByteFlowsDuplicatesAndUnknownNodes() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b", "c"), LATENCY)) {
      h.runUntil(SECOND);
      h.start("empty", "a", "b", 0, 0);
      h.start("dup", "a", "b", GIB, 0);
      h.start("dup", "a", "c", GIB, 0);
      h.start("lost", "a", "zz", GIB, 0);
      h.runUntil(SECOND + LATENCY);
      assertEquals(10 * GBIT, h.rate("dup").bitsPerSecond(), 1.0, "the refused duplicate takes no bandwidth");
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(4, events.size(), events::toString);
      // Refusals need no rates: at once.
      assertBroken(events.get(0), "dup", Fabric.DUPLICATE, SECOND);
      assertBroken(events.get(1), "lost", "zz", SECOND);
      assertDone(events.get(2), "empty", 0, SECOND, SECOND + 2 * LATENCY);
      assertEquals(SECOND + 2 * LATENCY, events.get(2).atNanos(), "a zero-byte flow: its start, then its last byte");
      assertDone(events.get(3), "dup", GIB, SECOND, SECOND + LATENCY + sendNanos(GIB, 10 * GBIT) + LATENCY);
    }
  }

  /**
   * Twenty flows start 1 ms apart, each moving the completion. With the timer moved (cancelled and set
   * again) only the twenty starts' effects, the real completions and the twenty arrivals fire; timers left behind
   * would fire too.
   */
  @Test
  void onlyOneCompletionTimerIsPending() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(0);
      long before = h.kernel.timersFired();
      for (int i = 0; i < 20; i++) {
        h.start(String.format("f%02d", i), "a", "b", GIB, 0);
        h.runUntil((i + 1) * MS);
      }
      h.runUntil(60 * SECOND);
      List<Received> events = h.events();
      assertEquals(20, events.size());
      long completionInstants = events.stream().mapToLong(r -> ((FlowDone) r.message()).finishedNanos()).distinct().count();
      assertEquals(20 + completionInstants + 20, h.kernel.timersFired() - before,
          "one effect per start instant, one tick per completion instant, one arrival per flow");
      // Equal shares: flow i leads flow i+1 by what it sent in the 1 ms before i+1 started, at 1/(i+1)
      // of the NIC; when flow i finishes, 19-i flows share the NIC, so the gap is 1 ms * (19-i)/(i+1).
      for (int i = 0; i < 19; i++) {
        long gap = events.get(i + 1).atNanos() - events.get(i).atNanos();
        assertEquals(MS * (19.0 - i) / (i + 1), gap, 3, "gap between finish " + i + " and " + (i + 1));
      }
      // Work-conserving: the NIC is busy from 0 until all 20 GiB have left.
      assertEquals(LATENCY + sendNanos(20.0 * GIB, 10 * GBIT) + LATENCY, events.get(19).atNanos(), 3, "last arrival");
    }
  }

  /**
   * A start that takes effect at the very instant a flow finishes finds that flow collected: the new flow starts on
   * a free NIC, and the finished one arrives one latency after its last byte left. The fabric settles before it
   * acts, at the one instant it read for the command.
   */
  @Test
  void aStartTakingEffectAtTheInstantAFlowFinishesFindsItCollectedFirst() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("m1", "a", "b", GIB, 0);
      long alone = (long) Math.ceil(sendNanos(GIB, 10 * GBIT)); // 858,993,460 ns
      long finish = LATENCY + alone;
      h.runUntil(0);
      SimEntity early = h.kernel.entity("early");
      assertTrue(early.name().compareTo(Fabric.ENTITY) < 0);
      h.tellAt(early, finish - LATENCY,
          cause -> new Fabric.StartFlow(FabricHarness.id("m2"), "a", "b", GIB, 0, h.owner(), cause));
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(2, events.size(), events::toString);
      assertDone(events.get(0), "m1", GIB, 0, finish + LATENCY);
      assertDone(events.get(1), "m2", GIB, finish - LATENCY, finish + alone + LATENCY);
    }
  }

  /**
   * An input that shapes the rates must come before the inputs of its effect instant (one latency after its cause)
   * are applied: one that comes later fails the run, naming the fabric.
   */
  @Test
  void anInputThatComesAfterItsEffectInstantFailsTheRun() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(SECOND);
      h.tell(cause -> new Fabric.StartFlow(FabricHarness.id("m"), "a", "b", GIB, 0, h.owner(),
          EventKey.startOf(SECOND / 2)));
      SimulationFailure f = h.kernel.whenFailed().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(f.actor().endsWith("/fabric"), f.describe());
      assertTrue(f.describe().contains("it came at 1000000000 ns, after the inputs of its effect instant (500100000 ns,"
          + " one latency after its cause) were applied"), f.describe());
    }
  }

  /**
   * Inputs that act at once (the operator's) are applied in the order of the events that caused them, which in one
   * JVM is the order they come in: one whose cause sorts below that of such an input already applied fails the run.
   */
  @Test
  void anInputActingAtOnceCausedBeforeOneAlreadyAppliedFailsTheRun() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(SECOND);
      h.tell(cause -> new Fabric.NodeFailed("b", new EventKey(SECOND, "sim-b", 3)));
      h.tell(cause -> new Fabric.LinkChanged("a", 0, LATENCY, new EventKey(SECOND, "sim-a", 7)));
      SimulationFailure f = h.kernel.whenFailed().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(f.actor().endsWith("/fabric"), f.describe());
      assertTrue(f.describe().contains("cause=EventKey[time=1000000000, entity=sim-a, sequence=7]] is out of the"
          + " order of its cause: an input caused by event EventKey[time=1000000000, entity=sim-b, sequence=3]"
          + " has been applied before it"), f.describe());
    }
  }

  /** An input acting at once is a zero-time tell: one stamped at an earlier instant fails the run. */
  @Test
  void anInputActingAtOnceCausedAtAnotherInstantFailsTheRun() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(SECOND);
      h.tell(cause -> new Fabric.NodeFailed("b", EventKey.startOf(SECOND / 2)));
      SimulationFailure f = h.kernel.whenFailed().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(f.actor().endsWith("/fabric"), f.describe());
      assertTrue(f.describe().contains("it came at 1000000000 ns, not at its cause's instant"), f.describe());
    }
  }

  /** Inputs of one instant from several causes, told in key order, are all applied (the order the loop gives). */
  @Test
  void inputsOfOneInstantInTheOrderOfTheirCausesAreApplied() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(SECOND);
      SimEntity early = h.kernel.entity("early");
      SimEntity late = h.kernel.entity("late");
      // Set in the wrong order: the timers' keys, and so the causes, decide.
      h.tellAt(late, 2 * SECOND, cause -> new Fabric.NodeFailed("b", cause));
      h.tellAt(early, 2 * SECOND,
          cause -> new Fabric.StartFlow(FabricHarness.id("m"), "a", "b", GIB, 0, h.owner(), cause));
      h.runUntil(3 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), events::toString);
      assertBroken(events.get(0), "m", "b", 2 * SECOND);
      assertEquals(0, ((FlowBroken) events.get(0).message()).bytesSent());
      assertFalse(h.kernel.whenFailed().toCompletableFuture().isDone());
    }
  }

  /**
   * Each input that shapes the rates takes effect exactly one latency after its cause: a start, a guest's traffic
   * and a cancel each leave the rates as they were until then, and change them at that instant.
   */
  @Test
  void anInputTakesEffectExactlyOneLatencyAfterItsCause() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b", "c"), LATENCY)) {
      h.runUntil(SECOND);
      h.start("m", "a", "b", 10 * GIB, 0);
      h.runUntil(SECOND + LATENCY - 1);
      assertFalse(h.rate("m").active(), "its first segment is not felt yet");
      assertTrue(h.events().isEmpty(), h.events()::toString);
      h.runUntil(SECOND + LATENCY);
      assertEquals(10 * GBIT, h.rate("m").bitsPerSecond(), 1.0);
      assertEquals(10 * GIB, h.rate("m").remainingBytes(), 1e-6, "no byte has moved before its effect");

      h.runUntil(2 * SECOND);
      h.tell(cause -> new Fabric.GuestTraffic("a", 4 * GBIT, 0, cause));
      h.runUntil(2 * SECOND + LATENCY - 1);
      assertEquals(10 * GBIT, h.rate("m").bitsPerSecond(), 1.0);
      h.runUntil(2 * SECOND + LATENCY);
      assertEquals(6 * GBIT, h.rate("m").bitsPerSecond(), 1.0, "the guests take their 4 Gbit/s of a's NIC");

      h.start("n", "a", "c", GIB, 0);
      h.runUntil(2 * SECOND + 2 * LATENCY);
      assertEquals(10.0 * GBIT / 3, h.rate("m").bitsPerSecond(), 1.0, "max-min: a third each, the guests want more");
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("n"), cause));
      h.runUntil(2 * SECOND + 3 * LATENCY - 1);
      assertEquals(10.0 * GBIT / 3, h.rate("m").bitsPerSecond(), 1.0);
      h.runUntil(2 * SECOND + 3 * LATENCY);
      assertEquals(6 * GBIT, h.rate("m").bitsPerSecond(), 1.0);
      assertFalse(h.rate("n").active());
    }
  }

  /**
   * Inputs whose effect falls at one instant are applied in the order of their causes' keys, not in the order they
   * came in (a replica of the fabric learns other members' inputs late, all at once): of two guest traffics for one
   * NIC the later cause's stands, and a cancel caused before a start of that flow withdraws nothing.
   */
  @Test
  void inputsThatComeInTheOppositeOrderOfTheirCausesAreAppliedInKeyOrder() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("m", "a", "b", 20 * GIB, 0);
      h.runUntil(SECOND);
      EventKey first = new EventKey(SECOND, "dom0-a", 0);
      EventKey second = new EventKey(SECOND, "dom0-b", 0);
      h.tell(cause -> new Fabric.GuestTraffic("a", 4 * GBIT, 0, second));
      h.tell(cause -> new Fabric.GuestTraffic("a", 8 * GBIT, 0, first));
      h.tell(cause -> new Fabric.StartFlow(FabricHarness.id("n"), "b", "a", GIB, 0, h.owner(), second));
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("n"), first));
      h.runUntil(SECOND + LATENCY);
      assertEquals(6 * GBIT, h.rate("m").bitsPerSecond(), 1.0, "4 Gbit/s for the guests (the later cause), not 8");
      assertEquals(10 * GBIT, h.rate("n").bitsPerSecond(), 1.0, "the cancel came first: nothing to withdraw");
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), events::toString);
      assertDone(events.get(0), "n", GIB, SECOND, SECOND + LATENCY + sendNanos(GIB, 10 * GBIT) + LATENCY);
      assertFalse(h.kernel.whenFailed().toCompletableFuture().isDone());
    }
  }

  /**
   * An input may come after its cause (a replica hears of other members' inputs at the end of a window) as long as
   * it comes before its effect instant: it takes effect one latency after its cause all the same.
   */
  @Test
  void anInputThatComesLateButBeforeItsEffectTakesEffectOneLatencyAfterItsCause() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(SECOND);
      h.tell(cause -> new Fabric.StartFlow(FabricHarness.id("m"), "a", "b", GIB, 0, h.owner(),
          new EventKey(SECOND - LATENCY / 2, "dom0-a", 4)));
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), events::toString);
      assertDone(events.get(0), "m", GIB, SECOND - LATENCY / 2,
          SECOND + LATENCY / 2 + sendNanos(GIB, 10 * GBIT) + LATENCY);
    }
  }

  /**
   * A flow cancelled before its start takes effect still takes its share of the NICs from its start's effect to
   * its cancel's (the far NIC feels the stream, then its FIN, one latency after each), and its owner hears nothing.
   */
  @Test
  void aFlowCancelledBeforeItsStartTakesEffectTellsNobodyButHoldsItsShareUntilTheCancelTakesEffect()
      throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b", "c"), LATENCY)) {
      h.start("gone", "a", "b", GIB, 0);
      h.start("kept", "a", "c", GIB, 0);
      h.runUntil(LATENCY / 2);
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("gone"), cause));
      h.runUntil(LATENCY + LATENCY / 4);
      assertEquals(5 * GBIT, h.rate("kept").bitsPerSecond(), 1.0);
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), "only the kept flow reports: " + events);
      double left = GIB - LATENCY / 2 * 5.0 / 8; // 5 Gbit/s from 100 µs to 150 µs
      assertDone(events.get(0), "kept", GIB, 0, LATENCY + LATENCY / 2 + sendNanos(left, 10 * GBIT) + LATENCY);
    }
  }

  /** A small flow cancelled in the latency before its start takes effect is never heard of, done or not. */
  @Test
  void aFlowStartedAndDoneWithinTheCancelsLatencyIsNotHeardOf() throws Exception {
    Fabric.Stream pipelined = new Fabric.Stream(Fabric.Delivery.DEPARTURE, 0, 0);
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("short", "a", "b", 1000, 0, pipelined); // would be done at 100.8 µs
      h.start("none", "a", "b", 0, 0); // would arrive at 200 µs
      h.runUntil(LATENCY / 2);
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("short"), cause));
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("none"), cause));
      h.runUntil(SECOND);
      assertTrue(h.events().isEmpty(), h.events()::toString);
    }
  }

  /**
   * A failure needs no rates to be told: a flow whose endpoint fails before its start takes effect is broken at the
   * failure, having sent nothing, and never starts.
   */
  @Test
  void anEndpointFailingBeforeTheStartTakesEffectBreaksItAtOnce() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.start("m", "a", "b", GIB, 0);
      h.runUntil(LATENCY / 2);
      h.tell(cause -> new Fabric.NodeFailed("b", cause));
      h.tell(cause -> new Fabric.NodeRecovered("b", cause));
      h.runUntil(10 * SECOND);
      List<Received> events = h.events();
      assertEquals(1, events.size(), events::toString);
      assertBroken(events.get(0), "m", "b", LATENCY / 2);
      assertEquals(0, ((FlowBroken) events.get(0).message()).bytesSent());
      assertFalse(h.rate("m").active());
    }
  }

  /**
   * A start and its cancel of one cause (an owner that gives a flow up in the event that started it): from the
   * cancel on its owner hears nothing, not even a FlowBroken when an endpoint fails before the start takes effect.
   */
  @Test
  void aFlowCancelledByTheEventThatStartedItIsNotBrokenToItsOwner() throws Exception {
    try (FabricHarness h = new FabricHarness(clock, nics(10 * GBIT, "a", "b"), LATENCY)) {
      h.runUntil(SECOND);
      h.start("m", "a", "b", GIB, 0);
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("m"), cause)); // the same cause as the start
      h.tell(cause -> new Fabric.NodeFailed("b", cause));
      h.runUntil(10 * SECOND);
      assertTrue(h.events().isEmpty(), h.events()::toString);
      assertFalse(h.kernel.whenFailed().toCompletableFuture().isDone());
    }
  }

  private List<String> scenario() throws Exception {
    TreeMap<String, Long> nics = new TreeMap<>();
    nics.put("a", 10 * GBIT);
    nics.put("b", 10 * GBIT);
    nics.put("c", 25 * GBIT);
    nics.put("d", GBIT);
    try (FabricHarness h = new FabricHarness(clock, nics, 50_000)) {
      h.start("m1", "a", "b", 2 * GIB, 0);
      h.start("m2", "a", "c", GIB, 3 * GBIT);
      h.start("m3", "c", "b", 3 * GIB, 0);
      h.start("m4", "d", "c", GIB / 4, 0);
      h.runUntil(300 * MS);
      h.start("m5", "b", "a", GIB, 0);
      h.start("m6", "c", "d", GIB / 8, 0);
      h.start("m7", "c", "a", 0, 0);
      h.runUntil(500 * MS);
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("m3"), cause));
      h.runUntil(700 * MS);
      h.tell(cause -> new Fabric.NodeFailed("d", cause));
      h.runUntil(30 * SECOND);
      List<String> log = new ArrayList<>();
      for (Received r : h.events()) {
        log.add(r.atNanos() + " " + r.message());
      }
      return log;
    }
  }

  @Test
  void sameInputsGiveTheSameFinishTimes() throws Exception {
    List<String> first = scenario();
    List<String> second = scenario();
    assertEquals(first, second);
    assertEquals(6, first.size(), first::toString); // m3 cancelled: no event
    assertTrue(first.stream().anyMatch(s -> s.contains("FlowBroken[flowId=m6 FinalCopy[], node=d, bytesSent=")), first::toString);
    assertTrue(first.stream().anyMatch(s -> s.contains("FlowDone[flowId=m7")), first::toString);
  }
}
