package io.domsim.hypervisor;

import java.util.Arrays;

/**
 * The guests of one oversubscribed host split at its credit level, for {@link HostRates}' incremental common
 * path: the <em>satisfied</em> (granted their whole demand) in a max-heap by demand over weight, the
 * <em>held</em> (granted weight x level) in a min-heap by the same key, so that the two guests next to the level
 * are at the heaps' tops; and the sums each side contributes to the water level, to Dom0's need and to the
 * node's rates. One guest's change then moves the level in O(log n): its key is sifted, the level is
 * {@code (cores - Dom0's demand - the satisfied demands) / the held weights}, and a top that lies on the wrong
 * side of it moves across (rarely more than one).
 *
 * <p>The sums are double-doubles (Dekker's two-sum: {@code hi + lo}), so that adding a guest's term and later
 * taking the same term away leaves no rounding behind: after any number of changes a sum is the exact sum of
 * its present terms to within a few units of 1e-32 of the largest magnitude it held, and reading it rounds
 * once. The drift that a plain running sum would accumulate over a run's millions of changes does not
 * arise. Not thread-safe; owned by one HostRates.
 */
final class LevelSplit {
  /** Every guest's I/O term (attempt x Dom0 cores per I/O): Dom0's need with all I/O issued, less its base. */
  static final int NEED = 0;
  /** The satisfied guests' demands. */
  static final int SAT_DEMAND = 1;
  /** The satisfied guests' Dom0 work for the I/O they issue (attempt x its issued share x Dom0 cores per I/O). */
  static final int SAT_DOM0 = 2;
  /** The satisfied guests' rates as their last settle left them: cores, hypercalls (theirs and their backends'), VM exits, I/O. */
  static final int SAT_CPU = 3;
  static final int SAT_HC = 4;
  static final int SAT_EXITS = 5;
  static final int SAT_IO = 6;
  /** The held guests' weights: their cores per unit of level. */
  static final int HELD_WEIGHT = 7;
  /** The held guests' multiples of the level: Dom0 cores for their I/O, I/O, hypercalls (theirs and their backends'), VM exits. */
  static final int HELD_DOM0 = 8;
  static final int HELD_IO = 9;
  static final int HELD_HC = 10;
  static final int HELD_EXITS = 11;
  static final int SUMS = 12;

  /** hi at 2k, lo at 2k + 1. */
  private final double[] sums = new double[2 * SUMS];
  /** Held guests with I/O to issue (their issued share is below 1), and held guests that cannot follow the level. */
  int heldWithIo;
  int heldNotFollowing;

  /** Demand over weight, guest i at i. */
  double[] key = new double[0];
  private boolean[] held = new boolean[0];
  /** Whether a satisfied guest's settled rates are in the SAT_CPU..SAT_IO sums. */
  private boolean[] inSums = new boolean[0];
  /** Guest i's place in its heap. */
  private int[] pos = new int[0];
  private int[] sat = new int[0];
  private int[] hold = new int[0];
  private int satSize;
  private int heldSize;

  /** Empties the split for {@code n} guests (their keys are set and they are added next). */
  void reset(int n) {
    if (key.length < n) {
      int size = Math.max(n, 2 * key.length);
      key = new double[size];
      held = new boolean[size];
      inSums = new boolean[size];
      pos = new int[size];
      sat = new int[size];
      hold = new int[size];
    }
    Arrays.fill(sums, 0);
    Arrays.fill(inSums, false);
    heldWithIo = 0;
    heldNotFollowing = 0;
    satSize = 0;
    heldSize = 0;
  }

  /** Adds {@code x} to sum {@code k}, keeping what the addition rounds away. */
  void add(int k, double x) {
    double a = sums[2 * k];
    double s = a + x;
    double b = s - a;
    sums[2 * k] = s;
    sums[2 * k + 1] += (a - (s - b)) + (x - b);
  }

  /** Sum {@code k}, rounded once. */
  double sum(int k) {
    return sums[2 * k] + sums[2 * k + 1];
  }

  boolean held(int i) {
    return held[i];
  }

  boolean inSums(int i) {
    return inSums[i];
  }

  void setInSums(int i, boolean in) {
    inSums[i] = in;
  }

  int heldSize() {
    return heldSize;
  }

  /** The held guest of the lowest key (the first to be satisfied if the level rises); the split has one. */
  int lowestHeld() {
    return hold[0];
  }

  /** The satisfied guest of the highest key (the first to be held if the level falls), or -1 when none is. */
  int highestSatisfied() {
    return satSize == 0 ? -1 : sat[0];
  }

  /** Places guest i, its key set, on its side without ordering the heaps (see {@link #order}). */
  void place(int i, boolean isHeld) {
    held[i] = isHeld;
    if (isHeld) {
      pos[i] = heldSize;
      hold[heldSize++] = i;
    } else {
      pos[i] = satSize;
      sat[satSize++] = i;
    }
  }

  /** Orders both heaps after {@link #place}s: O(n). */
  void order() {
    for (int k = satSize / 2 - 1; k >= 0; k--) {
      down(sat, satSize, k, -1);
    }
    for (int k = heldSize / 2 - 1; k >= 0; k--) {
      down(hold, heldSize, k, 1);
    }
  }

  /** Guest i's key changed: it moves to its place in its heap. */
  void rekey(int i, double newKey) {
    key[i] = newKey;
    if (held[i]) {
      down(hold, heldSize, up(hold, pos[i], 1), 1);
    } else {
      down(sat, satSize, up(sat, pos[i], -1), -1);
    }
  }

  /** Guest i goes to the other side (its sums are the caller's to move). */
  void cross(int i) {
    if (held[i]) {
      removeAt(hold, heldSize--, pos[i], 1);
      held[i] = false;
      pos[i] = satSize;
      sat[satSize++] = i;
      up(sat, pos[i], -1);
    } else {
      removeAt(sat, satSize--, pos[i], -1);
      held[i] = true;
      pos[i] = heldSize;
      hold[heldSize++] = i;
      up(hold, pos[i], 1);
    }
  }

  /** Removes the entry at {@code k} of a heap of {@code size} entries (size - 1 after). */
  private void removeAt(int[] heap, int size, int k, int sign) {
    int last = heap[size - 1];
    if (k == size - 1) {
      return;
    }
    heap[k] = last;
    pos[last] = k;
    down(heap, size - 1, up(heap, k, sign), sign);
  }

  /**
   * Whether a's key comes before b's: lower first for sign 1 (the held), higher first for sign -1 (the
   * satisfied); ties by index, so that the order does not depend on the history of the heap's moves.
   */
  private boolean before(int a, int b, int sign) {
    double ka = key[a] * sign;
    double kb = key[b] * sign;
    return ka < kb || ka == kb && a < b;
  }

  private int up(int[] heap, int k, int sign) {
    int x = heap[k];
    while (k > 0) {
      int parent = (k - 1) >>> 1;
      int p = heap[parent];
      if (!before(x, p, sign)) {
        break;
      }
      heap[k] = p;
      pos[p] = k;
      k = parent;
    }
    heap[k] = x;
    pos[x] = k;
    return k;
  }

  private void down(int[] heap, int size, int k, int sign) {
    int x = heap[k];
    while (true) {
      int child = 2 * k + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && before(heap[child + 1], heap[child], sign)) {
        child++;
      }
      int c = heap[child];
      if (!before(c, x, sign)) {
        break;
      }
      heap[k] = c;
      pos[c] = k;
      k = child;
    }
    heap[k] = x;
    pos[x] = k;
  }
}
