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

  /**
   * A loop's life on the queue: timers set at every spread, from the instant itself to far beyond the rest
   * (minutes-long phases among microsecond steps, one at the end of time), many at one instant, a quarter
   * cancelled and skipped when due as SimLoop skips them. What fires is what a TreeSet ordered by (time,
   * entity, sequence) gives, timer for timer, while the far list and its refills do their part.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, 1, 1_000_000_000L})
  void firesWhatASortedSetGivesWithCancellationsTiesAndFarTimers(long grain) {
    SplittableRandom r = new SplittableRandom(23 + grain);
    String[] names = new String[200];
    for (int i = 0; i < names.length; i++) {
      // guest/vm-... share their first eight chars: their order is decided by the names.
      names[i] = (i % 2 == 0 ? "guest/vm-" + i + "/workload" : "node-" + i + "/xen").intern();
    }
    long[] seqs = new long[names.length];
    TimerHeap heap = new TimerHeap(4);
    java.util.TreeSet<SimTimer> reference = new java.util.TreeSet<>();
    List<SimTimer> pending = new ArrayList<>();
    long now = 0;
    int fired = 0;
    int sawFar = 0;
    int cancelled = 0;
    for (int step = 0; step < 300_000; step++) {
      int action = r.nextInt(10);
      if (action < 5 || reference.isEmpty()) {
        int e = r.nextInt(names.length);
        // With a grain, every timer is at most 3,000 grains ahead and on a grain: ties at the far list's bound,
        // and timers one grain either side of it, are the rule.
        long delay = grain > 0 ? r.nextInt(3_000) * grain : switch (r.nextInt(6)) {
          case 0 -> 0; // at the instant itself
          case 1 -> r.nextInt(3) * 1_000; // a few instants shared by many
          case 2 -> 1 + r.nextLong(1_000_000);
          case 3 -> (long) (-300e9 * Math.log(1 - r.nextDouble())); // a phase
          case 4 -> (now / 1_000_000_000L + 1 + r.nextInt(600)) * 1_000_000_000L - now; // a trace step: whole seconds
          default -> r.nextInt(50) == 0 ? Long.MAX_VALUE / 2 - now : 3_600_000_000_000L; // the end, an hour on
        };
        SimTimer t = new SimTimer(now + delay, names[e], seqs[e]++, null, null);
        heap.add(t, r.nextInt(8) == 0);
        reference.add(t);
        pending.add(t);
      } else if (action < 7 && !pending.isEmpty()) {
        int i = r.nextInt(pending.size());
        SimTimer t = pending.get(i);
        pending.set(i, pending.get(pending.size() - 1));
        pending.remove(pending.size() - 1);
        if (!t.isCancelled() && reference.remove(t)) {
          t.cancel(); // lazy: it stays queued
          cancelled++;
        }
      } else {
        SimTimer a = heap.poll();
        while (a.isCancelled()) {
          a = heap.poll();
        }
        SimTimer b = reference.pollFirst();
        assertSame(b, a, "timer " + fired);
        now = a.time;
        fired++;
      }
      sawFar += heap.farSize() > 0 ? 1 : 0;
      SimTimer head = heap.peek();
      while (head != null && head.isCancelled()) {
        heap.poll();
        head = heap.peek();
      }
      assertSame(reference.isEmpty() ? null : reference.first(), head, "step " + step);
    }
    while (!reference.isEmpty()) {
      SimTimer a = heap.poll();
      if (!a.isCancelled()) {
        assertSame(reference.pollFirst(), a);
      }
    }
    while (heap.size() > 0) {
      assertTrue(heap.poll().isCancelled());
    }
    assertNull(heap.poll());
    assertTrue(fired > 50_000 && cancelled > 20_000, fired + " fired, " + cancelled + " cancelled");
    assertTrue(sawFar > 100_000, "steps with timers in the far list: " + sawFar);
  }

  /**
   * A pool master's life on the queue: most timers are one entity's, thousands at one instant, ordered by their
   * sequence numbers, among entities whose first eight chars are the master's or each other's, whose order the
   * names decide before the sequence numbers: node-1000's timers are numbered from 0 and node-100's from a million,
   * so sequence numbers alone would put node-1000's first (a queue deciding ties of equal keys by sequence number
   * where the names differ fails here). Some timers carry an equal name that is another string (not interned),
   * which must order as the interned one does. In the heap, the lane and the far list, what comes out is what a
   * TreeSet gives, timer for timer.
   */
  @Test
  void oneEntitysTimersAtOneInstantAndNamesSharingTheirFirstEightCharsKeepTheOrder() {
    SplittableRandom r = new SplittableRandom(31);
    String master = "node-1000/pool-master";
    // Equal keys (their first eight chars are node-100), different names; and node-1/p, a key of its own.
    String[] others = {"node-100/pool-master", "node-100", "node-1000/dom0", "node-1000", "node-1/pool-master"};
    String[] names = new String[others.length + 1];
    names[0] = master;
    System.arraycopy(others, 0, names, 1, others.length);
    long[] seqs = new long[names.length];
    for (int i = 1; i < names.length; i++) {
      seqs[i] = 1_000_000L * i;
    }
    TimerHeap heap = new TimerHeap(4);
    java.util.TreeSet<SimTimer> reference = new java.util.TreeSet<>();
    long now = 0;
    int fired = 0;
    int masterAfterMaster = 0;
    int sharedKeyPairs = 0;
    SimTimer previous = null;
    for (int step = 0; step < 200_000; step++) {
      int action = r.nextInt(10);
      if (action < 6 || reference.isEmpty()) {
        // Now and then a burst: the master sets a thousand timers at one instant, as when it answers a pool.
        int burst = r.nextInt(500) == 0 ? 1_000 : 1;
        long at = now + switch (r.nextInt(4)) {
          case 0 -> 0;
          case 1 -> 1;
          case 2 -> r.nextInt(3) * 1_000_000_000L; // a few instants, far ahead of the rest at first
          default -> r.nextInt(1_000);
        };
        for (int b = 0; b < burst; b++) {
          int e = burst > 1 || r.nextInt(4) > 0 ? 0 : r.nextInt(names.length);
          String name = r.nextInt(8) == 0 ? new String(names[e]) : names[e].intern();
          SimTimer t = new SimTimer(at, name, seqs[e]++, null, null);
          heap.add(t, r.nextInt(4) == 0);
          reference.add(t);
        }
      } else {
        SimTimer a = heap.poll();
        assertSame(reference.pollFirst(), a, "timer " + fired);
        if (previous != null && previous.time == a.time && previous.entityKey == a.entityKey) {
          if (previous.entity.equals(a.entity)) {
            masterAfterMaster += a.entity.equals(master) ? 1 : 0;
          } else {
            sharedKeyPairs++;
          }
        }
        previous = a;
        now = a.time;
        fired++;
      }
      assertEquals(reference.size(), heap.size());
      assertSame(reference.isEmpty() ? null : reference.first(), heap.peek(), "step " + step);
    }
    while (!reference.isEmpty()) {
      assertSame(reference.pollFirst(), heap.poll());
    }
    assertNull(heap.poll());
    // The cases the test is for happened: runs of the master's timers at one instant, and names with one key
    // polled one after the other at one instant.
    assertTrue(masterAfterMaster > 20_000 && sharedKeyPairs > 1_000, masterAfterMaster + " master after master, "
        + sharedKeyPairs + " different names of one key in a row");
  }

  /** Thousands of timers at one instant, set far ahead: one refill moves them all, in their order. */
  @Test
  void manyTimersAtOneFarInstantComeOutInTheirOrder() {
    SplittableRandom r = new SplittableRandom(3);
    TimerHeap heap = new TimerHeap(4);
    java.util.TreeSet<SimTimer> reference = new java.util.TreeSet<>();
    for (int i = 0; i < 5_000; i++) {
      String name = ("guest/vm-" + r.nextInt(2_000) + "/trace").intern();
      SimTimer t = new SimTimer(60_000_000_000L, name, i, null, null);
      heap.add(t);
      reference.add(t);
    }
    assertEquals(5_000, heap.farSize());
    while (!reference.isEmpty()) {
      assertSame(reference.pollFirst(), heap.poll());
    }
    assertNull(heap.peek());
  }

  /**
   * The first timer set is for the end of the run, alone: the heap takes it, and with it, at first, every timer
   * due before it. Once the heap holds far more than its share the later ones go to the far list after all (a
   * heap of every pending timer was what the far list is there to avoid), and the order stays the one order.
   */
  @Test
  void aLoneTimerAtTheEndDoesNotKeepEveryLaterTimerInTheHeap() {
    SplittableRandom r = new SplittableRandom(8);
    TimerHeap heap = new TimerHeap(4);
    java.util.TreeSet<SimTimer> reference = new java.util.TreeSet<>();
    SimTimer end = new SimTimer(86_400_000_000_000L, "scenario", 0, null, null);
    heap.add(end);
    reference.add(end);
    assertSame(end, heap.peek()); // moved into the heap: the bound is the end
    String[] names = new String[1_000];
    for (int i = 0; i < names.length; i++) {
      names[i] = ("guest/vm-" + i + "/workload").intern();
    }
    long now = 0;
    int most = 0;
    for (int step = 0; step < 100_000; step++) {
      int g = r.nextInt(names.length);
      SimTimer t = new SimTimer(now + (long) (-300e9 * Math.log(1 - r.nextDouble())), names[g], step + 1, null, null);
      heap.add(t);
      reference.add(t);
      if (reference.size() > 1_000) {
        SimTimer a = heap.poll();
        assertSame(reference.pollFirst(), a, "step " + step);
        now = a.time;
      }
      most = Math.max(most, heap.farSize());
    }
    assertTrue(most > 500, "the far list held at most " + most + " of 1,000 timers");
    while (!reference.isEmpty()) {
      assertSame(reference.pollFirst(), heap.poll());
    }
    assertNull(heap.poll());
  }
}
