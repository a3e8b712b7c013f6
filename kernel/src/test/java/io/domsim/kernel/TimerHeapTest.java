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
        heap.add(t);
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
