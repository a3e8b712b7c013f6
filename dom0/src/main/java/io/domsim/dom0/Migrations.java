package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.MigrationAlgorithm;
import io.domsim.config.PrecopyPolicy;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.kernel.SimTime;
import io.domsim.migration.AutoConverge;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import io.domsim.migration.RoundStats;
import io.domsim.migration.SourceProtocol;
import io.domsim.migration.SourceStep;
import io.domsim.migration.StopRule;
import io.domsim.migration.TargetProtocol;
import io.domsim.migration.TargetStep;
import io.domsim.migration.net.Fabric;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A Dom0's migration endpoints: the sender of its outgoing migrations and the receiver of incoming
 * ones. The protocol decisions are the pure {@link SourceProtocol} and {@link TargetProtocol}; this
 * class carries their steps out with hypercalls, network messages, fabric flows and timers.
 */
final class Migrations {

  /** What the Dom0 actor lends its migration endpoints. */
  interface Host {
    String node();

    long now();

    /** Why the toolstack would refuse to run this guest here (no VT-x/AMD-V for HVM), or null. */
    String refusal(GuestSpec spec);

    double cyclesPerSecond();

    long nicBitsPerSecond();

    /** One-way network latency between nodes. */
    long latencyNanos();

    long domainOverheadBytes();

    void hypercall(Op op, Consumer<Hypervisor.Result> then);

    /** Sends to another node's Dom0 through the network (one latency later). */
    void sendToPeer(ActorRef<Dom0.Command> peer, Dom0.Command message);

    void startFlow(String flowId, String toNode, long bytes, long capBitsPerSecond);

    void cancelFlow(String flowId);

    void after(long delayNanos, Dom0.Command message);

    ActorRef<Dom0.Command> self();

    /** A guest now runs here (its I/O endpoints follow it) or no longer does. */
    void guestArrived(GuestSpec spec, int domid);

    void guestLeft(String guest);
  }

  private final Host host;
  private final MigrationContext ctx;
  private final TreeMap<String, Outgoing> outgoing = new TreeMap<>();
  private final TreeMap<String, Incoming> incoming = new TreeMap<>();
  /** Nodes this Dom0 has been told are down: their late messages start nothing here. */
  private final java.util.TreeSet<String> downNodes = new java.util.TreeSet<>();

  Migrations(Host host, MigrationContext ctx) {
    this.host = host;
    this.ctx = ctx;
  }

  // ------------------------------------------------------------------ source side

  private final class Outgoing {
    final Dom0.Migrate request;
    final GuestSpec spec;
    final int domid;
    final SourceProtocol protocol;
    final long memoryPages;
    final List<MigrationRecord.Round> roundLog = new ArrayList<>();
    Long startedAt;
    Long suspendedAt;
    Long unpausedAt;
    Long pagesMissing;
    long flowBytes;
    long flowPages;
    // xen-legacy rounds go in batches
    long roundSkipped;
    long roundRemaining;
    long batchPages;
    long batchInFlight;
    int batch;
    long bytes;
    long pages;
    long roundStartedAt;
    long roundPages;
    String flow;

    Outgoing(Dom0.Migrate request, GuestSpec spec, int domid) {
      this.request = request;
      this.spec = spec;
      this.domid = domid;
      this.memoryPages = Math.max(1, spec.memoryBytes() / MigrationCosts.PAGE_BYTES);
      // Auto-converge is QEMU's (cpu-throttle); Xen has no such mechanism, so only the qemu rule uses it.
      AutoConverge autoConverge = ctx.defaults().autoConverge() && request.policy() == PrecopyPolicy.QEMU
          ? new AutoConverge(ctx.constants()) : null;
      this.protocol = new SourceProtocol(request.algorithm(),
          StopRule.of(request.policy(), ctx.constants(), ctx.defaults().downtimeLimit()), autoConverge);
    }
  }

  /** The records of the outgoing migrations still going, as far as they got (outcome null). */
  List<MigrationRecord> inFlight() {
    List<MigrationRecord> out = new ArrayList<>();
    for (Outgoing o : outgoing.values()) {
      out.add(record(o, null, "the run ended before the migration did"));
    }
    return out;
  }

  /** Is a migration of this guest in flight from or to this node? */
  boolean inFlight(String guest) {
    return outgoing.values().stream().anyMatch(o -> o.spec.name().equals(guest))
        || incoming.values().stream().anyMatch(i -> i.spec.name().equals(guest));
  }

