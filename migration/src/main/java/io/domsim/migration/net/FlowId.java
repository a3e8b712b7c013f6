package io.domsim.migration.net;

import io.domsim.migration.FlowPurpose;
import java.util.Comparator;
import java.util.Objects;

/** One stream on the fabric: which migration it belongs to and what it carries. Ordered by both. */
public record FlowId(String migration, FlowPurpose purpose) implements Comparable<FlowId> {
  private static final Comparator<FlowId> ORDER =
      Comparator.comparing(FlowId::migration).thenComparing(FlowId::purpose);

  public FlowId {
    Objects.requireNonNull(migration, "migration");
    Objects.requireNonNull(purpose, "purpose");
  }

  @Override
  public int compareTo(FlowId o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return migration + " " + purpose;
  }
}
