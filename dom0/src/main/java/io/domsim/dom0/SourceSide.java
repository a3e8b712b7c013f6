package io.domsim.dom0;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.dom0.OutgoingState.Flow;
import io.domsim.dom0.OutgoingState.Outgoing;
import io.domsim.dom0.OutgoingState.Round;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.hypervisor.Page;
import io.domsim.kernel.SimTime;
import io.domsim.migration.FlowPurpose;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.MigrationShape;
import io.domsim.migration.MigrationShape.FinalCopy;
import io.domsim.migration.Phase;
import io.domsim.migration.RoundStats;
import io.domsim.migration.SourceProtocol;
import io.domsim.migration.SourceStep;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FlowId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A Dom0's outgoing migrations: the sender. The decisions are the pure {@link SourceProtocol}'s; this
 * class carries its steps out with hypercalls, messages to the destination and fabric flows, for any
 * algorithm's {@link MigrationShape} and any stop rule's way through a round.
 */
final class SourceSide {
  private final MigrationHost host;
  private final MigrationContext ctx;
  private final TreeMap<String, Outgoing> outgoing = new TreeMap<>();

  SourceSide(MigrationHost host, MigrationContext ctx) {
    this.host = host;
    this.ctx = ctx;
  }

  /** Is a migration of this guest going out from here? */
  boolean migrating(String guest) {
    return outgoing.values().stream().anyMatch(o -> o.spec.name().equals(guest));
  }

  /** Where this guest's migration from here goes, or null when none is going out. */
  String destinationOf(String guest) {
    return outgoing.values().stream().filter(o -> o.spec.name().equals(guest)).map(o -> o.request.toNode())
        .findFirst().orElse(null);
  }

  /** The records of the outgoing migrations still going, as far as they got (outcome null). */
  List<MigrationRecord> inFlight() {
    return outgoing.values().stream()
        .map(o -> o.record(host.node(), host.now(), null, "the run ended before the migration did")).toList();
  }

  /** How far migration {@code id} has got, if it goes out from here. */
  MigrationProgress progress(String id) {
    Outgoing o = outgoing.get(id);
    if (o == null) {
      return MigrationProgress.none(id);
    }
    long queued = o.round != null && o.stopRule.batches().isPresent() && o.flow != null
        ? Math.max(0, o.round.remaining - o.round.batchInFlight) * Page.BYTES : 0;
    return new MigrationProgress(id, true, o.record(host.node(), host.now(), null, null), o.protocol.phase(),
        o.flow == null ? null : o.flow.id(), o.flow == null ? 0 : o.flow.bytes(), queued);
  }

  /** Start migrating {@code m.guest()}, which runs here as {@code domid}. */
  void migrate(Dom0.Migrate m, GuestSpec spec, int domid) {
    io.domsim.migration.StopRule rule = ctx.plugins().stopRule(m.policy());
    long senderCap = ctx.costs().senderCapBitsPerSecond(host.cyclesPerSecond(), rule.senderThreads(),
        host.dom0Vcpus(), rule.compression());
    Outgoing o = new Outgoing(m, spec, domid, ctx.plugins().shape(m.algorithm()), rule,
        ctx.plugins().defaults().bandwidthBitsPerSecond(), senderCap);
    outgoing.put(m.id(), o);
    ctx.monitor().migrationStarted(m.id(), spec.name(), host.node(), m.toNode(), host.now());
    run(o, o.protocol.start());
  }