  /** Start migrating {@code m.guest()}, which runs here as {@code domid}. */
  void migrate(Dom0.Migrate m, GuestSpec spec, int domid) {
    Outgoing o = new Outgoing(m, spec, domid);
    outgoing.put(m.id(), o);
    run(o, o.protocol.start());
  }

  private void run(Outgoing o, List<SourceStep> steps) {
    for (SourceStep step : steps) {
      if (step instanceof SourceStep.SendPrepare) {
        host.sendToPeer(o.request.destination(), new Dom0.PrepareIncoming(o.request.id(), o.spec,
            o.request.algorithm(), host.node(), host.self(), o.request.reportTo()));
      } else if (step instanceof SourceStep.EnableLogDirty) {
        host.hypercall(new Op.EnableLogDirty(o.domid), r -> { });
      } else if (step instanceof SourceStep.SendRound s) {
        sendRound(o, s.round());
      } else if (step instanceof SourceStep.Throttle t) {
        host.hypercall(new Op.SetThrottle(o.domid, t.fraction()), r -> { });
      } else if (step instanceof SourceStep.Suspend) {
        suspend(o);
      } else if (step instanceof SourceStep.SendFinalCopy f) {
        sendFinalCopy(o, f);
      } else if (step instanceof SourceStep.SendGo) {
        host.sendToPeer(o.request.destination(), new Dom0.Go(o.request.id(), record(o, null, null),
            o.suspendedAt == null ? host.now() : o.suspendedAt));
      } else if (step instanceof SourceStep.PushRemainingPages) {
        // Everything not sent before the handover: with post-copy, that is all of memory.
        startFlow(o, o.request.id() + "/push", o.memoryPages * MigrationCosts.PAGE_BYTES, o.memoryPages);
      } else if (step instanceof SourceStep.DestroySource) {
        host.hypercall(new Op.DestroyDomain(o.domid), r -> { });
        host.guestLeft(o.spec.name());
      } else if (step instanceof SourceStep.ResumeSource r) {
        if (o.flow != null) {
          host.cancelFlow(o.flow);
          o.flow = null;
        }
        host.hypercall(new Op.DisableLogDirty(o.domid), x -> { });
        host.hypercall(new Op.SetThrottle(o.domid, 0), x -> { });
        if (r.wasSuspended()) {
          o.unpausedAt = host.now(); // the guest was down from the suspend until now: that is its downtime
          host.hypercall(new Op.UnpauseDomain(o.domid), x -> { });
        }
      } else if (step instanceof SourceStep.Finish f) {
        finishOutgoing(o, f.outcome(), f.reason());
      }
    }
  }

  private void sendRound(Outgoing o, int round) {
    host.hypercall(new Op.CleanDirtyLog(o.domid), r -> {
      if (!(r instanceof Hypervisor.Done done) || o.protocol.phase().finished()) {
        return;
      }
      if (o.startedAt == null) {
        o.startedAt = host.now();
        ctx.observer().started();
      }
      o.roundStartedAt = host.now();
      o.roundPages = done.value();
      o.roundSkipped = 0;
      host.sendToPeer(o.request.destination(), new Dom0.StreamProgress(o.request.id(), record(o, null, null)));
      if (o.request.policy() == PrecopyPolicy.XEN_LEGACY) {
        // xc_domain_save sends a round in batches and, before each, skips pages written again since
        // the round's clean. Batches of at least MAX_BATCH_SIZE pages, at most 16 to a round.
        o.roundRemaining = o.roundPages;
        o.batchPages = Math.max(LEGACY_BATCH_PAGES, (o.roundPages + LEGACY_BATCHES - 1) / LEGACY_BATCHES);
        o.batch = 0;
        sendLegacyBatch(o, round);
      } else {
        startFlow(o, o.request.id() + "/round-" + round, o.roundPages * MigrationCosts.PAGE_BYTES, o.roundPages);
      }
    });
  }

  private static final long LEGACY_BATCH_PAGES = 1024;
  private static final long LEGACY_BATCHES = 16;

