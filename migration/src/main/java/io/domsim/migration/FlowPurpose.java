package io.domsim.migration;

/**
 * What a migration stream carries: the fabric hands it back with the flow's completion, so the sender
 * knows what arrived without reading it from a name. Ordered (rounds first, by round and batch), so that
 * flows sort deterministically.
 */
public sealed interface FlowPurpose extends Comparable<FlowPurpose> {

  /** Pre-copy: the pages of {@code round} (1-based), or its {@code batch}-th batch (1-based; 0 = whole round). */
  record Round(int round, int batch) implements FlowPurpose {}

  /** The guest is suspended: the last dirty pages (or all memory) with its CPU and device state. */
  record FinalCopy() implements FlowPurpose {}

  /** Post-copy: CPU and device state only; the pages follow after the handover. */
  record DeviceState() implements FlowPurpose {}

  /** Post-copy: the pages not sent before the handover, pushed while the guest runs at the destination. */
  record PostcopyPush() implements FlowPurpose {}

  FlowPurpose FINAL_COPY = new FinalCopy();
  FlowPurpose DEVICE_STATE = new DeviceState();
  FlowPurpose POSTCOPY_PUSH = new PostcopyPush();

  /** Are these the guest's memory pages sent while it runs at the source? */
  default boolean isRound() {
    return this instanceof Round;
  }

  @Override
  default int compareTo(FlowPurpose o) {
    int byKind = Integer.compare(rank(this), rank(o));
    if (byKind != 0 || !(this instanceof Round a) || !(o instanceof Round b)) {
      return byKind;
    }
    int byRound = Integer.compare(a.round(), b.round());
    return byRound != 0 ? byRound : Integer.compare(a.batch(), b.batch());
  }

  private static int rank(FlowPurpose p) {
    if (p instanceof Round) {
      return 0;
    } else if (p instanceof FinalCopy) {
      return 1;
    } else if (p instanceof DeviceState) {
      return 2;
    }
    return 3;
  }
}
