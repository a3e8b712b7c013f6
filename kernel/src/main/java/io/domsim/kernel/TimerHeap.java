package io.domsim.kernel;

import java.util.Arrays;

/**
 * The loop's timer queue: a 4-ary min-heap ordered like {@link SimTimer#compareTo} (time, entity,
 * sequence). Four children side by side are 96 bytes of keys, one or two cache lines, and the heap has half
 * the levels of a binary one: with some 10,000 timers pending, a sift's cost is its cache misses. Each timer's time,
 * a key of its entity's name ({@link SimTimer#orderKey}) and its sequence number are kept side by side in one
 * primitive array beside the timers, and its entity's name in another, so sifting compares longs in one contiguous
 * array and touches the timer objects only when time and key are both equal and the names are two different
 * strings (two entities sharing their first eight chars). A PriorityQueue of timers dereferenced every compared
 * timer, and that cache traffic was the loop's largest cost; so were the name comparisons when every node's sample
 * falls on the same instant, and the timer objects read when many timers of one entity (a pool master's) share an
 * instant, decided by their sequence numbers.
 * Periodic ticks set in order go to a queue beside the heap (the lane). Loop thread only.
 *
 * <p>Timers due later than {@link #nearLast} wait outside the heap, unsorted (the far list): a guest's next
 * phase is minutes ahead, one of 11,000 pending, and sifted into a heap of them it missed the caches at every
 * level. Appended to the far list it costs five stores at the list's end. When the heap runs dry, the far
 * timers due up to a new bound, about an eighth of them (a sample of their times chooses it), are moved
 * into the heap in one pass and heapified; the rest stay. So the heap holds about an eighth of the timers, in
 * the caches, and its first is due before every far one: it is the first of both, and the order is the same one
 * order.
 */
final class TimerHeap {
  /** Timer k's time at 3k, its entity key at 3k + 1, its sequence number at 3k + 2. */
  private long[] keys;
  /**
   * Timer k's entity name ({@link SimTimer#entity}, interned): one reference compared where time and key tie
   * tells whether the sequence numbers decide, without reading the timers.
   */
  private String[] names;
  private SimTimer[] timers;
  private int size;
  /**
   * The lane: timers set in order ({@link #add(SimTimer, boolean)}), first first, in a ring of a power of
   * two, their keys beside them as in the heap. Every node's sample tick fires at one instant in the loop's
   * order and sets the next one an interval later, so these come in order: a queue takes them in O(1), where
   * the heap sifted each through ten thousand timers (most of a 1 s-sample run's events).
   */
  private SimTimer[] lane = new SimTimer[16];
  private long[] laneKeys = new long[48];
  private String[] laneNames = new String[16];
  private int laneHead;
  private int laneSize;

  /**
   * Every far timer is due after this instant, and the heap's first at or before it (else a refill moves far
   * timers in), so the heap's first is the first of both. Raised at a refill, to the bound of the timers moved;
   * lowered to the heap's first when the heap outgrows its share ({@link #add}). A heap timer may be due after
   * it only after such a lowering.
   */
  private long nearLast = Long.MIN_VALUE;
  /**
   * The far list: timers due after {@link #nearLast}, in no order. Their times alone in one array, which a refill
   * reads whole, eight bytes a timer; entity key and sequence number at 2k and 2k + 1 of another, read only for
   * the timers it moves.
   */
  private SimTimer[] far = new SimTimer[16];
  private long[] farTimes = new long[16];
  private long[] farKeys = new long[32];
  private String[] farNames = new String[16];
  private int farSize;
  private long farMin = Long.MAX_VALUE;
  private long farMax = Long.MIN_VALUE;
  /** A refill's sample of the far times (kept to spare an allocation per refill). */
  private final long[] samples = new long[SAMPLES];
  private static final int SAMPLES = 64;

