package io.domsim.dom0;

import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import io.domsim.migration.net.FlowId;

/**
 * How far an outgoing migration has got, as its source knows it now: the record so far (bytes of the flows
 * that have arrived, the rounds done), the phase, and what is on the wire. The fabric knows how much of
 * {@code flow} has crossed: ask it ({@code Fabric.GetRate}) for the progress within a round.
 *
 * @param found false when the migration is not (or no longer) going out from this Dom0; the rest is empty
 * @param record null when not found
 * @param flow the flow on the wire, or null between flows
 * @param flowBytes what {@code flow} carries in all
 * @param queuedBytes what the current round still has to send after {@code flow} (batched senders)
 */
public record MigrationProgress(String id, boolean found, MigrationRecord record, Phase phase, FlowId flow,
    long flowBytes, long queuedBytes) implements io.domsim.kernel.serialization.CrossJvm {

  static MigrationProgress none(String id) {
    return new MigrationProgress(id, false, null, null, null, 0, 0);
  }
}
