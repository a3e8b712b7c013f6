package io.domsim.hypervisor;

import io.domsim.kernel.RandomStreams;

/**
 * A domain's log-dirty bitmap (Xen's shadow log-dirty mode), created when log-dirty is enabled and
 * dropped when it is turned off. The hypervisor feeds it the guest's page writes as they are integrated
 * ({@link Domain#accrue}); the migration sender reads it with {@link #clean()} and {@link #peek()}.
 *
 * <p>Enabling log-dirty counts as "every page dirty": Xen's pre-copy sends all of memory in round 1
 * ({@code bitmap_set(dirty_bitmap, p2m_size)} in {@code xg_sr_save.c}), so the first {@link #clean()}
 * after enabling returns every page the guest has: {@link #residentPages()}, all of memory unless the
 * guest never touched some ({@link #untouchedPages()}, which the sender skips or flags instead).
 *
 * <p>Two implementations behind this one interface: {@link AnalyticDirtyLog}, the expected count for
 * uniform writes over the working set (any size, O(1)), and {@link PageDirtyLog}, a real bitmap with
 * seeded writes and per-page versions, which can prove that nothing is missing at the destination.
 */
public interface DirtyLog {

  /** Adds {@code writes} page writes (fractional: the page model carries the fraction over). */
  void write(double writes);

  /**
   * XEN_DOMCTL_SHADOW_OP_CLEAN: the number of distinct pages dirtied since the last clean, and clear
   * the log. The first clean after enabling returns every page of the guest. The pages it returns are
   * the ones the sender transmits next.
   */
  long clean();

  /** XEN_DOMCTL_SHADOW_OP_PEEK: what {@link #clean()} would return now, without clearing. */
  long peek();

  /** The guest's memory in pages (the size of the bitmap). */
  long memoryPages();

  /**
   * The pages the guest ever touched ({@code workload.resident}; all of memory by default). The first clean
   * after enabling returns these; the others are never written, so no clean ever returns them.
   */
  default long residentPages() {
    return memoryPages();
  }

  /**
   * Pages the guest never touched: unpopulated under Xen (its senders skip them: {@code
   * XEN_DOMCTL_PFINFO_XTAB}), zero pages under QEMU (sent as a flag, {@code RAM_SAVE_FLAG_ZERO}). They are at
   * the destination as they are (zero) without being sent as pages.
   */
  default long untouchedPages() {
    return memoryPages() - residentPages();
  }

  /**
   * Xen <= 4.5's sender (xc_domain_save) checks the bitmap before each batch and skips pages written
   * again since the round's clean: they go with the next round. This takes such pages out of the part
   * of the last clean not yet sent, and answers how many (exact for the page model, expected for the
   * analytic one).
   */
  default long dropRewrittenUnsent() {
    return 0;
  }

  /** The next {@code pages} of the last clean have been handed to the network. */
  default void markSent(long pages) {
  }

  /**
   * The pages of the cleans so far have reached the destination (their transfer has completed): from
   * now on it holds the versions they had when they were cleaned. Until then they are in flight.
   */
  default void delivered() {
  }

  /**
   * Verification (exact model only): pages whose current contents differ from the version the
   * destination last received, a page counting as received once the transfer that carried it was
   * {@link #delivered()}. After a correct final copy (a clean after the last write, with the guest
   * suspended, and its transfer delivered) this is 0. The analytic model cannot tell and answers 0.
   */
  default long pagesMissingAtDestination() {
    return 0;
  }

  /** Whether {@link #pagesMissingAtDestination()} is 0; always true for the analytic model. */
  default boolean destinationUpToDate() {
    return pagesMissingAtDestination() == 0;
  }

  /** Whether this log tracks individual pages (and so can verify the destination). */
  default boolean exact() {
    return false;
  }

  /** Makes a domain's log when log-dirty mode is enabled ({@link HostModel#setDirtyLogFactory}). */
  @FunctionalInterface
  interface Factory {
    DirtyLog create(Domain d);
  }

  /** The default: the analytic model over the domain's memory and working set. */
  static Factory analytic() {
    return d -> new AnalyticDirtyLog(d.memoryPages(), d.workingSetPages(), d.residentPages(), d.hotPages(),
        d.hotWriteShare());
  }

  /**
   * The exact page-level model, each log drawing its writes from its own stream seeded by
   * ({@code seed}, "log-dirty:" + guest name), so a run is reproducible whatever else draws numbers.
   */
  static Factory pageLevel(long seed) {
    return d -> new PageDirtyLog(d.memoryPages(), d.workingSetPages(), d.residentPages(), d.hotPages(),
        d.hotWriteShare(), RandomStreams.forEntity(seed, "log-dirty:" + d.name()));
  }
}
