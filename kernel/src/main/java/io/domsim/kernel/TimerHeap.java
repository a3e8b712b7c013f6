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
 * Periodic ticks set in order go to a queue beside the heap (the lane). Loop thread only.
 */
final class TimerHeap {
  /** Timer k's time at 2k, its entity key at 2k + 1. */
  private long[] keys;
  private SimTimer[] timers;
  private int size;
  /**
   * The lane: timers set in order ({@link #add(SimTimer, boolean)}), first first, in a ring of a power of
   * two, their keys beside them as in the heap. Every node's sample tick fires at one instant in the loop's
   * order and sets the next one an interval later, so these come in order: a queue takes them in O(1), where
   * the heap sifted each through ten thousand timers (most of a 1 s-sample run's events).
   */
  private SimTimer[] lane = new SimTimer[16];
  private long[] laneKeys = new long[32];
  private int laneHead;
  private int laneSize;

  TimerHeap(int capacity) {
    timers = new SimTimer[Math.max(16, capacity)];
    keys = new long[2 * timers.length];
  }

  int size() {
    return size + laneSize;
  }

  /** Timers in the lane now (for tests). */
  int laneSize() {
    return laneSize;
  }

  /** The first timer in order, or null. */
  SimTimer peek() {
    if (laneSize == 0) {
      return size == 0 ? null : timers[0];
    }
    return size == 0 || laneFirst() ? lane[laneHead] : timers[0];
  }

  /** Whether the lane's first comes before the heap's (both non-empty). */
  private boolean laneFirst() {
    int h = laneHead;
    return precedes(laneKeys[2 * h], laneKeys[2 * h + 1], lane[h], keys[0], keys[1], timers[0]);
  }

  /**
   * Adds {@code t}; with {@code inOrder} (a timer usually set in the loop's order: a periodic tick), to the
   * lane if it comes after the lane's last, else to the heap. Either way {@link #poll} returns the timers in
   * the one order.
   */
  void add(SimTimer t, boolean inOrder) {
    if (inOrder) {
      int mask = lane.length - 1;
      int last = (laneHead + laneSize - 1) & mask;
      if (laneSize == 0 || !precedes(t.time, t.entityKey, t, laneKeys[2 * last], laneKeys[2 * last + 1], lane[last])) {
        if (laneSize == lane.length) {
          growLane();
          mask = lane.length - 1;
        }
        int k = (laneHead + laneSize) & mask;
        lane[k] = t;
        laneKeys[2 * k] = t.time;
        laneKeys[2 * k + 1] = t.entityKey;
        laneSize++;
        return;
      }
    }
    add(t);
  }

  private void growLane() {
    SimTimer[] l = new SimTimer[2 * lane.length];
    long[] lk = new long[4 * lane.length];
    for (int i = 0; i < laneSize; i++) {
      int k = (laneHead + i) & (lane.length - 1);
      l[i] = lane[k];
      lk[2 * i] = laneKeys[2 * k];
      lk[2 * i + 1] = laneKeys[2 * k + 1];
    }
    lane = l;
    laneKeys = lk;
    laneHead = 0;
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
    if (laneSize > 0 && (size == 0 || laneFirst())) {
      SimTimer t = lane[laneHead];
      lane[laneHead] = null;
      laneHead = (laneHead + 1) & (lane.length - 1);
      laneSize--;
      return t;
    }
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