  private void run(Outgoing o, List<SourceStep> steps) {
    for (SourceStep step : steps) {
      if (step instanceof SourceStep.SendPrepare) {
        armWatchdog(o); // until the destination answers
        host.sendToPeer(o.request.toNode(), o.request.destination(), new Dom0.PrepareIncoming(o.id(), o.spec,
            o.request.algorithm(), host.node(), host.boot(), o.request.destinationBoot(), host.self(),
            o.request.reportTo(), host.hypervisorKind()));
      } else if (step instanceof SourceStep.EnableLogDirty) {
        host.hypercall(new Op.EnableLogDirty(o.domid), r -> { });
        if (o.stopRule.iteratesUntilConverged()) {
          host.after(ctx.plugins().defaults().timeout().toNanos(), new Dom0.ConvergenceTimeout(o.id()));
        }
      } else if (step instanceof SourceStep.SendRound s) {
        sendRound(o, s.round());
      } else if (step instanceof SourceStep.Throttle t) {
        host.hypercall(new Op.SetThrottle(o.domid, t.fraction()), r -> { });
      } else if (step instanceof SourceStep.Suspend) {
        suspend(o);
      } else if (step instanceof SourceStep.SendFinalCopy f) {
        sendFinalCopy(o, f.what());
      } else if (step instanceof SourceStep.SendGo) {
        ctx.monitor().goSent(host.node(), o.id());
        host.sendToPeer(o.request.toNode(), o.request.destination(), new Dom0.Go(o.id(), o.record(host.node(), host.now(), null, null),
            o.times.suspended == null ? host.now() : o.times.suspended));
      } else if (step instanceof SourceStep.PushRemainingPages) {
        // Everything not sent before the handover: with post-copy, that is all of memory.
        long pages = o.memoryPages - o.untouchedPages;
        startFlow(o, FlowPurpose.POSTCOPY_PUSH, o.stopRule.pageBytes(pages) + untouchedBytes(o), pages, true);
      } else if (step instanceof SourceStep.DestroySource) {
        host.hypercall(new Op.DestroyDomain(o.domid), r -> { });
        host.guestLeft(o.spec.name());
      } else if (step instanceof SourceStep.ResumeSource r) {
        resume(o, r.wasSuspended());
      } else if (step instanceof SourceStep.Finish f) {
        finish(o, f.outcome(), f.reason());
      }
    }
  }

  private void started(Outgoing o) {
    if (o.times.started == null) {
      o.times.started = host.now();
      ctx.observer().started();
    }
  }

  /** One pre-copy round: clean the log (the round's send set) and send it, whole or in batches. */
  private void sendRound(Outgoing o, int number) {
    host.hypercall(new Op.CleanDirtyLog(o.domid), r -> {
      if (!(r instanceof Hypervisor.Done done) || o.protocol.phase().finished()) {
        return;
      }
      started(o);
      long pages = done.value();
      long perBatch = o.stopRule.batches().map(b -> b.pagesPerBatch(pages)).orElse(pages);
      o.round = new Round(number, host.now(), pages, perBatch, o.bytes);
      host.sendToPeer(o.request.toNode(), o.request.destination(), new Dom0.StreamProgress(o.id(),
          o.record(host.node(), host.now(), null, null)));
      if (o.stopRule.batches().isPresent()) {
        sendNextBatch(o);
      } else {
        long bytes = number == 1 ? o.stopRule.pageBytes(pages) + untouchedBytes(o)
            : o.stopRule.dirtyPageBytes(pages, number, Page.workingSetPages(o.spec));
        startFlow(o, new FlowPurpose.Round(number, 0), bytes, pages, number == 1);
      }
    });
  }

  /**
   * What the pages the guest never touched cost on the wire in a pass over all of memory (round 1, a
   * stop-and-copy, a post-copy push): nothing with Xen's senders, which skip them; a zero-page flag each with
   * QEMU's. They are never in a clean after the first (never written), so only that pass meets them.
   */
  private long untouchedBytes(Outgoing o) {
    return o.untouchedPages * o.stopRule.untouchedPageBytes();
  }

  /**
   * The next batch of a batched round (xc_domain_save): before each batch but the first, the pages of the
   * send set written again since the clean are taken out; they stay dirty for the next round.
   */
  private void sendNextBatch(Outgoing o) {
    Round round = o.round;
    Runnable send = () -> {
      long pages = Math.min(round.remaining, round.pagesPerBatch);
      if (pages <= 0) {
        finishRound(o);
        return;
      }
      round.batch++;
      round.batchInFlight = pages;
      boolean first = round.number == 1 && round.batch == 1;
      long bytes = o.stopRule.pageBytes(pages) + (first ? untouchedBytes(o) : 0);
      startFlow(o, new FlowPurpose.Round(round.number, round.batch), bytes, pages, first);
    };
    if (round.batch == 0) {
      send.run(); // nothing can have been written again yet
      return;
    }
    host.hypercall(new Op.DropRewritten(o.domid), r -> {
      long dropped = r instanceof Hypervisor.Done d ? Math.min(d.value(), round.remaining) : 0;
      round.remaining -= dropped;
      round.skipped += dropped;
      send.run();
    });
  }

