package io.domsim.kernel;

import java.util.Arrays;

/**
 * The loop's timer queue: a binary min-heap ordered like {@link SimTimer#compareTo} (time, entity,
 * sequence). The times, and a key of each timer's entity name ({@link SimTimer#orderKey}), are kept in
 * primitive arrays beside the timers, so sifting compares longs in contiguous arrays and only touches
 * the timer objects when time and key are both equal. A PriorityQueue of timers dereferenced every
 * compared timer, and that cache traffic was the loop's largest cost; so were the name comparisons
 * when every node's sample falls on the same instant. Loop thread only.
 */
final class TimerHeap {
  private long[] times;
  private long[] keys;
  private SimTimer[] timers;
  private int size;

  TimerHeap(int capacity) {
    times = new long[Math.max(16, capacity)];
    keys = new long[times.length];
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
      keys = Arrays.copyOf(keys, n);
      timers = Arrays.copyOf(timers, n);
    }
    long time = t.time;
    long key = t.entityKey;
    int k = size++;
    while (k > 0) {
      int parent = (k - 1) >>> 1;
      long pt = times[parent];
      long pk = keys[parent];
      if (!precedes(time, key, t, pt, pk, timers[parent])) {
        break;
      }
      times[k] = pt;
      keys[k] = pk;
      timers[k] = timers[parent];
      k = parent;
    }
    times[k] = time;
    keys[k] = key;
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
    long lastKey = keys[n];
    timers[n] = null;
    if (n > 0) {
      siftDown(last, lastTime, lastKey, n);
    }
    return first;
  }

  /**
   * Does {@code a} (due at {@code at}, entity key {@code ak}) come strictly before {@code b}? Times
   * first, then entity keys, compared as longs; the timers themselves only when both are equal.
   */
  private static boolean precedes(long at, long ak, SimTimer a, long bt, long bk, SimTimer b) {
    return at < bt || (at == bt && (ak < bk || (ak == bk && a.compareTo(b) < 0)));
  }

  private void siftDown(SimTimer x, long xt, long xk, int n) {
    long[] ts = times;
    long[] ks = keys;
    SimTimer[] items = timers;
    int k = 0;
    int half = n >>> 1;
    while (k < half) {
      int child = 2 * k + 1;
      int right = child + 1;
      long ct = ts[child];
      long ck = ks[child];
      if (right < n && precedes(ts[right], ks[right], items[right], ct, ck, items[child])) {
        child = right;
        ct = ts[right];
        ck = ks[right];
      }
      if (!precedes(ct, ck, items[child], xt, xk, x)) {
        break;
      }
      ts[k] = ct;
      ks[k] = ck;
      items[k] = items[child];
      k = child;
    }
    ts[k] = xt;
    ks[k] = xk;
    items[k] = x;
  }
}
