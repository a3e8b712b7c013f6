package io.domsim.migration;

import io.domsim.config.GuestType;
import java.util.List;

/**
 * One migration as it ended, for the report: times in simulated seconds from the start of the run
 * (null where the migration never got there). {@code pagesMissingAtDestination} is checked after the
 * final copy with the page-level dirty model (it must be 0) and null otherwise. {@code fromDestination}
 * marks the destination's view, sent when it unpauses the guest (or when the source is lost): the
 * source's own record, which knows more, replaces it when it comes. {@code outcome} is null while the
 * migration is in flight.
 *
 * <p>Build one with {@link #requested} and the {@code with...} methods for what happened since, not
 * with the canonical constructor: a record grows as the migration goes, and each step names what it adds.
 */
public record MigrationRecord(
    String id, String guest, GuestType type, String from, String to, String algorithm, String policy,
    double requestedAtS, Double startedAtS, Double finishedAtS, Double downtimeS, int rounds,
    long bytesTransferred, long pagesTransferred, Phase outcome, String reason, List<Round> roundLog,
    Long pagesMissingAtDestination, boolean fromDestination, List<Transfer> transfers)
    implements io.domsim.kernel.serialization.CrossJvm {

  /**
   * The round log keeps the first this many rounds; {@code rounds} counts them all. A qemu pre-copy that
   * never converges iterates until migration.timeout: its log must not grow with it (nor the report).
   */
  public static final int ROUND_LOG_LIMIT = 1000;

  public MigrationRecord {
    roundLog = List.copyOf(roundLog);
    transfers = List.copyOf(transfers);
  }

  /** A record without a transfer log (what a destination knows, and tests of the report). */
  public MigrationRecord(String id, String guest, GuestType type, String from, String to, String algorithm,
      String policy, double requestedAtS, Double startedAtS, Double finishedAtS, Double downtimeS, int rounds,
      long bytesTransferred, long pagesTransferred, Phase outcome, String reason, List<Round> roundLog,
      Long pagesMissingAtDestination, boolean fromDestination) {
    this(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAtS, finishedAtS, downtimeS, rounds,
        bytesTransferred, pagesTransferred, outcome, reason, roundLog, pagesMissingAtDestination, fromDestination,
        List.of());
  }

  /**
   * A migration as the operator asked for it, nothing done yet. {@code type} is null where the guest is
   * unknown to whoever writes the record; {@code policy} (the pre-copy stop rule) may be null.
   */
  public static MigrationRecord requested(String id, String guest, GuestType type, String from, String to,
      String algorithm, String policy, double requestedAtS) {
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, null, null, null, 0, 0, 0,
        null, null, List.of(), null, false, List.of());
  }

  /** Refused before anything moved: it never started or finished. */
  public MigrationRecord refused(String why) {
    return withOutcome(Phase.REFUSED, null, why);
  }

  /** When the first byte left (null if it never did). */
  public MigrationRecord withStart(Double startedAt) {
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAt, finishedAtS,
        downtimeS, rounds, bytesTransferred, pagesTransferred, outcome, reason, roundLog, pagesMissingAtDestination,
        fromDestination, transfers);
  }

  /** What has been sent so far, and (page model, after the final copy) how many pages the destination lacks. */
  public MigrationRecord withTransfer(int roundCount, long bytes, long pages, List<Round> log, Long pagesMissing) {
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAtS, finishedAtS,
        downtimeS, roundCount, bytes, pages, outcome, reason, log, pagesMissing, fromDestination, transfers);
  }

  /** The same record with every stream that crossed (or broke) so far, in the order they ended. */
  public MigrationRecord withTransfers(List<Transfer> log) {
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAtS, finishedAtS,
        downtimeS, rounds, bytesTransferred, pagesTransferred, outcome, reason, roundLog, pagesMissingAtDestination,
        fromDestination, log);
  }

  /** How long the guest ran nowhere (null while unknown). */
  public MigrationRecord withDowntime(Double downtime) {
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAtS, finishedAtS,
        downtime, rounds, bytesTransferred, pagesTransferred, outcome, reason, roundLog, pagesMissingAtDestination,
        fromDestination, transfers);
  }

  /**
   * How it ended ({@code ended} null: still in flight), when ({@code finishedAt} null where it never
   * finished), and why, in a sentence (null when nothing needs saying).
   */
  public MigrationRecord withOutcome(Phase ended, Double finishedAt, String why) {
    if (ended != null && !ended.finished()) {
      throw new IllegalArgumentException("a migration cannot end in phase " + ended);
    }
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAtS, finishedAt,
        downtimeS, rounds, bytesTransferred, pagesTransferred, ended, why, roundLog, pagesMissingAtDestination,
        fromDestination, transfers);
  }

  /** The same record as the destination tells it. */
  public MigrationRecord seenFromDestination() {
    return new MigrationRecord(id, guest, type, from, to, algorithm, policy, requestedAtS, startedAtS, finishedAtS,
        downtimeS, rounds, bytesTransferred, pagesTransferred, outcome, reason, roundLog, pagesMissingAtDestination,
        true, transfers);
  }

  /**
   * One pre-copy round: pages sent, pages skipped because they were written again during the round
   * (xen-legacy only), pages dirty at its end, and how long it took.
   */
  public record Round(int round, long pagesSent, long pagesSkipped, long pagesDirtied, double durationS) {}

  /** What a transfer of a migration carried. */
  public enum TransferKind {
    /** A live pre-copy round: the guest runs on at the source. */
    ROUND,
    /** The suspended guest's last copy (dirty pages or all memory, with its vCPU and device state). */
    STOP_AND_COPY,
    /** Post-copy: the suspended guest's vCPU and device state only. */
    DEVICE_STATE,
    /** Post-copy: the pages pushed after the guest resumed at the destination. */
    PUSH;

    /** round, stop-and-copy, device-state, push: the word series files use. */
    public String seriesName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One stream of a migration, from its start to when its last byte crossed (or the stream broke:
   * {@code completed} false, and the bytes that had crossed). A pre-copy round sent in batches is one
   * transfer. Its bytes add up, over all transfers, to {@code bytesTransferred}. Times in nanoseconds of
   * simulated time; {@code pagesDirtied} is known for a live round that completed, else null.
   */
  public record Transfer(TransferKind kind, int round, long startNanos, long endNanos, long pagesSent,
      Long pagesDirtied, long bytes, boolean completed) {}
}
