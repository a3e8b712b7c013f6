package io.domsim.node.series;

import io.domsim.config.GuestType;
import io.domsim.migration.MigrationRecord.TransferKind;

/**
 * One stream of one migration: rounds.csv.gz's row. {@code migration} is its id (m1, m2, ..., in request
 * order, as report.json lists the migrations). {@code pagesDirtied} is known for a live round that completed
 * (null otherwise); {@code downtimeSeconds} is the migration's downtime, on the row of the copy made while the
 * guest was suspended (stop-and-copy or post-copy's device state), null elsewhere. {@code completed} is false
 * for a stream that broke (its bytes are what had crossed). A migration's rows' bytes add up to its
 * {@code bytes_transferred} in report.json.
 */
public record RoundRow(String migration, String guest, GuestType type, String from, String to, int round,
    TransferKind kind, double startSeconds, double endSeconds, long pagesSent, Long pagesDirtied, long bytes,
    boolean completed, Double downtimeSeconds) {}
