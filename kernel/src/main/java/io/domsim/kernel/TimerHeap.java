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
 *
 * <p>Timers due later than {@link #nearLast} wait outside the heap, unsorted (the far list): a guest's next
 * phase is minutes ahead, one of 11,000 pending, and sifted into a heap of them it missed the caches at every
 * level. Appended to the far list it costs three stores at the list's end. When the heap runs dry, the far
 * timers due up to a new bound, about an eighth of them (a sample of their times chooses it), are moved
 * into the heap in one pass and heapified; the rest stay. So the heap holds about an eighth of the timers, in
 * the caches, and its first is due before every far one: it is the first of both, and the order is the same one
 * order.
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

  /**
   * Every far timer is due after this instant, and the heap's first at or before it (else a refill moves far
   * timers in), so the heap's first is the first of both. Raised at a refill, to the bound of the timers moved;
   * lowered to the heap's first when the heap outgrows its share ({@link #add}). A heap timer may be due after
   * it only after such a lowering.
   */
  private long nearLast = Long.MIN_VALUE;
  /** The far list: timers due after {@link #nearLast}, in no order; keys as in the heap. */
  private SimTimer[] far = new SimTimer[16];
  private long[] farKeys = new long[32];
  private int farSize;
  private long farMin = Long.MAX_VALUE;
  private long farMax = Long.MIN_VALUE;
  /** A refill's sample of the far times (kept to spare an allocation per refill). */
  private final long[] samples = new long[SAMPLES];
  private static final int SAMPLES = 64;

  TimerHeap(int capacity) {
    timers = new SimTimer[Math.max(16, capacity)];
    keys = new long[2 * timers.length];
  }

  int size() {
    return size + laneSize + farSize;
  }

  /** Timers in the far list now (for tests). */
  int farSize() {
    return farSize;
  }

  /** Timers in the lane now (for tests). */
  int laneSize() {
    return laneSize;
  }

  /** The first timer in order, or null. */
  SimTimer peek() {
    if (farSize > 0 && (size == 0 || keys[0] > nearLast)) {
      refill();
    }
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
    long time = t.time;
    if (time <= nearLast && size > 8 * farSize + SAMPLES) {
      // The heap holds far more than its eighth: its bound was set when few timers were far (one at the run's end
      // would take every timer before it). Lowered to the heap's first, it sends the later ones to the far list.
      nearLast = keys[0];
    }
    if (time > nearLast) {
      if (farSize == far.length) {
        far = Arrays.copyOf(far, 2 * farSize);
        farKeys = Arrays.copyOf(farKeys, 4 * farSize);
      }
      int k = farSize++;
      far[k] = t;
      farKeys[2 * k] = time;
      farKeys[2 * k + 1] = t.entityKey;
      if (time < farMin) {
        farMin = time;
      }
      if (time > farMax) {
        farMax = time;
      }
      return;
    }
    addToHeap(t);
  }

  private void addToHeap(SimTimer t) {
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
    if (farSize > 0 && (size == 0 || keys[0] > nearLast)) {
      refill();
    }
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
      siftDown(last, lastTime, lastKey, 0, n);
    }
    return first;
  }

  /**
   * The heap is empty, or its first is due after {@link #nearLast}: moves the far timers due up to a new bound
   * into it. The bound is the eighth smallest of up to 64 far times taken at even strides, about the first eighth
   * of the far timers whatever their spread: a timer set for the end of the run does not stretch it, as it would
   * if it were the latest far time. Which timers move changes only how the work is split, not the order: each is
   * in the heap or the far list, never both, and the far ones are due after the bound.
   */
  private void refill() {
    int n = farSize;
    long[] fk = farKeys;
    long[] sample = samples;
    int count = Math.min(n, SAMPLES);
    for (int i = 0; i < count; i++) {
      sample[i] = fk[2 * (int) ((long) i * n / count)];
    }
    Arrays.sort(sample, 0, count);
    long last = Math.max(sample[Math.max(1, count / 8) - 1], farMin); // at least the first moves
    nearLast = last;
    long[] ks = keys;
    SimTimer[] items = timers;
    SimTimer[] fs = far;
    int m = size;
    int kept = n;
    long keptMin = Long.MAX_VALUE;
    // A timer that moves is replaced by the list's last (the far list has no order to keep), so the pass writes
    // only where one moves and reads the rest.
    for (int i = 0; i < kept; ) {
      long time = fk[2 * i];
      if (time <= last) {
        if (m == items.length) {
          keys = ks = Arrays.copyOf(ks, 4 * m);
          timers = items = Arrays.copyOf(items, 2 * m);
        }
        ks[2 * m] = time;
        ks[2 * m + 1] = fk[2 * i + 1];
        items[m++] = fs[i];
        kept--;
        fk[2 * i] = fk[2 * kept];
        fk[2 * i + 1] = fk[2 * kept + 1];
        fs[i] = fs[kept];
      } else {
        if (time < keptMin) {
          keptMin = time;
        }
        i++;
      }
    }
    Arrays.fill(fs, kept, n, null);
    farSize = kept;
    farMin = keptMin;
    if (kept == 0) {
      farMax = Long.MIN_VALUE;
    }
    size = m;
    // Floyd's heapify: each inner node sifted down, the last first (the heap is empty but for a bound lowered).
    for (int k = (m - 2) >>> 2; m > 1 && k >= 0; k--) {
      siftDown(items[k], ks[2 * k], ks[2 * k + 1], k, m);
    }
  }

  /**
   * Does {@code a} (due at {@code at}, entity key {@code ak}) come strictly before {@code b}? Times
   * first, then entity keys, compared as longs; the timers themselves only when both are equal.
   */
  private static boolean precedes(long at, long ak, SimTimer a, long bt, long bk, SimTimer b) {
    return at < bt || (at == bt && (ak < bk || (ak == bk && a.compareTo(b) < 0)));
  }

  /** Sifts {@code x} (due at {@code xt}, entity key {@code xk}) down from node {@code k} of a heap of {@code n}. */
  private void siftDown(SimTimer x, long xt, long xk, int k, int n) {
    long[] ks = keys;
    SimTimer[] items = timers;
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