  /** The next batch of a xen-legacy round, after dropping the pages written again since the clean. */
  private void sendLegacyBatch(Outgoing o, int round) {
    Runnable send = () -> {
      long pages = Math.min(o.roundRemaining, o.batchPages);
      if (pages <= 0) {
        finishRound(o);
        return;
      }
      o.batch++;
      o.batchInFlight = pages;
      startFlow(o, o.request.id() + "/round-" + round + "-" + o.batch, pages * MigrationCosts.PAGE_BYTES, pages);
    };
    if (o.batch == 0) {
      send.run(); // nothing can have been written again yet
      return;
    }
    host.hypercall(new Op.DropRewritten(o.domid), r -> {
      long dropped = r instanceof Hypervisor.Done d ? Math.min(d.value(), o.roundRemaining) : 0;
      o.roundRemaining -= dropped;
      o.roundSkipped += dropped;
      send.run();
    });
  }

  /**
   * Sends {@code bytes} to the destination as one fabric flow. PV page-table pages (one per 512 pages)
   * are first rewritten from machine to guest frame numbers, which takes CPU time before the send.
   */
  private void startFlow(Outgoing o, String flowId, long bytes, long pages) {
    o.flow = flowId;
    o.flowBytes = bytes;
    o.flowPages = pages;
    long delay = 0;
    if (o.spec.type() == GuestType.PV && !flowId.endsWith("/push")) {
      long pagetablePages = (pages + MigrationCosts.PAGES_PER_PAGETABLE_PAGE - 1) / MigrationCosts.PAGES_PER_PAGETABLE_PAGE;
      delay = SimTime.seconds(pagetablePages * ctx.costs().pvPagetableRewriteCycles() / host.cyclesPerSecond());
    }
    if (delay > 0) {
      host.after(delay, new Dom0.MigrationTimer(o.request.id(), "flow:" + flowId + ":" + bytes));
    } else {
      host.startFlow(flowId, o.request.toNode(), bytes, ctx.defaults().bandwidthBitsPerSecond());
    }
  }

  /**
   * The guest stops running now. PV: the suspend request reaches the guest's kernel, which freezes its
   * tasks and acknowledges (modelled as paused at once, then the acknowledgement latency); HVM: paused by
   * the hypervisor directly. Downtime counts from here.
   */
  private void suspend(Outgoing o) {
    if (o.startedAt == null) {
      o.startedAt = host.now();
      ctx.observer().started();
    }
    o.suspendedAt = host.now();
    host.hypercall(new Op.PauseDomain(o.domid), r -> {
      if (o.protocol.phase() != Phase.SUSPENDING) {
        return; // aborted meanwhile: ResumeSource has taken care of the guest
      }
      if (o.spec.type() == GuestType.PV) {
        host.after(ctx.costs().pvSuspendAckNanos(), new Dom0.MigrationTimer(o.request.id(), "suspended"));
      } else {
        run(o, o.protocol.suspendedGuest());
      }
    });
  }

  private void onSuspended(Outgoing o) {
    if (o.protocol.phase() == Phase.SUSPENDING) {
      run(o, o.protocol.suspendedGuest());
    }
  }

  private void sendFinalCopy(Outgoing o, SourceStep.SendFinalCopy f) {
    long stateBytes = o.spec.vcpus() * ctx.costs().vcpuStateBytes();
    if (o.spec.type() == GuestType.HVM) {
      stateBytes += ctx.costs().hvmDeviceStateBytes() + ctx.costs().hvmContextBytes();
    }
    long fixed = stateBytes;
    if (f.pagesFollowLater()) {
      startFlow(o, o.request.id() + "/state", fixed, 0);
    } else if (f.allMemory()) {
      startFlow(o, o.request.id() + "/final", o.memoryPages * MigrationCosts.PAGE_BYTES + fixed, o.memoryPages);
    } else {
      host.hypercall(new Op.CleanDirtyLog(o.domid), r -> {
        long pages = r instanceof Hypervisor.Done d ? d.value() : 0;
        startFlow(o, o.request.id() + "/final", pages * MigrationCosts.PAGE_BYTES + fixed, pages);
      });
    }
  }

