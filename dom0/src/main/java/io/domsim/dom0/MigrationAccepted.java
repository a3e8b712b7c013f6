package io.domsim.dom0;

/**
 * The destination of migration {@code id} has taken it (its paused copy exists): from here on the migration can
 * only end by its stream, not by a refusal. The operator's live request waits for this, or for the refusal.
 */
public record MigrationAccepted(String id) implements io.domsim.kernel.serialization.CrossJvm {}