  /**
   * Sends {@code bytes} to the destination as one fabric flow. PV page-table pages (one per 512 pages)
   * are first rewritten from machine to guest frame numbers, which takes CPU time before the send.
   */
  private void startFlow(Outgoing o, FlowPurpose purpose, long bytes, long pages) {
    startFlow(o, purpose, bytes, pages, false);
  }

  /**
   * ... and, when {@code passesUntouched} (the pass over all of memory), QEMU's sender first reads each page the
   * guest never touched to find it zero ({@link io.domsim.migration.StopRule#untouchedPageScanNanos}).
   */
  private void startFlow(Outgoing o, FlowPurpose purpose, long bytes, long pages, boolean passesUntouched) {
    Flow flow = new Flow(new FlowId(o.id(), purpose), bytes, pages);
    o.flow = flow;
    o.flowStartedAt = host.now();
    long delay = passesUntouched ? o.untouchedPages * o.stopRule.untouchedPageScanNanos() : 0;
    if (o.spec.type() == GuestType.PV && !(purpose instanceof FlowPurpose.PostcopyPush)) {
      long pagetablePages = (pages + MigrationCosts.PAGES_PER_PAGETABLE_PAGE - 1)
          / MigrationCosts.PAGES_PER_PAGETABLE_PAGE;
      delay += SimTime.seconds(pagetablePages * ctx.costs().pvPagetableRewriteCycles() / host.cyclesPerSecond());
    }
    if (delay > 0) {
      host.after(delay, new Dom0.PagetablesRewritten(flow.id()));
    } else {
      host.startFlow(flow.id(), o.request.toNode(), bytes, o.protocol.capBitsPerSecond(purpose), stream(o, purpose));
    }
  }

  /**
   * How the fabric carries a flow of {@code purpose}: a live round is done for the sender once its last byte has
   * left (Xen's and QEMU's senders go on with the next round without waiting for the receiver: the rounds are
   * pipelined); the other streams once their last byte has arrived (the guest is paused, or the destination
   * needs every page). Compressed pages cost the sending and receiving Dom0 their codec's cycles.
   */
  private static Fabric.Stream stream(Outgoing o, FlowPurpose purpose) {
    io.domsim.migration.Compression c = o.stopRule.compression();
    Fabric.Delivery doneOn = purpose.isRound() ? Fabric.Delivery.DEPARTURE : Fabric.Delivery.ARRIVAL;
    if (c == io.domsim.migration.Compression.NONE && doneOn == Fabric.Delivery.ARRIVAL) {
      return Fabric.Stream.PLAIN;
    }
    return new Fabric.Stream(doneOn, c.perWirePage(c.compressCyclesPerPage()), c.perWirePage(c.decompressCyclesPerPage()));
  }

  /** The sender has prepared {@code flow}'s pages (PV page tables rewritten, QEMU's zero scan): its bytes may go. */
  void onPagetablesRewritten(Dom0.PagetablesRewritten t) {
    Outgoing o = outgoing.get(t.flow().migration());
    if (o != null && !o.protocol.phase().finished() && o.flow != null && o.flow.id().equals(t.flow())) {
      host.startFlow(o.flow.id(), o.request.toNode(), o.flow.bytes(),
          o.protocol.capBitsPerSecond(o.flow.id().purpose()), stream(o, o.flow.id().purpose()));
    }
  }

  /**
   * The guest stops running now. PV: the suspend request reaches the guest's kernel, which freezes its
   * tasks and acknowledges (modelled as paused at once, then the acknowledgement latency); HVM: paused by
   * the hypervisor directly. Downtime counts from here.
   */
  private void suspend(Outgoing o) {
    started(o);
    o.times.suspended = host.now();
    host.hypercall(new Op.PauseDomain(o.domid), r -> {
      if (o.protocol.phase() != Phase.SUSPENDING) {
        return; // aborted meanwhile: ResumeSource has taken care of the guest
      }
      if (o.spec.type().cooperative()) { // PV drivers (PV, PVH, PVHVM) acknowledge; plain HVM is just paused
        host.after(ctx.costs().pvSuspendAckNanos(), new Dom0.SuspendAcknowledged(o.id()));
      } else {
        run(o, o.protocol.suspendedGuest());
      }
    });
  }