  /** A fabric flow of an outgoing migration has arrived, or broke. */
  boolean onFlow(Fabric.FlowEvent event) {
    String flowId = event.flowId();
    String id = flowId.substring(0, flowId.indexOf('/'));
    Outgoing o = outgoing.get(id);
    if (o == null || !flowId.equals(o.flow)) {
      return false;
    }
    o.flow = null;
    if (event instanceof Fabric.FlowDone) {
      // Bytes count once they have crossed; a broken flow's partial transfer is not counted.
      o.bytes += o.flowBytes;
      o.pages += o.flowPages;
      ctx.observer().bytesSent(o.flowBytes);
    }
    if (event instanceof Fabric.FlowBroken b) {
      // What had left before the break counts as sent (pages in proportion).
      o.bytes += b.bytesSent();
      o.pages += o.flowBytes > 0 ? Math.round((double) o.flowPages * b.bytesSent() / o.flowBytes) : 0;
      ctx.observer().bytesSent(b.bytesSent());
      run(o, o.protocol.destinationLost("the network path to " + o.request.toNode() + " broke (" + b.node()
          + " failed)"));
      return true;
    }
    if (flowId.endsWith("/push")) {
      host.sendToPeer(o.request.destination(), new Dom0.AllPagesPushed(id));
      run(o, o.protocol.pushDone());
    } else if (flowId.contains("/round-")) {
      if (o.request.policy() == PrecopyPolicy.XEN_LEGACY) {
        host.hypercall(new Op.MarkSent(o.domid, o.batchInFlight), x -> { });
        o.roundRemaining -= o.batchInFlight;
        sendLegacyBatch(o, o.protocol.rounds());
      } else {
        finishRound(o);
      }
    } else {
      if (flowId.endsWith("/final") && o.request.algorithm() == MigrationAlgorithm.PRE_COPY) {
        // The last pages have arrived. With the exact dirty model, check now, with every write up to
        // this instant counted, that the destination holds the latest version of every page.
        host.hypercall(new Op.PagesDelivered(o.domid), x -> { });
        host.hypercall(new Op.PagesMissing(o.domid), m -> {
          if (m instanceof Hypervisor.Done d && d.value() >= 0) {
            o.pagesMissing = d.value();
          }
        });
      }
      run(o, o.protocol.finalCopySent());
    }
    return true;
  }

  /** The round's pages have all arrived: the stop rule decides what comes next. */
  private void finishRound(Outgoing o) {
    host.hypercall(new Op.PagesDelivered(o.domid), x -> { });
    long sent = o.roundPages - o.roundSkipped;
    long skipped = o.roundSkipped;
    long duration = Math.max(1, host.now() - o.roundStartedAt);
    host.hypercall(new Op.PeekDirtyLog(o.domid), r -> {
      long dirty = r instanceof Hypervisor.Done d ? d.value() : 0;
      o.roundLog.add(new MigrationRecord.Round(o.protocol.rounds(), sent, skipped, dirty,
          SimTime.toSeconds(duration)));
      double bandwidth = sent * MigrationCosts.PAGE_BYTES / SimTime.toSeconds(duration);
      RoundStats stats = new RoundStats(o.protocol.rounds(), sent, o.pages, dirty, o.memoryPages, bandwidth,
          duration, skipped);
      run(o, o.protocol.roundSent(stats, dirty * MigrationCosts.PAGE_BYTES, sent * MigrationCosts.PAGE_BYTES));
    });
  }

  boolean onTimer(Dom0.MigrationTimer t) {
    Outgoing o = outgoing.get(t.id());
    if (o != null && !o.protocol.phase().finished()) {
      if (t.what().equals("suspended")) {
        onSuspended(o);
      } else if (t.what().startsWith("flow:")) {
        String[] parts = t.what().split(":");
        if (parts[1].equals(o.flow)) {
          host.startFlow(parts[1], o.request.toNode(), Long.parseLong(parts[2]), ctx.defaults().bandwidthBitsPerSecond());
        }
      }
      return true;
    }
    Incoming in = incoming.get(t.id());
    if (in != null && t.what().equals("restored")) {
      host.hypercall(new Op.UnpauseDomain(in.domid), r -> onUnpaused(in));
      return true;
    }
    return false;
  }

  void onResumedThere(Dom0.ResumedThere r) {
    Outgoing o = outgoing.get(r.id());
    if (o != null) {
      o.unpausedAt = r.unpausedAtNanos();
      run(o, o.protocol.resumedAtDestination());
    }
  }

  private void finishOutgoing(Outgoing o, Phase outcome, String reason) {
    outgoing.remove(o.request.id());
    if (outcome == Phase.COMPLETED) {
      long downtime = (o.unpausedAt == null ? host.now() : o.unpausedAt) - (o.suspendedAt == null ? host.now() : o.suspendedAt);
      ctx.observer().completed(Math.max(0, downtime));
    } else {
      ctx.observer().aborted();
    }
    o.request.reportTo().tell(record(o, outcome, reason));
  }

