package io.domsim.migration;

import java.util.List;

/**
 * One migration as it ended, for the report: times in simulated seconds from the start of the run
 * (null where the migration never got there). {@code pagesMissingAtDestination} is checked after the
 * final copy with the page-level dirty model (it must be 0) and null otherwise. {@code fromDestination}
 * marks the destination's view, sent when it unpauses the guest (or when the source is lost): the
 * source's own record, which knows more, replaces it when it comes.
 */
public record MigrationRecord(
    String id, String guest, String type, String from, String to, String algorithm, String policy,
    double requestedAtS, Double startedAtS, Double finishedAtS, Double downtimeS, int rounds,
    long bytesTransferred, long pagesTransferred, Phase outcome, String reason, List<Round> roundLog,
    Long pagesMissingAtDestination, boolean fromDestination) {

  public MigrationRecord {
    roundLog = List.copyOf(roundLog);
  }

  /**
   * One pre-copy round: pages sent, pages skipped because they were written again during the round
   * (xen-legacy only), pages dirty at its end, and how long it took.
   */
  public record Round(int round, long pagesSent, long pagesSkipped, long pagesDirtied, double durationS) {}
}