  /** A PV guest has acknowledged its suspend. */
  void onSuspendAcknowledged(Dom0.SuspendAcknowledged t) {
    Outgoing o = outgoing.get(t.migration());
    if (o != null && o.protocol.phase() == Phase.SUSPENDING) {
      run(o, o.protocol.suspendedGuest());
    }
  }

  private void sendFinalCopy(Outgoing o, FinalCopy what) {
    long stateBytes = o.spec.vcpus() * ctx.costs().vcpuStateBytes();
    // HVM: QEMU's device state and Xen's HVM context; PVHVM the same (QEMU emulates its platform); PVH has no
    // device model, so only the HVM context (its vLAPIC, paging and CPU records); PV neither.
    if (o.spec.type().deviceModel()) {
      stateBytes += ctx.costs().hvmDeviceStateBytes() + ctx.costs().hvmContextBytes();
    } else if (o.spec.type().needsHvm()) {
      stateBytes += ctx.costs().hvmContextBytes();
    }
    long fixed = stateBytes;
    switch (what) {
      case STATE_ONLY -> startFlow(o, FlowPurpose.DEVICE_STATE, fixed, 0);
      case ALL_MEMORY -> startFlow(o, FlowPurpose.FINAL_COPY,
          o.stopRule.pageBytes(o.memoryPages - o.untouchedPages) + untouchedBytes(o) + fixed,
          o.memoryPages - o.untouchedPages, true);
      case DIRTY_PAGES -> host.hypercall(new Op.CleanDirtyLog(o.domid), r -> {
        long pages = r instanceof Hypervisor.Done d ? d.value() : 0;
        // The final copy counts as the round after the last live one (XBZRLE encodes it too).
        int round = o.round == null ? 1 : o.round.number + 1;
        startFlow(o, FlowPurpose.FINAL_COPY,
            o.stopRule.dirtyPageBytes(pages, round, Page.workingSetPages(o.spec)) + fixed, pages);
      });
      default -> throw new AssertionError(what);
    }
  }

  /** A fabric flow of an outgoing migration has arrived, broke, stalled or moves again. False when not ours. */
  boolean onFlow(Fabric.FlowEvent event) {
    Outgoing o = outgoing.get(event.flowId().migration());
    if (o == null || o.flow == null || !o.flow.id().equals(event.flowId())) {
      return false;
    }
    if (event instanceof Fabric.FlowStalled) {
      armWatchdog(o);
      return true;
    }
    if (event instanceof Fabric.FlowMoving) {
      disarmWatchdog(o);
      return true;
    }
    disarmWatchdog(o);
    Flow flow = o.flow;
    o.flow = null;
    if (event instanceof Fabric.FlowBroken b) {
      // What had left before the break counts as sent (pages in proportion).
      long pagesCrossed = flow.bytes() > 0 ? Math.round((double) flow.pages() * b.bytesSent() / flow.bytes()) : 0;
      o.bytes += b.bytesSent();
      o.pages += pagesCrossed;
      ctx.observer().bytesSent(b.bytesSent());
      brokenTransfer(o, flow, pagesCrossed, b.bytesSent());
      run(o, o.protocol.destinationLost("the network path to " + o.request.toNode() + " broke (" + b.node()
          + " failed)"));
      return true;
    }
    // Bytes count once they have crossed.
    o.bytes += flow.bytes();
    o.pages += flow.pages();
    ctx.observer().bytesSent(flow.bytes());
    FlowPurpose purpose = flow.id().purpose();
    if (!(purpose instanceof FlowPurpose.Round)) {
      o.transfers.add(new MigrationRecord.Transfer(kindOf(purpose), nextTransferNumber(o), o.flowStartedAt,
          host.now(), flow.pages(), null, flow.bytes(), true));
    }
    if (purpose instanceof FlowPurpose.PostcopyPush) {
      host.sendToPeer(o.request.toNode(), o.request.destination(), new Dom0.AllPagesPushed(o.id()));
      run(o, o.protocol.pushDone());
    } else if (purpose instanceof FlowPurpose.Round) {
      if (o.stopRule.batches().isPresent()) {
        host.hypercall(new Op.MarkSent(o.domid, o.round.batchInFlight), x -> { });
        o.round.remaining -= o.round.batchInFlight;
        sendNextBatch(o);
      } else {
        finishRound(o);
      }
    } else {
      if (purpose instanceof FlowPurpose.FinalCopy && o.shape.finalCopy() == FinalCopy.DIRTY_PAGES) {
        // The last pages have arrived. With the exact dirty model, check now, with every write up to
        // this instant counted, that the destination holds the latest version of every page.
        host.hypercall(new Op.PagesDelivered(o.domid), x -> { });
        host.hypercall(new Op.PagesMissing(o.domid), m -> {
          if (m instanceof Hypervisor.Done d && d.value() >= 0) {
            o.pagesMissing = d.value();
            ctx.monitor().pagesMissingAtHandover(host.node(), o.id(), o.spec.name(), d.value(), host.now());
          }
        });
      }
      run(o, o.protocol.finalCopySent());
    }
    return true;
  }

