package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimerHeapTest {
  @Test
  void pollsInTheSameOrderAsSortingByTimeEntityAndSequence() {
    SplittableRandom r = new SplittableRandom(5);
    // Names whose first eight chars tie (decided by the names themselves), and chars a byte cannot hold.
    String[] names = {"a", "b", "node-1", "node-10", "node-2", "node-1000/xen", "node-100/xen",
        "guest/web-1/workload", "guest/web-10/workload", "\u0100x", "\u00ffy", "ab\u0000"};
    long[] seqs = new long[names.length];
    TimerHeap heap = new TimerHeap(4); // grows
    PriorityQueue<SimTimer> reference = new PriorityQueue<>();
    List<SimTimer> polled = new ArrayList<>();
    List<SimTimer> expected = new ArrayList<>();
    long now = 0;
    for (int step = 0; step < 50_000; step++) {
      if (r.nextInt(3) > 0 || heap.size() == 0) {
        int e = r.nextInt(names.length);
        // Few distinct times, so ties in time (and in entity) are frequent.
        SimTimer t = new SimTimer(now + r.nextInt(20), new String(names[e]).intern(), seqs[e]++, null, null);
        heap.add(t, r.nextInt(4) == 0); // now and then offered to the lane, which takes it only in order
        reference.add(t);
      } else {
        SimTimer a = heap.poll();
        SimTimer b = reference.poll();
        polled.add(a);
        expected.add(b);
        now = a.time;
      }
      assertEquals(reference.size(), heap.size());
      assertSame(reference.peek(), heap.peek());
    }
    while (heap.size() > 0) {
      polled.add(heap.poll());
      expected.add(reference.poll());
    }
    assertEquals(expected, polled);
    assertNull(heap.poll());
    assertNull(heap.peek());
  }

  /**
   * Periodic ticks of many entities (each sets its next one an interval after it fires, in the lane when
   * it comes in order) among random timers: the lane and the heap together give the one order, and the
   * ticks went through the lane but for the first ones, set out of order.
   */
  @Test
  void ticksInTheLaneAndTimersInTheHeapPollInOneOrder() {
    SplittableRandom r = new SplittableRandom(17);
    String[] names = new String[300];
    for (int i = 0; i < names.length; i++) {
      names[i] = ("node-" + (i + 1) + "/xen").intern(); // node-100 and node-1000 tie on their keys
    }
    long[] seqs = new long[names.length];
    TimerHeap heap = new TimerHeap(4);
    PriorityQueue<SimTimer> reference = new PriorityQueue<>();
    java.util.IdentityHashMap<SimTimer, Integer> ticks = new java.util.IdentityHashMap<>();
    long interval = 1_000;
    for (int i = 0; i < names.length; i++) {
      // The first ticks are set in creation order, not the loop's: some go to the heap.
      SimTimer t = new SimTimer(interval, names[(i * 7) % names.length], seqs[(i * 7) % names.length]++, null, null);
      ticks.put(t, (i * 7) % names.length);
      heap.add(t, true);
      reference.add(t);
    }
    int inLane = 0;
    List<SimTimer> polled = new ArrayList<>();
    List<SimTimer> expected = new ArrayList<>();
    for (int step = 0; step < 200_000; step++) {
      SimTimer a = heap.poll();
      SimTimer b = reference.poll();
      polled.add(a);
      expected.add(b);
      assertSame(b, a, "step " + step);
      Integer e = ticks.remove(a);
      if (e != null) {
        int before = heap.laneSize();
        SimTimer t = new SimTimer(a.time + interval, names[e], seqs[e]++, null, null);
        ticks.put(t, e);
        heap.add(t, true);
        reference.add(t);
        inLane += heap.laneSize() > before ? 1 : 0;
      }
      if (r.nextInt(4) == 0) {
        int o = r.nextInt(names.length);
        SimTimer t = new SimTimer(a.time + r.nextInt(3) * interval / 2 + r.nextInt(2), names[o], seqs[o]++, null, null);
        heap.add(t, false);
        reference.add(t);
      }
      assertEquals(reference.size(), heap.size());
      assertSame(reference.peek(), heap.peek());
    }
    assertEquals(expected, polled);
    assertTrue(inLane > 150_000, "ticks through the lane: " + inLane);
  }

  @Test
  void entityKeysOrderAsTheNamesWhereverTheyDiffer() {
    SplittableRandom r = new SplittableRandom(11);
    char[] alphabet = {'\u0000', '\u0001', '-', '/', '0', '1', '9', 'a', 'n', '\u007f', '\u0080', '\u00fe',
        '\u00ff', '\u0100', '\uffff'};
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(12);
      for (int j = 0; j < len; j++) {
        b.append(alphabet[r.nextInt(alphabet.length)]);
      }
      names.add(b.toString());
    }
    int decided = 0;
    for (String a : names) {
      for (String b : names) {
        long ka = SimTimer.orderKey(a);
        long kb = SimTimer.orderKey(b);
        if (a.equals(b)) {
          assertEquals(ka, kb);
        } else if (ka != kb) {
          decided++;
          assertEquals(Integer.signum(a.compareTo(b)), Long.signum(Long.compare(ka, kb)), a + " vs " + b);
        }
      }
    }
    assertTrue(decided > 300_000, "keys decided " + decided + " pairs");
  }
}
