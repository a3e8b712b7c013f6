package io.domsim.kernel;

import java.util.Arrays;

/**
 * The loop's timer queue: a 4-ary min-heap ordered like {@link SimTimer#compareTo} (time, entity,
 * sequence). Four children side by side are 64 bytes of keys, about one cache line, and the heap has half
 * the levels of a binary one: with some 10,000 timers pending, a sift's cost is its cache misses. Each timer's time, and a key of its entity's name ({@link SimTimer#orderKey}), are kept side
 * by side in one primitive array beside the timers, so sifting compares longs in one contiguous array
 * (a level costs one cache line, not two) and only touches the timer objects when time and key are both
 * equal. A PriorityQueue of timers dereferenced every compared timer, and that cache traffic was the
 * loop's largest cost; so were the name comparisons when every node's sample falls on the same instant.
 * Loop thread only.
 */
final class TimerHeap {
  /** Timer k's time at 2k, its entity key at 2k + 1. */
  private long[] keys;
  private SimTimer[] timers;
  private int size;

  TimerHeap(int capacity) {
    timers = new SimTimer[Math.max(16, capacity)];
    keys = new long[2 * timers.length];
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
      keys = Arrays.copyOf(keys, 2 * n);
      timers = Arrays.copyOf(timers, n);
    }
    long[] ks = keys;
    long time = t.time;
    long key = t.entityKey;
    int k = size++;
    while (k > 0) {
      int parent = (k - 1) >>> 2;
      long pt = ks[2 * parent];
      long pk = ks[2 * parent + 1];
      if (!precedes(time, key, t, pt, pk, timers[parent])) {
        break;
      }
      ks[2 * k] = pt;
      ks[2 * k + 1] = pk;
      timers[k] = timers[parent];
      k = parent;
    }
    ks[2 * k] = time;
    ks[2 * k + 1] = key;
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
    long lastTime = keys[2 * n];
    long lastKey = keys[2 * n + 1];
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
    long[] ks = keys;
    SimTimer[] items = timers;
    int k = 0;
    while (true) {
      int first = 4 * k + 1;
      if (first >= n) {
        break;
      }
      // The first in order among k's (up to four) children.
      int child = first;
      long ct = ks[2 * first];
      long ck = ks[2 * first + 1];
      int end = Math.min(first + 4, n);
      for (int j = first + 1; j < end; j++) {
        long jt = ks[2 * j];
        long jk = ks[2 * j + 1];
        if (precedes(jt, jk, items[j], ct, ck, items[child])) {
          child = j;
          ct = jt;
          ck = jk;
        }
      }
      if (!precedes(ct, ck, items[child], xt, xk, x)) {
        break;
      }
      ks[2 * k] = ct;
      ks[2 * k + 1] = ck;
      items[k] = items[child];
      k = child;
    }
    ks[2 * k] = xt;
    ks[2 * k + 1] = xk;
    items[k] = x;
  }
}
