package io.domsim.node;

import io.domsim.migration.MigrationRecord;
import io.domsim.node.series.RoundRow;
import java.util.ArrayList;
import java.util.List;

/** rounds.csv.gz's rows from the migration ledger: the record that stands of each migration, its streams in order. */
final class SeriesRounds {
  private SeriesRounds() {}

  static List<RoundRow> of(MigrationLedger ledger) {
    List<RoundRow> rows = new ArrayList<>();
    for (MigrationLedger.Entry e : ledger.entries()) {
      MigrationRecord asked = e.requested();
      MigrationRecord rec = e.reported();
      if (rec == null) {
        continue;
      }
      for (MigrationRecord.Transfer t : rec.transfers()) {
        boolean suspended = t.kind() == MigrationRecord.TransferKind.STOP_AND_COPY
            || t.kind() == MigrationRecord.TransferKind.DEVICE_STATE;
        rows.add(new RoundRow(e.id().wireName(), asked.guest(), asked.type(), asked.from(), asked.to(), t.round(),
            t.kind(), io.domsim.kernel.SimTime.toSeconds(t.startNanos()),
            io.domsim.kernel.SimTime.toSeconds(t.endNanos()), t.pagesSent(), t.pagesDirtied(), t.bytes(),
            t.completed(), suspended ? rec.downtimeS() : null));
      }
    }
    return rows;
  }
}