  private MigrationRecord record(Outgoing o, Phase outcome, String reason) {
    Double downtime = o.suspendedAt == null || o.unpausedAt == null ? null
        : SimTime.toSeconds(o.unpausedAt - o.suspendedAt);
    return MigrationRecord.requested(o.request.id(), o.spec.name(), o.spec.type(), host.node(), o.request.toNode(),
            o.request.algorithm().configName(), o.request.policy().configName(),
            SimTime.toSeconds(o.request.requestedAtNanos()))
        .withStart(o.startedAt == null ? null : SimTime.toSeconds(o.startedAt))
        .withTransfer(o.protocol.rounds(), o.bytes, o.pages, o.roundLog, o.pagesMissing).withDowntime(downtime)
        .withOutcome(outcome, outcome == null ? null : SimTime.toSeconds(host.now()), reason);
  }

  // ------------------------------------------------------------------ destination side

  private final class Incoming {
    final Dom0.PrepareIncoming request;
    final GuestSpec spec;
    final TargetProtocol protocol;
    int domid = -1;
    boolean prepared;
    boolean sourceDown;
    MigrationRecord sourceView;
    long suspendedAt;

    Incoming(Dom0.PrepareIncoming request) {
      this.request = request;
      this.spec = request.spec();
      this.protocol = new TargetProtocol(request.algorithm());
    }
  }

  void onPrepare(Dom0.PrepareIncoming p) {
    if (downNodes.contains(p.fromNode())) {
      return; // the source died with this request in flight: nobody to migrate for
    }
    String refusal = host.refusal(p.spec());
    if (refusal != null) {
      host.sendToPeer(p.source(), new Dom0.PrepareRefused(p.id(), refusal));
      return;
    }
    Incoming in = new Incoming(p);
    incoming.put(p.id(), in);
    long footprint = p.spec().memoryBytes() + host.domainOverheadBytes();
    host.hypercall(new Op.ClaimPages(p.id(), footprint), claim -> {
      if (claim instanceof Hypervisor.Failed f) {
        incoming.remove(p.id());
        host.hypercall(new Op.PhysInfo(), info -> host.sendToPeer(p.source(), new Dom0.PrepareRefused(p.id(),
            "not enough memory on " + host.node() + " for " + p.spec().name() + ": it needs " + mib(footprint)
                + " MiB and " + mib(((Hypervisor.Done) info).value()) + " MiB are free; choose another node")));
        return;
      }
      host.hypercall(new Op.CreateDomain(p.spec(), p.id(), true), created -> {
        if (created instanceof Hypervisor.Done d) {
          in.domid = (int) d.value();
          in.prepared = true;
          if (in.protocol.state() == TargetProtocol.State.DESTROYED) {
            host.hypercall(new Op.DestroyDomain(in.domid), x -> { }); // given up while it was being built
            return;
          }
          if (downNodes.contains(p.fromNode())) {
            run(in, in.protocol.sourceLost("source " + p.fromNode() + " failed"));
            return;
          }
          host.sendToPeer(p.source(), new Dom0.Prepared(p.id()));
        } else {
          incoming.remove(p.id());
          host.hypercall(new Op.ReleaseClaim(p.id()), x -> { });
          host.sendToPeer(p.source(), new Dom0.PrepareRefused(p.id(), ((Hypervisor.Failed) created).reason()));
        }
      });
    });
  }

  void onPrepared(Dom0.Prepared p) {
    Outgoing o = outgoing.get(p.id());
    if (o != null) {
      run(o, o.protocol.prepared());
    }
  }

  void onPrepareRefused(Dom0.PrepareRefused p) {
    Outgoing o = outgoing.get(p.id());
    if (o != null) {
      run(o, o.protocol.refused(p.reason()));
    }
  }

  void onStreamProgress(Dom0.StreamProgress p) {
    Incoming in = incoming.get(p.id());
    if (in != null) {
      in.sourceView = p.sourceView();
    }
  }

  void onGo(Dom0.Go go) {
    Incoming in = incoming.get(go.id());
    if (in == null) {
      return;
    }
    in.sourceView = go.sourceView();
    in.suspendedAt = go.suspendedAtNanos();
    ctx.observer().bytesReceived(go.sourceView().bytesTransferred());
    run(in, in.protocol.go());
  }

