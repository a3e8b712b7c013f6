package io.domsim.config;

/**
 * How a guest's page writes fall on its working set ({@code workload.hot-fraction} and {@code
 * workload.hot-write-share}): a hot part of the working set takes a share of the writes, the cold rest the
 * others, each part uniformly. Clark et al. (NSDI 2005, section 4) found a writable working set whose pages
 * are not written alike: a small hot set is rewritten all the time (and is best left to the stop-and-copy),
 * the rest rarely. {@link #UNIFORM}, the default, is one part taking every write.
 *
 * @param hotFraction the hot part's share of the working set's pages, more than 0, at most 1
 * @param hotWriteShare the hot part's share of the writes, 0 to 1 (1 when the hot part is all of it)
 */
public record WriteSkew(double hotFraction, double hotWriteShare) {

  /** Every page of the working set as likely to be written (the default). */
  public static final WriteSkew UNIFORM = new WriteSkew(1, 1);

  public WriteSkew {
    if (!(hotFraction > 0 && hotFraction <= 1) || !(hotWriteShare >= 0 && hotWriteShare <= 1)) {
      throw new IllegalArgumentException("hot-fraction is in (0, 1] and hot-write-share in [0, 1], not "
          + hotFraction + " / " + hotWriteShare);
    }
  }

  /** Whether every page of the working set is as likely to be written. */
  public boolean uniform() {
    return hotFraction == 1 || hotWriteShare == hotFraction;
  }

  /** The hot pages of a working set of {@code workingSetPages}: at least 1, all of it when uniform. */
  public long hotPages(long workingSetPages) {
    if (uniform()) {
      return workingSetPages;
    }
    return Math.max(1, Math.min(workingSetPages, Math.round(hotFraction * workingSetPages)));
  }
}
