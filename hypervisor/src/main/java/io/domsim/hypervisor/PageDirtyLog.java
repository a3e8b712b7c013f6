package io.domsim.hypervisor;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * The exact log-dirty model: a real dirty bitmap over the guest's pages, with seeded uniform writes over
 * the working set (pages {@code [0, W)}) and a version per page, so that tests can prove that every page
 * written before the suspend reached the destination.
 *
 * <p>Each whole write picks a page uniformly in {@code [0, W)}, bumps its version and sets its dirty bit;
 * the fraction of a write carries over to the next call. {@link #clean()} returns the dirty pages, records
 * for each that the destination now has its current version ({@code sentVersion = version}) and clears
 * the bitmap. Enabling marks every page dirty (and none sent), so the first clean returns all of memory;
 * pages the guest never touched (working-set indices from the resident count on, {@link #pageOf}) are
 * not in it: they are zero at both ends already (version 0, as at the destination), and never written.
 *
 * <p>With a write skew the working set's first {@code H} indices are hot and take a share s of the writes,
 * the others the rest: each part carries its own fraction of a write and draws its whole writes uniformly
 * within itself, so each part's distinct pages are, on average, the analytic model's count for it. Uniform
 * writes draw exactly as before (one part, {@code nextInt(W)} per write).
 *
 * <p>Cost: two {@code int[]} and a bitmap per guest page (9 bytes a page, 9 MiB for a 4 GiB guest);
 * a write is a random draw and two array updates; clean is linear in the bitmap's words plus the dirty
 * pages; peek is O(1). A single call with more than {@value #SATURATION} × W writes writes every page
 * of the working set once instead of drawing them (the chance that a page escapes that many uniform
 * writes is below e^−40 ≈ 4·10^−18 per page), so a long interval does not cost its write count.
 */
public final class PageDirtyLog implements DirtyLog {
  /** Writes per working-set page in one call beyond which every working-set page counts as written. */
  static final int SATURATION = 40;

  private final int memoryPages;
  private final int workingSetPages;
  private final int residentPages;
  private final int hotPages;
  private final double hotWriteShare;
  private double coldCarry;
  private final SplittableRandom random;
  private final long stride;
  private final int[] version;
  private final int[] sentVersion;
  private final BitSet dirty;
  private long dirtyCount;
  private double carry;
  private long writes;

  /**
   * @param memoryPages the guest's memory in pages (at most {@code Integer.MAX_VALUE - 8})
   * @param workingSetPages the pages writes fall into, {@code [0, W)} (capped at memory, at least 1)
   * @param random the seeded stream the writes are drawn from
   */
  public PageDirtyLog(long memoryPages, long workingSetPages, SplittableRandom random) {
    this(memoryPages, workingSetPages, memoryPages, random);
  }

  /**
   * @param residentPages the pages the guest ever touched, {@code pageOf(i)} for {@code i} below it (at least
   *     the working set, at most memory); the others are never written and never in a clean
   */
  public PageDirtyLog(long memoryPages, long workingSetPages, long residentPages, SplittableRandom random) {
    this(memoryPages, workingSetPages, residentPages, Long.MAX_VALUE, 1, random);
  }

  /**
   * @param hotPages the hot part of the working set, indices {@code [0, H)} (capped at it, at least 1; all
   *     of it for uniform writes)
   * @param hotWriteShare the hot part's share of the writes, 0 to 1 (ignored when it is all of the working set)
   */
  public PageDirtyLog(long memoryPages, long workingSetPages, long residentPages, long hotPages,
      double hotWriteShare, SplittableRandom random) {
    if (memoryPages < 1 || memoryPages > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the page-level dirty log needs 1.." + (Integer.MAX_VALUE - 8)
          + " pages, not " + memoryPages + "; use AnalyticDirtyLog for larger guests");
    }
    this.memoryPages = (int) memoryPages;
    this.workingSetPages = (int) Math.max(1, Math.min(workingSetPages, memoryPages));
    this.random = random;
    this.hotPages = (int) Math.max(1, Math.min(hotPages, this.workingSetPages));
    if (!(hotWriteShare >= 0 && hotWriteShare <= 1)) {
      throw new IllegalArgumentException("hotWriteShare must be in [0, 1]: " + hotWriteShare);
    }
    this.hotWriteShare = this.hotPages < this.workingSetPages ? hotWriteShare : 1;
    this.version = new int[this.memoryPages];
    this.sentVersion = new int[this.memoryPages];
    this.stride = strideFor(this.memoryPages);
    this.residentPages = (int) Math.max(this.workingSetPages, Math.min(residentPages, memoryPages));
    this.dirty = new BitSet(this.memoryPages);
    if (this.residentPages == this.memoryPages) {
      Arrays.fill(sentVersion, -1); // nothing is at the destination yet
      dirty.set(0, this.memoryPages); // enabling log-dirty: every page goes in round 1
    } else {
      // Never-touched pages are zero at the destination too (version 0 there): only the resident ones go.
      for (int i = 0; i < this.residentPages; i++) {
        int page = pageOf(i);
        sentVersion[page] = -1;
        dirty.set(page);
      }
    }
    dirtyCount = this.residentPages;
  }

  @Override
  public void write(double writes) {
    if (!(writes > 0)) {
      return;
    }
    if (hotPages == workingSetPages) {
      carry += writes;
      double whole = Math.floor(carry);
      carry -= whole;
      this.writes += writePart(0, workingSetPages, whole);
      return;
    }
    carry += writes * hotWriteShare;
    coldCarry += writes * (1 - hotWriteShare);
    double hot = Math.floor(carry);
    double cold = Math.floor(coldCarry);
    carry -= hot;
    coldCarry -= cold;
    this.writes += writePart(0, hotPages, hot) + writePart(hotPages, workingSetPages - hotPages, cold);
  }

  /** {@code whole} writes drawn uniformly over working-set indices {@code [from, from + pages)}. */
  private long writePart(int from, int pages, double whole) {
    if (whole >= (double) SATURATION * pages) {
      for (int p = from; p < from + pages; p++) {
        touch(pageOf(p));
      }
      return (long) whole;
    }
    long n = (long) whole;
    for (long i = 0; i < n; i++) {
      touch(pageOf(from + random.nextInt(pages)));
    }
    return n;
  }

  /**
   * Where the working set's i-th page lies in memory: scattered over all of memory (a multiplicative
   * stride coprime with the memory size, so a bijection), as a real guest's hot pages are, rather than
   * packed at the bottom, where a sender going through memory in order would meet them all first.
   */
  public int pageOf(int workingSetIndex) {
    return (int) ((workingSetIndex * stride) % memoryPages);
  }

  private static long strideFor(long memoryPages) {
    long s = Math.max(1, (long) (memoryPages * 0.6180339887)) | 1;
    while (gcd(s, memoryPages) != 1) {
      s += 2;
    }
    return s;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private void touch(int page) {
    version[page]++;
    if (!dirty.get(page)) {
      dirty.set(page);
      dirtyCount++;
    }
  }

  // Pages cleaned but not yet delivered, with the version each had when cleaned.
  private int[] inFlightPage = new int[0];
  private int[] inFlightVersion = new int[0];
  private int inFlight;
  /** In-flight entries before this index have been handed to the network; after it, they wait. */
  private int sentCursor;

  @Override
  public long clean() {
    long pages = dirtyCount;
    if (inFlight + dirtyCount > inFlightPage.length) {
      int size = (int) Math.max(inFlight + dirtyCount, 2L * inFlightPage.length);
      inFlightPage = java.util.Arrays.copyOf(inFlightPage, size);
      inFlightVersion = java.util.Arrays.copyOf(inFlightVersion, size);
    }
    for (int p = dirty.nextSetBit(0); p >= 0; p = dirty.nextSetBit(p + 1)) {
      inFlightPage[inFlight] = p;
      inFlightVersion[inFlight] = version[p];
      inFlight++;
    }
    dirty.clear();
    dirtyCount = 0;
    return pages;
  }

  @Override
  public void delivered() {
    for (int i = 0; i < inFlight; i++) {
      sentVersion[inFlightPage[i]] = inFlightVersion[i];
    }
    inFlight = 0;
    sentCursor = 0;
  }

  @Override
  public long dropRewrittenUnsent() {
    int kept = sentCursor;
    for (int i = sentCursor; i < inFlight; i++) {
      if (!dirty.get(inFlightPage[i])) {
        inFlightPage[kept] = inFlightPage[i];
        inFlightVersion[kept] = inFlightVersion[i];
        kept++;
      }
    }
    long dropped = inFlight - kept;
    inFlight = kept;
    return dropped;
  }

  @Override
  public void markSent(long pages) {
    sentCursor = (int) Math.min(inFlight, sentCursor + pages);
  }

  @Override
  public long peek() {
    return dirtyCount;
  }

  @Override
  public long memoryPages() {
    return memoryPages;
  }

  @Override
  public long residentPages() {
    return residentPages;
  }

  @Override
  public long pagesMissingAtDestination() {
    long missing = 0;
    for (int p = 0; p < memoryPages; p++) {
      if (version[p] != sentVersion[p]) {
        missing++;
      }
    }
    return missing;
  }

  @Override
  public boolean exact() {
    return true;
  }

  /** Whole page writes applied so far. */
  public long writes() {
    return writes;
  }

  /** Whether {@code page} is dirty now. */
  public boolean isDirty(int page) {
    return dirty.get(page);
  }

  public long workingSetPages() {
    return workingSetPages;
  }
}
