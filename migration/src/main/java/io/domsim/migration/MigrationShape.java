package io.domsim.migration;

import java.util.Objects;

/**
 * The steps an algorithm takes, as data the protocol machines follow.
 *
 * @param algorithm the algorithm's name, for the report
 * @param liveRounds pre-copy rounds while the guest runs at the source, ended by the stop rule
 * @param finalCopy what travels while the guest is suspended
 * @param resumesBeforeMemory the guest resumes at the destination before its memory has arrived
 *     (post-copy): the pages not yet sent are pushed after the handover, and the guest is lost if the
 *     source dies before they all arrive
 */
public record MigrationShape(String algorithm, boolean liveRounds, FinalCopy finalCopy,
    boolean resumesBeforeMemory) {

  /** What the suspended guest's last transfer carries (always with its CPU and device state). */
  public enum FinalCopy {
    /** The pages still dirty after the last round (pre-copy). */
    DIRTY_PAGES,
    /** All of memory (stop-and-copy). */
    ALL_MEMORY,
    /** No pages: they follow after the handover (post-copy). */
    STATE_ONLY
  }

  public MigrationShape {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(finalCopy, "finalCopy");
    if (resumesBeforeMemory != (finalCopy == FinalCopy.STATE_ONLY)) {
      throw new IllegalArgumentException("algorithm " + algorithm + ": a guest resumes before its memory has"
          + " arrived exactly when the final copy carries no pages");
    }
  }

  /** Does a pre-copy stop rule decide when the rounds end? Only then does the report name one. */
  public boolean usesStopRule() {
    return liveRounds;
  }
}