  private void run(Incoming in, List<TargetStep> steps) {
    for (TargetStep step : steps) {
      if (step instanceof TargetStep.RestoreAndUnpause) {
        long restore = in.spec.type() == GuestType.HVM ? ctx.costs().hvmRestoreNanos() : 0;
        if (restore > 0) {
          host.after(restore, new Dom0.MigrationTimer(in.request.id(), "restored"));
        } else {
          host.hypercall(new Op.UnpauseDomain(in.domid), r -> onUnpaused(in));
        }
      } else if (step instanceof TargetStep.AcknowledgeResume) {
        host.guestArrived(in.spec, in.domid);
        if (in.request.algorithm() == MigrationAlgorithm.POST_COPY) {
          // Until its last page arrives, every touch of a missing page is a round trip to the source.
          long link = ctx.defaults().bandwidthBitsPerSecond() > 0
              ? Math.min(ctx.defaults().bandwidthBitsPerSecond(), host.nicBitsPerSecond()) : host.nicBitsPerSecond();
          double stall = ctx.costs().postcopyStall(in.spec.workload().workingSetBytes() / MigrationCosts.PAGE_BYTES,
              in.spec.memoryBytes() / MigrationCosts.PAGE_BYTES, host.latencyNanos(), link);
          host.hypercall(new Op.SetThrottle(in.domid, stall), r -> { });
        }
        if (in.request.algorithm() != MigrationAlgorithm.POST_COPY) {
          // The guest runs here with all its memory: the migration has completed, whatever becomes of
          // the source. Say so now; the source's fuller record replaces this one if it comes.
          incoming.remove(in.request.id());
          MigrationRecord v = in.sourceView;
          long downtime = host.now() - in.suspendedAt;
          in.request.reportTo().tell(v.withDowntime(SimTime.toSeconds(downtime)).withOutcome(Phase.COMPLETED,
              SimTime.toSeconds(host.now()),
              in.sourceDown ? "the source failed after GO; the destination completed the handover" : null)
              .seenFromDestination());
          if (in.sourceDown) {
            ctx.observer().completed(downtime);
          }
        }
        if (!in.sourceDown) {
          host.sendToPeer(in.request.source(), new Dom0.ResumedThere(in.request.id(), host.now()));
        }
      } else if (step instanceof TargetStep.DestroyCopy) {
        if (in.prepared) {
          host.hypercall(new Op.DestroyDomain(in.domid), r -> { });
        } else {
          host.hypercall(new Op.ReleaseClaim(in.request.id()), r -> { });
        }
        incoming.remove(in.request.id());
      } else if (step instanceof TargetStep.DestroyLostGuest) {
        host.hypercall(new Op.DestroyDomain(in.domid), r -> { });
        host.guestLeft(in.spec.name());
        incoming.remove(in.request.id());
      } else if (step instanceof TargetStep.Finish f) {
        MigrationRecord v = in.sourceView;
        MigrationRecord known = v != null ? v : MigrationRecord.requested(in.request.id(), in.spec.name(),
            in.spec.type(), in.request.fromNode(), host.node(), in.request.algorithm().configName(), null, Double.NaN);
        in.request.reportTo().tell(known.withDowntime(null)
            .withOutcome(f.outcome(), SimTime.toSeconds(host.now()), f.reason()).seenFromDestination());
      }
    }
  }

  private void onUnpaused(Incoming in) {
    run(in, in.protocol.unpaused());
  }

  void onAllPagesPushed(Dom0.AllPagesPushed a) {
    Incoming in = incoming.remove(a.id());
    if (in != null) {
      ctx.observer().bytesReceived(in.spec.memoryBytes()); // the post-copy push: all of memory
      in.protocol.allPagesArrived();
      host.hypercall(new Op.SetThrottle(in.domid, 0), r -> { });
    }
  }

  // ------------------------------------------------------------------ failures

  /** Another node is down: end every migration that involves it, as the protocol says. */
  void onNodeDown(String node) {
    downNodes.add(node);
    for (Outgoing o : new ArrayList<>(outgoing.values())) {
      if (o.request.toNode().equals(node)) {
        run(o, o.protocol.destinationLost("destination " + node + " failed"));
      }
    }
    for (Incoming in : new ArrayList<>(incoming.values())) {
      if (in.request.fromNode().equals(node)) {
        in.sourceDown = true;
        run(in, in.protocol.sourceLost("source " + node + " failed"));
      }
    }
  }

  private static long mib(long bytes) {
    return Math.floorDiv(bytes, 1024L * 1024L);
  }
}