  TimerHeap(int capacity) {
    timers = new SimTimer[Math.max(16, capacity)];
    names = new String[timers.length];
    keys = new long[3 * timers.length];
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
    return precedes(laneKeys[3 * h], laneKeys[3 * h + 1], laneKeys[3 * h + 2], laneNames[h], lane[h],
        keys[0], keys[1], keys[2], names[0], timers[0]);
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
      if (laneSize == 0 || !precedes(t.time, t.entityKey, t.seq, t.entity, t,
          laneKeys[3 * last], laneKeys[3 * last + 1], laneKeys[3 * last + 2], laneNames[last], lane[last])) {
        if (laneSize == lane.length) {
          growLane();
          mask = lane.length - 1;
        }
        int k = (laneHead + laneSize) & mask;
        lane[k] = t;
        laneNames[k] = t.entity;
        laneKeys[3 * k] = t.time;
        laneKeys[3 * k + 1] = t.entityKey;
        laneKeys[3 * k + 2] = t.seq;
        laneSize++;
        return;
      }
    }
    add(t);
  }

  private void growLane() {
    SimTimer[] l = new SimTimer[2 * lane.length];
    String[] ln = new String[2 * lane.length];
    long[] lk = new long[6 * lane.length];
    for (int i = 0; i < laneSize; i++) {
      int k = (laneHead + i) & (lane.length - 1);
      l[i] = lane[k];
      ln[i] = laneNames[k];
      System.arraycopy(laneKeys, 3 * k, lk, 3 * i, 3);
    }
    lane = l;
    laneNames = ln;
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
        farNames = Arrays.copyOf(farNames, 2 * farSize);
        farTimes = Arrays.copyOf(farTimes, 2 * farSize);
        farKeys = Arrays.copyOf(farKeys, 4 * farSize);
      }
      int k = farSize++;
      far[k] = t;
      farNames[k] = t.entity;
      farTimes[k] = time;
      farKeys[2 * k] = t.entityKey;
      farKeys[2 * k + 1] = t.seq;
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
      keys = Arrays.copyOf(keys, 3 * n);
      names = Arrays.copyOf(names, n);
      timers = Arrays.copyOf(timers, n);
    }
    long[] ks = keys;
    String[] ns = names;
    SimTimer[] items = timers;
    long time = t.time;
    long key = t.entityKey;
    long seq = t.seq;
    String name = t.entity;
    int k = size++;
    while (k > 0) {
      int parent = (k - 1) >>> 2;
      long pt = ks[3 * parent];
      long pk = ks[3 * parent + 1];
      long ps = ks[3 * parent + 2];
      if (!precedes(time, key, seq, name, t, pt, pk, ps, ns[parent], items[parent])) {
        break;
      }
      ks[3 * k] = pt;
      ks[3 * k + 1] = pk;
      ks[3 * k + 2] = ps;
      ns[k] = ns[parent];
      items[k] = items[parent];
      k = parent;
    }
    ks[3 * k] = time;
    ks[3 * k + 1] = key;
    ks[3 * k + 2] = seq;
    ns[k] = name;
    items[k] = t;
  }

  /** Removes and returns the first timer in order, or null. */
  SimTimer poll() {
    if (farSize > 0 && (size == 0 || keys[0] > nearLast)) {
      refill();
    }
    if (laneSize > 0 && (size == 0 || laneFirst())) {
      SimTimer t = lane[laneHead];
      lane[laneHead] = null;
      laneNames[laneHead] = null;
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
    String lastName = names[n];
    long lastTime = keys[3 * n];
    long lastKey = keys[3 * n + 1];
    long lastSeq = keys[3 * n + 2];
    timers[n] = null;
    names[n] = null;
    if (n > 0) {
      siftDown(last, lastTime, lastKey, lastSeq, lastName, 0, n);
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
    long[] ft = farTimes;
    long[] fk = farKeys;
    long[] sample = samples;
    int count = Math.min(n, SAMPLES);
    for (int i = 0; i < count; i++) {
      sample[i] = ft[(int) ((long) i * n / count)];
    }
    Arrays.sort(sample, 0, count);
    long last = Math.max(sample[Math.max(1, count / 8) - 1], farMin); // at least the first moves
    nearLast = last;
    long[] ks = keys;
    String[] ns = names;
    SimTimer[] items = timers;
    SimTimer[] fs = far;
    String[] fn = farNames;
    int m = size;
    int kept = n;
    long keptMin = Long.MAX_VALUE;
    // A timer that moves is replaced by the list's last (the far list has no order to keep), so the pass writes
    // only where one moves and reads the rest.
    for (int i = 0; i < kept; ) {
      long time = ft[i];
      if (time <= last) {
        if (m == items.length) {
          keys = ks = Arrays.copyOf(ks, 6 * m);
          names = ns = Arrays.copyOf(ns, 2 * m);
          timers = items = Arrays.copyOf(items, 2 * m);
        }
        ks[3 * m] = time;
        ks[3 * m + 1] = fk[2 * i];
        ks[3 * m + 2] = fk[2 * i + 1];
        ns[m] = fn[i];
        items[m++] = fs[i];
        kept--;
        ft[i] = ft[kept];
        fk[2 * i] = fk[2 * kept];
        fk[2 * i + 1] = fk[2 * kept + 1];
        fn[i] = fn[kept];
        fs[i] = fs[kept];
      } else {
        if (time < keptMin) {
          keptMin = time;
        }
        i++;
      }
    }
    Arrays.fill(fs, kept, n, null);
    Arrays.fill(fn, kept, n, null);
    farSize = kept;
    farMin = keptMin;
    if (kept == 0) {
      farMax = Long.MIN_VALUE;
    }
    size = m;
    // Floyd's heapify: each inner node sifted down, the last first (the heap is empty but for a bound lowered).
    for (int k = (m - 2) >>> 2; m > 1 && k >= 0; k--) {
      siftDown(items[k], ks[3 * k], ks[3 * k + 1], ks[3 * k + 2], ns[k], k, m);
    }
  }

  /**
   * Does {@code a} (due at {@code at}, entity key {@code ak}, sequence number {@code as}, entity name {@code an})
   * come strictly before {@code b}? Times first, then entity keys, compared as longs. Where both tie, one entity's
   * two timers (one interned name) order by their sequence numbers; only two names sharing their first eight
   * chars need the timers themselves ({@link SimTimer#compareTo}: the names, then the sequence numbers).
   */
  private static boolean precedes(long at, long ak, long as, String an, SimTimer a,
      long bt, long bk, long bs, String bn, SimTimer b) {
    return at < bt || (at == bt && (ak < bk || (ak == bk && (an == bn ? as < bs : a.compareTo(b) < 0))));
  }

  /**
   * Sifts {@code x} (due at {@code xt}, entity key {@code xk}, sequence number {@code xs}, entity name {@code xn})
   * down from node {@code k} of a heap of {@code n}.
   */
  private void siftDown(SimTimer x, long xt, long xk, long xs, String xn, int k, int n) {
    long[] ks = keys;
    String[] ns = names;
    SimTimer[] items = timers;
    while (true) {
      int first = 4 * k + 1;
      if (first >= n) {
        break;
      }
      // The first in order among k's (up to four) children.
      int child = first;
      long ct = ks[3 * first];
      long ck = ks[3 * first + 1];
      long cs = ks[3 * first + 2];
      int end = Math.min(first + 4, n);
      for (int j = first + 1; j < end; j++) {
        long jt = ks[3 * j];
        long jk = ks[3 * j + 1];
        long js = ks[3 * j + 2];
        if (precedes(jt, jk, js, ns[j], items[j], ct, ck, cs, ns[child], items[child])) {
          child = j;
          ct = jt;
          ck = jk;
          cs = js;
        }
      }
      if (!precedes(ct, ck, cs, ns[child], items[child], xt, xk, xs, xn, x)) {
        break;
      }
      ks[3 * k] = ct;
      ks[3 * k + 1] = ck;
      ks[3 * k + 2] = cs;
      ns[k] = ns[child];
      items[k] = items[child];
      k = child;
    }
    ks[3 * k] = xt;
    ks[3 * k + 1] = xk;
    ks[3 * k + 2] = xs;
    ns[k] = xn;
    items[k] = x;
  }
}
