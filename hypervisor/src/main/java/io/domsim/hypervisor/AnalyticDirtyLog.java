package io.domsim.hypervisor;

/**
 * The expected log-dirty count for uniform writes over a working set of W pages: after n writes since
 * the last clean, W(1 − e^(−n/W)) distinct pages are dirty (each page escapes one write with
 * probability 1 − 1/W, so n writes with (1 − 1/W)^n ≈ e^(−n/W)). O(1) per operation whatever the
 * guest's size, for large runs. The first clean after enabling returns every page the guest ever touched
 * (its resident pages, all of memory by default): the never-touched ones are not sent as pages
 * ({@link DirtyLog#untouchedPages()}).
 */
public final class AnalyticDirtyLog implements DirtyLog {
  private final long memoryPages;
  private final long residentPages;
  private final double workingSetPages;
  private double writes;
  private boolean allDirty = true; // enabling log-dirty marks every page for round 1
  // The part of the last clean not yet handed to the network, and of it the pages in the working set
  // (the only ones writes can touch); lastRewritten: the share of the working set written since the clean
  // when it was last looked at.
  private double unsent;
  private double unsentInWorkingSet;
  private double lastRewritten;

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
    if (memoryPages < 1) {
      throw new IllegalArgumentException("memoryPages must be positive: " + memoryPages);
    }
    this.memoryPages = memoryPages;
    this.workingSetPages = Math.max(1, Math.min(workingSetPages, memoryPages));
    this.residentPages = Math.max((long) this.workingSetPages, Math.min(residentPages, memoryPages));
  }

  @Override
  public void write(double writes) {
    if (writes > 0) {
      this.writes += writes;
    }
  }

  @Override
  public long clean() {
    long pages = peek();
    unsent = pages;
    unsentInWorkingSet = allDirty ? Math.min(workingSetPages, pages) : pages;
    lastRewritten = 0;
    writes = 0;
    allDirty = false;
    return pages;
  }

  @Override
  public long dropRewrittenUnsent() {
    if (workingSetPages <= 0 || unsentInWorkingSet <= 0) {
      return 0;
    }
    // Of the unsent pages not found rewritten at the last look, the expected share written since.
    double rewritten = -Math.expm1(-writes / workingSetPages);
    double fresh = lastRewritten < 1 ? (rewritten - lastRewritten) / (1 - lastRewritten) : 0;
    long dropped = Math.round(unsentInWorkingSet * Math.max(0, fresh));
    lastRewritten = rewritten;
    unsentInWorkingSet -= dropped;
    unsent -= dropped;
    return dropped;
  }

  @Override
  public void markSent(long pages) {
    if (unsent > 0) {
      unsentInWorkingSet -= Math.min(unsentInWorkingSet, pages * unsentInWorkingSet / unsent);
    }
    unsent = Math.max(0, unsent - pages);
  }

  @Override
  public long peek() {
    if (allDirty) {
      return residentPages;
    }
    double w = workingSetPages;
    return Math.min(memoryPages, Math.round(w * -Math.expm1(-writes / w)));
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
