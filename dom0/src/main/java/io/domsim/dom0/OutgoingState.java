package io.domsim.dom0;

import io.domsim.config.GuestSpec;
import io.domsim.hypervisor.Page;
import io.domsim.kernel.SimTime;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.MigrationShape;
import io.domsim.migration.Phase;
import io.domsim.migration.SourceProtocol;
import io.domsim.migration.StopRule;
import io.domsim.migration.net.FlowId;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** What the sender ({@link SourceSide}) keeps of each outgoing migration: plain state, no behaviour. */
final class OutgoingState {
  private OutgoingState() {}

  /** One fabric flow of a migration: what it carries, in bytes and pages. */
  record Flow(FlowId id, long bytes, long pages) {}

  /** The pre-copy round being sent: its send set, and the batch on the wire (batched senders). */
  static final class Round {
    final int number;
    final long startedAt;
    final long pages;
    final long pagesPerBatch;
    /** What the migration had sent when the round began: the round's bytes are what it adds. */
    final long bytesBefore;
    long remaining;
    long skipped;
    long batchInFlight;
    int batch;

    Round(int number, long startedAt, long pages, long pagesPerBatch, long bytesBefore) {
      this.number = number;
      this.bytesBefore = bytesBefore;
      this.startedAt = startedAt;
      this.pages = pages;
      this.pagesPerBatch = pagesPerBatch;
      this.remaining = pages;
    }
  }

  /** When the guest stopped and restarted, as far as the migration got (null: not yet). */
  static final class Timeline {
    Long started;
    Long suspended;
    Long unpaused;
  }

  static final class Outgoing {
    final Dom0.Migrate request;
    final GuestSpec spec;
    final int domid;
    final MigrationShape shape;
    final StopRule stopRule;
    final SourceProtocol protocol;
    final long memoryPages;
    /** Pages the guest never touched: skipped by Xen's senders, flagged as zero by QEMU's. */
    final long untouchedPages;
    final Timeline times = new Timeline();
    final List<MigrationRecord.Round> roundLog = new ArrayList<>();
    /** Every stream that has crossed or broken, in the order they ended (the series' rounds). */
    final List<MigrationRecord.Transfer> transfers = new ArrayList<>();
    /** When the flow on the wire (or its page-table rewrite before it) began. */
    long flowStartedAt;
    /** What has crossed the wire so far. */
    long bytes;
    long pages;
    /** The one flow on the wire, or null. */
    Flow flow;
    /** The pre-copy round in progress, or null. */
    Round round;
    /** The watchdog's current token: a {@link Dom0.StallTimeout} with another one is stale. */
    long stallToken;
    Long pagesMissing;

    Outgoing(Dom0.Migrate request, GuestSpec spec, int domid, MigrationShape shape, StopRule stopRule,
        OptionalLong userCap, long senderCapBitsPerSecond) {
      this.request = request;
      this.spec = spec;
      this.domid = domid;
      this.shape = shape;
      this.stopRule = stopRule;
      this.memoryPages = Page.memoryPages(spec);
      this.untouchedPages = memoryPages - Page.residentPages(spec);
      this.protocol = new SourceProtocol(shape, stopRule, userCap, senderCapBitsPerSecond);
    }

    String id() {
      return request.id();
    }

    /** The record as far as the migration got, on {@code node} at {@code now} (outcome null: in flight). */
    MigrationRecord record(String node, long now, Phase outcome, String reason) {
      Double downtime = times.suspended == null || times.unpaused == null ? null
          : SimTime.toSeconds(times.unpaused - times.suspended);
      return MigrationRecord.requested(id(), spec.name(), spec.type(), node, request.toNode(), request.algorithm(),
              request.policy(), SimTime.toSeconds(request.requestedAtNanos()))
          .withStart(times.started == null ? null : SimTime.toSeconds(times.started))
          .withTransfer(protocol.rounds(), bytes, pages, roundLog, pagesMissing).withDowntime(downtime)
          .withTransfers(transfers)
          .withOutcome(outcome, outcome == null ? null : SimTime.toSeconds(now), reason);
    }
  }
}
