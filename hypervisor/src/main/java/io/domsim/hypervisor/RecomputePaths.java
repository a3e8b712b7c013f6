package io.domsim.hypervisor;

/**
 * The branches a {@link HostRates} recompute went through, as bit flags in its {@code lastPaths}: for tests, so
 * that the equivalence test can check that its random hosts reach every branch.
 */
final class RecomputePaths {
  private RecomputePaths() {}

  static final int OVERSUBSCRIBED = 1;
  static final int HELD_BACK = 2;
  static final int DOM0_SERVES_NONE = 4;
  static final int DOM0_SERVES_ALL = 8;
  static final int DOM0_SEARCHED = 16;
  static final int ROUND_2_FITS = 32;
  static final int STEADY = 64;
  /** Dom0 serves all the I/O, known without the fixed point's probe at f = 0 (see dom0BoundFraction). */
  static final int NO_IO_PROBE_SKIPPED = 128;
  /** Some guest held to its share had its rates follow the host's credit level (CreditLevel). */
  static final int FOLLOWS_LEVEL = 256;
  /**
   * The incremental common path (HostRates.recomputeBySplit): the level and the node's sums from the host's
   * {@link LevelSplit}, in O(log n), no pass over the guests. Set with the flags of the branches the full
   * algorithm would have gone through (oversubscribed, and when guests are held back, Dom0 serving all).
   */
  static final int INCREMENTAL = 512;
}