  /** A stream after the live rounds is numbered on from the last one (post-copy's from 1). */
  private static int nextTransferNumber(Outgoing o) {
    return o.transfers.isEmpty() ? 1 : o.transfers.get(o.transfers.size() - 1).round() + 1;
  }

  /** What a stream of {@code purpose} carries, for the series. */
  private static MigrationRecord.TransferKind kindOf(FlowPurpose purpose) {
    if (purpose instanceof FlowPurpose.Round) {
      return MigrationRecord.TransferKind.ROUND;
    }
    if (purpose instanceof FlowPurpose.PostcopyPush) {
      return MigrationRecord.TransferKind.PUSH;
    }
    return purpose instanceof FlowPurpose.FinalCopy ? MigrationRecord.TransferKind.STOP_AND_COPY
        : MigrationRecord.TransferKind.DEVICE_STATE;
  }

  /** {@code flow} broke after {@code pagesCrossed} of its pages: what crossed of it (or of its round) is logged. */
  private void brokenTransfer(Outgoing o, Flow flow, long pagesCrossed, long bytesCrossed) {
    if (flow.id().purpose() instanceof FlowPurpose.Round && o.round != null) {
      Round round = o.round;
      long sent = round.pages - round.remaining - round.skipped + pagesCrossed;
      o.transfers.add(new MigrationRecord.Transfer(MigrationRecord.TransferKind.ROUND, round.number, round.startedAt,
          host.now(), Math.max(0, sent), null, o.bytes - round.bytesBefore, false));
    } else {
      o.transfers.add(new MigrationRecord.Transfer(kindOf(flow.id().purpose()), nextTransferNumber(o),
          o.flowStartedAt, host.now(), pagesCrossed, null, bytesCrossed, false));
    }
  }

  /** The round's pages have all left (the rounds are pipelined): the stop rule decides what comes next. */
  private void finishRound(Outgoing o) {
    host.hypercall(new Op.PagesDelivered(o.domid), x -> { });
    Round round = o.round;
    long sent = round.pages - round.skipped;
    long skipped = round.skipped;
    long duration = Math.max(1, host.now() - round.startedAt);
    long end = host.now();
    long bytes = o.bytes - round.bytesBefore;
    host.hypercall(new Op.PeekDirtyLog(o.domid), r -> {
      long dirty = r instanceof Hypervisor.Done d ? d.value() : 0;
      o.transfers.add(new MigrationRecord.Transfer(MigrationRecord.TransferKind.ROUND, round.number, round.startedAt,
          end, sent, dirty, bytes, true));
      if (o.roundLog.size() < MigrationRecord.ROUND_LOG_LIMIT) {
        o.roundLog.add(new MigrationRecord.Round(o.protocol.rounds(), sent, skipped, dirty,
            SimTime.toSeconds(duration)));
      }
      // What crossed the wire, zero-page flags included (QEMU measures its bandwidth so).
      double bandwidth = bytes / SimTime.toSeconds(duration);
      RoundStats stats = new RoundStats(o.protocol.rounds(), sent, o.pages, dirty, o.memoryPages, bandwidth,
          duration, skipped);
      run(o, o.protocol.roundSent(stats, dirty * Page.BYTES, sent * Page.BYTES));
    });
  }

