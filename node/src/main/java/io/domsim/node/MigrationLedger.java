package io.domsim.node;

import io.domsim.config.GuestType;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every migration the operator asked for, in request order, and what became of it. Pure bookkeeping:
 * the records come from the Dom0s (or the operator's own refusal), this decides which one stands.
 */
final class MigrationLedger {

  /**
   * One requested migration: as asked ({@code requested}: no outcome) and the record that stands
   * ({@code reported}; null while no side has said anything, which means it is in flight).
   */
  record Entry(MigrationId id, MigrationRecord requested, MigrationRecord reported, RunResult.Origin origin) {
    boolean inFlight() {
      return reported == null;
    }
  }

  /** Who hears of each migration as it opens and as its first outcome stands (the cluster's meters). */
  interface Observer {
    void opened();

    void ended(Phase outcome);

    Observer NONE = new Observer() {
      @Override public void opened() { }
      @Override public void ended(Phase outcome) { }
    };
  }

  private final TreeMap<MigrationId, Entry> entries = new TreeMap<>();
  private Observer observer = Observer.NONE;
  /** Records name their migration by its wire name: look it up rather than parse it. */
  private final Map<String, MigrationId> byWireName = new TreeMap<>();
  /**
   * The migrations in flight, and each guest's migrations, in request order: a consolidation day asks "what is
   * in flight" at every migration's end, over tens of thousands of migrations.
   */
  private final TreeSet<MigrationId> inFlight = new TreeSet<>();
  private final Map<String, List<MigrationId>> byGuest = new TreeMap<>();
  /** How many migrations in flight leave or reach each node. */
  private final Map<String, Integer> inFlightByNode = new TreeMap<>();

  void observe(Observer o) {
    observer = o;
  }

  /**
   * Opens the next migration and returns it as requested, its id assigned. {@code from} is null when
   * the guest runs nowhere; {@code policy} is null when the algorithm has no stop rule.
   */
  MigrationRecord open(String guest, GuestType type, String from, String to, String algorithm, String policy,
      double requestedAtS, RunResult.Origin origin) {
    MigrationId id = new MigrationId(entries.isEmpty() ? 1 : entries.lastKey().sequence() + 1);
    MigrationRecord requested = MigrationRecord.requested(id.wireName(), guest, type, from, to, algorithm, policy,
        requestedAtS);
    entries.put(id, new Entry(id, requested, null, origin));
    byWireName.put(id.wireName(), id);
    inFlight.add(id);
    countInFlight(requested, 1);
    byGuest.computeIfAbsent(guest, g -> new ArrayList<>()).add(id);
    observer.opened();
    return requested;
  }

  /**
   * A record of how a migration ended. The first word stands, except that the source's record replaces
   * the destination's: the destination speaks first when it unpauses the guest, the source knows more.
   *
   * @return whether the record now stands (false for an unknown id or a record that came too late)
   */
  boolean end(MigrationRecord record) {
    MigrationId id = byWireName.get(record.id());
    if (id == null) {
      return false;
    }
    Entry e = entries.get(id);
    MigrationRecord standing = e.reported();
    if (standing != null && !(standing.fromDestination() && !record.fromDestination())) {
      return false;
    }
    entries.put(id, new Entry(id, e.requested(), record, e.origin()));
    landed(id, e.requested());
    if (standing == null) {
      // Counted once, by the first word: the source's fuller record that may replace the destination's is
      // not counted again.
      observer.ended(record.outcome());
    }
    return true;
  }

  /** A migration still going at the end of the run: keep what it has done so far, if nothing better came. */
  void inFlightAtEnd(MigrationRecord record) {
    MigrationId id = byWireName.get(record.id());
    if (id != null && entries.get(id).inFlight()) {
      landed(id, entries.get(id).requested());
      entries.put(id, new Entry(id, entries.get(id).requested(), record, entries.get(id).origin()));
    }
  }

  private void landed(MigrationId id, MigrationRecord requested) {
    if (inFlight.remove(id)) {
      countInFlight(requested, -1);
    }
  }

  private void countInFlight(MigrationRecord m, int change) {
    for (String node : new String[] {m.from(), m.to()}) {
      if (node != null) {
        inFlightByNode.merge(node, change, (a, b) -> a + b == 0 ? null : a + b);
      }
    }
  }

  /** Whether a migration in flight leaves or reaches {@code node}. */
  boolean involves(String node) {
    return inFlightByNode.containsKey(node);
  }

  /** Every migration, in request order. */
  List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** The records that stand, in request order. */
  List<MigrationRecord> reported() {
    List<MigrationRecord> out = new ArrayList<>();
    entries.values().forEach(e -> {
      if (!e.inFlight()) {
        out.add(e.reported());
      }
    });
    return out;
  }

  /** Migrations nobody has reported on yet, in request order. */
  List<MigrationRecord> inFlight() {
    List<MigrationRecord> out = new ArrayList<>(inFlight.size());
    for (MigrationId id : inFlight) {
      out.add(entries.get(id).requested());
    }
    return out;
  }

  /** The last migration of {@code guest} that failed (lost the guest), if any. */
  Optional<MigrationRecord> lastFailure(String guest) {
    List<MigrationId> ids = byGuest.getOrDefault(guest, List.of());
    for (int i = ids.size() - 1; i >= 0; i--) {
      Entry e = entries.get(ids.get(i));
      if (!e.inFlight() && e.reported().outcome() == Phase.FAILED) {
        return Optional.of(e.reported());
      }
    }
    return Optional.empty();
  }
}
