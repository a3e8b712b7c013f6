package io.domsim.hypervisor;

/**
 * The expected log-dirty count for uniform writes over a working set of W pages: after n writes since
 * the last clean, W(1 − e^(−n/W)) distinct pages are dirty (each page escapes one write with
 * probability 1 − 1/W, so n writes with (1 − 1/W)^n ≈ e^(−n/W)). O(1) per operation whatever the
 * guest's size, for large runs. The first clean after enabling returns every page the guest ever touched
 * (its resident pages, all of memory by default): the never-touched ones are not sent as pages
 * ({@link DirtyLog#untouchedPages()}).
 *
 * <p>With a write skew ({@code workload.hot-fraction}, {@code hot-write-share}) the working set is two parts,
 * hot (H pages, a share s of the writes) and cold (W − H, the rest), each written uniformly: H(1 − e^(−ns/H))
 * + (W − H)(1 − e^(−n(1−s)/(W − H))) distinct pages. Uniform writes are the one part, with the same arithmetic
 * as before.
 */
public final class AnalyticDirtyLog implements DirtyLog {
  private final long memoryPages;
  private final long residentPages;
  private final double workingSetPages;
  // The parts of the working set: [0] hot, [1] cold (size 0 when the writes are uniform), and each one's
  // share of the writes.
  private final double[] size;
  private final double[] share;
  private double writes;
  private boolean allDirty = true; // enabling log-dirty marks every page for round 1
  // The part of the last clean not yet handed to the network, and of it the pages in each part of the
  // working set (the only ones writes can touch); lastRewritten: each part's share written since the clean
  // when it was last looked at.
  private double unsent;
  private final double[] unsentIn = new double[2];
  private final double[] lastRewritten = new double[2];

  /**
   * @param memoryPages the guest's memory in pages
   * @param workingSetPages the pages its writes fall into (capped at {@code memoryPages}, at least 1)
   */
  public AnalyticDirtyLog(long memoryPages, long workingSetPages) {
    this(memoryPages, workingSetPages, memoryPages);
  }

  /**
   * @param residentPages the pages the guest ever touched (at least the working set, at most memory); the
   *     others are never written and never in a clean
   */
  public AnalyticDirtyLog(long memoryPages, long workingSetPages, long residentPages) {
    this(memoryPages, workingSetPages, residentPages, Long.MAX_VALUE, 1);
  }

  /**
   * @param hotPages the hot part of the working set (capped at it, at least 1; all of it for uniform writes)
   * @param hotWriteShare the hot part's share of the writes, 0 to 1 (ignored when it is all of the working set)
   */
  public AnalyticDirtyLog(long memoryPages, long workingSetPages, long residentPages, long hotPages,
      double hotWriteShare) {
    if (memoryPages < 1) {
      throw new IllegalArgumentException("memoryPages must be positive: " + memoryPages);
    }
    if (!(hotWriteShare >= 0 && hotWriteShare <= 1)) {
      throw new IllegalArgumentException("hotWriteShare must be in [0, 1]: " + hotWriteShare);
    }
    this.memoryPages = memoryPages;
    this.workingSetPages = Math.max(1, Math.min(workingSetPages, memoryPages));
    this.residentPages = Math.max((long) this.workingSetPages, Math.min(residentPages, memoryPages));
    double hot = Math.max(1, Math.min(hotPages, this.workingSetPages));
    this.size = new double[] {hot, this.workingSetPages - hot};
    this.share = size[1] > 0 ? new double[] {hotWriteShare, 1 - hotWriteShare} : new double[] {1, 0};
  }

  @Override
  public void write(double writes) {
    if (writes > 0) {
      this.writes += writes;
    }
  }

  /** The expected distinct pages of part {@code k} written by the writes since the clean. */
  private double dirtyIn(int k) {
    if (size[k] <= 0) {
      return 0;
    }
    return size[k] * -Math.expm1(-writes * share[k] / size[k]);
  }

  @Override
  public long clean() {
    long pages = peek();
    unsent = pages;
    if (size[1] <= 0) {
      unsentIn[0] = allDirty ? Math.min(workingSetPages, pages) : pages;
    } else if (allDirty) {
      unsentIn[0] = size[0];
      unsentIn[1] = size[1];
    } else {
      unsentIn[0] = Math.min(pages, dirtyIn(0));
      unsentIn[1] = pages - unsentIn[0];
    }
    lastRewritten[0] = 0;
    lastRewritten[1] = 0;
    writes = 0;
    allDirty = false;
    return pages;
  }

  @Override
  public long dropRewrittenUnsent() {
    double[] drop = new double[2];
    double total = 0;
    for (int k = 0; k < 2; k++) {
      if (size[k] <= 0 || unsentIn[k] <= 0) {
        continue;
      }
      // Of the unsent pages not found rewritten at the last look, the expected share written since.
      double rewritten = -Math.expm1(-writes * share[k] / size[k]);
      double fresh = lastRewritten[k] < 1 ? (rewritten - lastRewritten[k]) / (1 - lastRewritten[k]) : 0;
      drop[k] = unsentIn[k] * Math.max(0, fresh);
      lastRewritten[k] = rewritten;
      total += drop[k];
    }
    long dropped = Math.round(total);
    if (size[1] <= 0) {
      unsentIn[0] -= dropped;
    } else {
      for (int k = 0; k < 2; k++) {
        unsentIn[k] = Math.max(0, unsentIn[k] - drop[k]);
      }
    }
    unsent -= dropped;
    return dropped;
  }

  @Override
  public void markSent(long pages) {
    if (unsent > 0) {
      double before = unsent;
      for (int k = 0; k < 2; k++) {
        unsentIn[k] -= Math.min(unsentIn[k], pages * unsentIn[k] / before);
      }
    }
    unsent = Math.max(0, unsent - pages);
  }

  @Override
  public long peek() {
    if (allDirty) {
      return residentPages;
    }
    return Math.min(memoryPages, Math.round(size[1] > 0 ? dirtyIn(0) + dirtyIn(1) : dirtyIn(0)));
  }

  @Override
  public long memoryPages() {
    return memoryPages;
  }

  @Override
  public long residentPages() {
    return residentPages;
  }

  /** Page writes since the last clean. */
  public double writesSinceClean() {
    return writes;
  }
}
