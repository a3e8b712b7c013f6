package io.domsim.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimerHeapTest {
  @Test
  void pollsInTheSameOrderAsSortingByTimeEntityAndSequence() {
    SplittableRandom r = new SplittableRandom(5);
    String[] names = {"a", "b", "node-1", "node-10", "node-2"};
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
}
