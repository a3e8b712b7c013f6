package io.domsim.kernel;

import java.util.Arrays;

/**
 * The loop's timer queue: a binary min-heap ordered like {@link SimTimer#compareTo} (time, entity,
 * sequence). The times are kept in a primitive array beside the timers, so sifting compares longs in
 * one contiguous array and only touches the timer objects on a tie in time. A PriorityQueue of timers
 * dereferenced every compared timer, and that cache traffic was the loop's largest cost. Loop thread only.
 */
final class TimerHeap {
  private long[] times;
  private SimTimer[] timers;
  private int size;

  TimerHeap(int capacity) {
    times = new long[Math.max(16, capacity)];
    timers = new SimTimer[times.length];
  }

  int size() {
    return size;
  }

  /** The first timer in order, or null. */
  SimTimer peek() {
    return size == 0 ? null : timers[0];
  }

  void add(SimTimer t) {
    if (size == timers.length) {
      int n = timers.length * 2;
      times = Arrays.copyOf(times, n);
      timers = Arrays.copyOf(timers, n);
    }
    long time = t.time;
    int k = size++;
    while (k > 0) {
      int parent = (k - 1) >>> 1;
      long pt = times[parent];
      if (!precedes(time, t, pt, timers[parent])) {
        break;
      }
      times[k] = pt;
      timers[k] = timers[parent];
      k = parent;
    }
    times[k] = time;
    timers[k] = t;
  }

  /** Removes and returns the first timer in order, or null. */
  SimTimer poll() {
    if (size == 0) {
      return null;
    }
    SimTimer first = timers[0];
    int n = --size;
    SimTimer last = timers[n];
    long lastTime = times[n];
    timers[n] = null;
    if (n > 0) {
      siftDown(last, lastTime, n);
    }
    return first;
  }

  /**
   * Does {@code a} (due at {@code at}) come strictly before {@code b} (due at {@code bt})? Times first,
   * compared as longs; the timers themselves only on equal times.
   */
  private static boolean precedes(long at, SimTimer a, long bt, SimTimer b) {
    return at < bt || (at == bt && a.compareTo(b) < 0);
  }

  private void siftDown(SimTimer x, long xt, int n) {
    long[] ts = times;
    SimTimer[] items = timers;
    int k = 0;
    int half = n >>> 1;
    while (k < half) {
      int child = 2 * k + 1;
      int right = child + 1;
      long ct = ts[child];
      if (right < n && precedes(ts[right], items[right], ct, items[child])) {
        child = right;
        ct = ts[right];
      }
      if (!precedes(ct, items[child], xt, x)) {
        break;
      }
      ts[k] = ct;
      items[k] = items[child];
      k = child;
    }
    ts[k] = xt;
    items[k] = x;
  }
}