  /**
   * Undo before GO: the stream stops, log-dirty and the throttle go, a suspended guest runs again, and the
   * destination is told to drop its copy (it gets the word when it can: at once, or when a cut heals).
   */
  private void resume(Outgoing o, boolean wasSuspended) {
    disarmWatchdog(o);
    host.sendToPeer(o.request.toNode(), o.request.destination(), new Dom0.MigrationAborted(o.id(),
        "the source gave up before GO"));
    if (o.flow != null) {
      host.cancelFlow(o.flow.id());
      o.flow = null;
    }
    host.hypercall(new Op.DisableLogDirty(o.domid), x -> { });
    host.hypercall(new Op.SetThrottle(o.domid, 0), x -> { });
    if (wasSuspended) {
      o.times.unpaused = host.now(); // the guest was down from the suspend until now: that is its downtime
      host.hypercall(new Op.UnpauseDomain(o.domid), x -> { });
    }
  }

  void onResumedThere(Dom0.ResumedThere r) {
    Outgoing o = outgoing.get(r.id());
    if (o != null) {
      o.times.unpaused = r.unpausedAtNanos();
      run(o, o.protocol.resumedAtDestination());
    }
  }

  void onPrepared(Dom0.Prepared p) {
    Outgoing o = outgoing.get(p.id());
    if (o != null) {
      disarmWatchdog(o);
      host.tellOperator(o.request.acceptedTo(), new MigrationAccepted(o.id()));
      run(o, o.protocol.prepared());
    }
  }

  void onPrepareRefused(Dom0.PrepareRefused p) {
    Outgoing o = outgoing.get(p.id());
    if (o != null) {
      disarmWatchdog(o);
      run(o, o.protocol.refused(p.reason()));
    }
  }

  /**
   * The migration waits for its peer (an answer, or a stalled stream to move): if nothing happens for
   * {@code migration.timeout}, {@link #onStallTimeout} gives up.
   */
  private void armWatchdog(Outgoing o) {
    o.stallToken++;
    host.after(ctx.plugins().defaults().timeout().toNanos(), new Dom0.StallTimeout(o.id(), o.stallToken));
  }

  /** Progress: a pending watchdog is stale. */
  private void disarmWatchdog(Outgoing o) {
    o.stallToken++;
  }

  /**
   * No progress for {@code migration.timeout}: before GO the source gives up, as xl does when its TCP
   * connection times out, and the guest runs on here; after GO it never resumes its copy, so it waits
   * on (the destination runs the guest once GO reaches it).
   */
  void onStallTimeout(Dom0.StallTimeout t) {
    Outgoing o = outgoing.get(t.migration());
    if (o == null || t.token() != o.stallToken || o.protocol.phase().pastGo()) {
      return;
    }
    run(o, o.protocol.destinationLost("no progress for "
        + io.domsim.config.Units.formatDuration(ctx.plugins().defaults().timeout()) + ": the path to " + o.request.toNode() + " is cut (migration.timeout)"));
  }

  /**
   * A pre-copy whose rule never gives up (QEMU's) has iterated for {@code migration.timeout}: if it is still
   * in its live rounds, the source cancels it and the guest runs on here.
   */
  void onConvergenceTimeout(Dom0.ConvergenceTimeout t) {
    Outgoing o = outgoing.get(t.migration());
    if (o != null) {
      run(o, o.protocol.gaveUp("did not converge within "
          + io.domsim.config.Units.formatDuration(ctx.plugins().defaults().timeout()) + " (migration.timeout)"));
    }
  }

  /**
   * Life {@code boot} of {@code node} has ended: a migration to it ends as the protocol says. (One to a later
   * life of the node, asked for after it booted again, goes on.)
   */
  void onNodeDown(String node, int boot) {
    for (Outgoing o : new ArrayList<>(outgoing.values())) {
      if (o.request.toNode().equals(node) && o.request.destinationBoot() <= boot) {
        run(o, o.protocol.destinationLost("destination " + node + " failed"));
      }
    }
  }

  private void finish(Outgoing o, Phase outcome, String reason) {
    outgoing.remove(o.id());
    ctx.monitor().sourceEnded(host.node(), o.id());
    if (outcome == Phase.COMPLETED) {
      long end = o.times.unpaused == null ? host.now() : o.times.unpaused;
      long start = o.times.suspended == null ? host.now() : o.times.suspended;
      ctx.observer().completed(Math.max(0, end - start));
    } else {
      ctx.observer().aborted();
    }
    host.tellOperator(o.request.reportTo(), o.record(host.node(), host.now(), outcome, reason));
  }
}
