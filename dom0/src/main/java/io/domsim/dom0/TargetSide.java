package io.domsim.dom0;

import io.domsim.hypervisor.Page;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.kernel.SimTime;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.MigrationShape;
import io.domsim.migration.Phase;
import io.domsim.migration.TargetProtocol;
import io.domsim.migration.TargetStep;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A Dom0's incoming migrations: the receiver. It claims memory and builds the paused copy on prepare,
 * and unpauses it only after GO; the decisions are the pure {@link TargetProtocol}'s.
 */
final class TargetSide {
  private final MigrationHost host;
  private final MigrationContext ctx;
  private final TreeMap<String, Incoming> incoming = new TreeMap<>();
  /** The lives of the other nodes, as this Dom0 knows them: the late messages of an ended life start nothing here. */
  private final PeerLives peers;

  TargetSide(MigrationHost host, MigrationContext ctx, PeerLives peers) {
    this.host = host;
    this.ctx = ctx;
    this.peers = peers;
  }

  private static final class Incoming {
    final Dom0.PrepareIncoming request;
    final GuestSpec spec;
    final MigrationShape shape;
    final TargetProtocol protocol;
    int domid = -1;
    boolean prepared;
    boolean sourceDown;
    /** What the source has said of the stream so far: the report if the source dies. */
    MigrationRecord sourceView;
    long suspendedAt;

    Incoming(Dom0.PrepareIncoming request, MigrationShape shape) {
      this.request = request;
      this.spec = request.spec();
      this.shape = shape;
      this.protocol = new TargetProtocol(shape.resumesBeforeMemory());
    }

    String id() {
      return request.id();
    }
  }

  /** Is a migration of this guest coming in here? */
  boolean migrating(String guest) {
    return incoming.values().stream().anyMatch(i -> i.spec.name().equals(guest));
  }

  void onPrepare(Dom0.PrepareIncoming p) {
    if (p.targetBoot() != host.boot() || sourceEnded(p)) {
      // Meant for an earlier life of this node (its connection died with the crash), or the source died
      // with this request in flight: nobody to migrate for.
      ctx.monitor().targetEnded(host.node(), p.id());
      return;
    }
    String refusal = host.refusal(p.spec());
    if (refusal == null && p.fromKind() != host.hypervisorKind()) {
      // Another hypervisor: another device model, another save format; real toolstacks cannot do it either.
      refusal = p.spec().name() + " cannot migrate from " + p.fromNode() + " (" + p.fromKind().configName() + ") to "
          + host.node() + " (" + host.hypervisorKind().configName() + "): a guest migrates only between nodes of"
          + " the same hypervisor kind; choose a " + p.fromKind().configName() + " node";
    }
    if (refusal != null) {
      ctx.monitor().targetEnded(host.node(), p.id());
      host.sendToPeer(p.fromNode(), p.source(), new Dom0.PrepareRefused(p.id(), refusal));
      return;
    }
    Incoming in = new Incoming(p, ctx.plugins().shape(p.algorithm()));
    incoming.put(p.id(), in);
    long footprint = p.spec().memoryBytes() + host.domainOverheadBytes();
    host.hypercall(new Op.ClaimPages(p.id(), footprint), claim -> {
      if (claim instanceof Hypervisor.Failed) {
        end(in);
        host.hypercall(new Op.PhysInfo(), info -> host.sendToPeer(p.fromNode(), p.source(), new Dom0.PrepareRefused(p.id(),
            "not enough memory on " + host.node() + " for " + p.spec().name() + ": it needs " + mib(footprint)
                + " MiB and " + mib(((Hypervisor.Done) info).value()) + " MiB are free; choose another node")));
        return;
      }
      host.hypercall(new Op.CreateDomain(p.spec(), p.id(), true), created -> built(in, created));
    });
  }

  /** The paused copy is built (or could not be). */
  private void built(Incoming in, Hypervisor.Result created) {
    Dom0.PrepareIncoming p = in.request;
    if (!(created instanceof Hypervisor.Done d)) {
      end(in);
      host.hypercall(new Op.ReleaseClaim(p.id()), x -> { });
      host.sendToPeer(p.fromNode(), p.source(), new Dom0.PrepareRefused(p.id(), ((Hypervisor.Failed) created).reason()));
      return;
    }
    in.domid = (int) d.value();
    in.prepared = true;
    if (in.protocol.state() == TargetProtocol.State.DESTROYED) {
      host.hypercall(new Op.DestroyDomain(in.domid), x -> { }); // given up while it was being built
      return;
    }
    long build = ctx.costs().destinationBuildNanos();
    if (build > 0) {
      host.after(build, new Dom0.DomainBuilt(in.id()));
    } else {
      answerBuilt(in);
    }
  }

  /** The toolstack has built the paused domain (destination-build-time after its creation). */
  void onDomainBuilt(Dom0.DomainBuilt b) {
    Incoming in = incoming.get(b.migration());
    // Given up meanwhile: the protocol's DestroyCopy destroyed the built domain (prepared), nothing to answer.
    if (in != null && in.prepared && in.protocol.state() != TargetProtocol.State.DESTROYED) {
      answerBuilt(in);
    }
  }

  private void answerBuilt(Incoming in) {
    Dom0.PrepareIncoming p = in.request;
    if (sourceEnded(p)) {
      run(in, in.protocol.sourceLost("source " + p.fromNode() + " failed"));
      return;
    }
    host.sendToPeer(p.fromNode(), p.source(), new Dom0.Prepared(p.id()));
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
        // Before the guest may run, its device model (HVM, PVHVM) restores its device state and its PV drivers
        // (PV, PVH, PVHVM) reconnect their frontends: PVHVM pays both.
        long restore = (in.spec.type().deviceModel() ? ctx.costs().hvmRestoreNanos() : 0)
            + (in.spec.type().pvIo() ? ctx.costs().pvRestartNanos() : 0);
        if (restore > 0) {
          host.after(restore, new Dom0.Restored(in.id()));
        } else {
          host.hypercall(new Op.UnpauseDomain(in.domid), r -> run(in, in.protocol.unpaused()));
        }
      } else if (step instanceof TargetStep.AcknowledgeResume) {
        acknowledgeResume(in);
      } else if (step instanceof TargetStep.DestroyCopy) {
        if (in.prepared) {
          host.hypercall(new Op.DestroyDomain(in.domid), r -> { });
        } else {
          host.hypercall(new Op.ReleaseClaim(in.id()), r -> { });
        }
        end(in);
      } else if (step instanceof TargetStep.DestroyLostGuest) {
        host.hypercall(new Op.DestroyDomain(in.domid), r -> { });
        host.guestLeft(in.spec.name());
        end(in);
      } else if (step instanceof TargetStep.Finish f) {
        MigrationRecord v = in.sourceView;
        MigrationRecord known = v != null ? v : MigrationRecord.requested(in.id(), in.spec.name(),
            in.spec.type(), in.request.fromNode(), host.node(), in.request.algorithm(), null, Double.NaN);
        host.tellOperator(in.request.reportTo(), known.withDowntime(null)
            .withOutcome(f.outcome(), SimTime.toSeconds(host.now()), f.reason()).seenFromDestination());
      }
    }
  }

  /** The guest runs here now: its I/O follows it, and the source hears so. */
  private void acknowledgeResume(Incoming in) {
    host.guestArrived(in.spec, in.domid);
    if (in.shape.resumesBeforeMemory()) {
      // Until its last page arrives, every touch of a missing page is a round trip to the source.
      long cap = ctx.bandwidthCap();
      long link = cap > 0 ? Math.min(cap, host.nicBitsPerSecond()) : host.nicBitsPerSecond();
      // The push carries the pages the guest ever touched (workload.resident); the rest go as flags or not at all.
      double stall = ctx.costs().postcopyStall(in.spec.workload().workingSetBytes() / Page.BYTES,
          Page.residentPages(in.spec), host.latencyNanos(), link);
      host.hypercall(new Op.SetThrottle(in.domid, stall), r -> { });
    } else {
      // The guest runs here with all its memory: the migration has completed, whatever becomes of
      // the source. Say so now; the source's fuller record replaces this one if it comes.
      end(in);
      MigrationRecord v = in.sourceView;
      long downtime = host.now() - in.suspendedAt;
      host.tellOperator(in.request.reportTo(), v.withDowntime(SimTime.toSeconds(downtime)).withOutcome(
          Phase.COMPLETED, SimTime.toSeconds(host.now()),
          in.sourceDown ? "the source failed after GO; the destination completed the handover" : null)
          .seenFromDestination());
      if (in.sourceDown) {
        ctx.observer().completed(downtime);
      }
    }
    if (!in.sourceDown) {
      host.sendToPeer(in.request.fromNode(), in.request.source(), new Dom0.ResumedThere(in.id(), host.now()));
    }
  }

  /** An HVM guest's device model and context are restored: it may run. */
  void onRestored(Dom0.Restored t) {
    Incoming in = incoming.get(t.migration());
    if (in != null) {
      host.hypercall(new Op.UnpauseDomain(in.domid), r -> run(in, in.protocol.unpaused()));
    }
  }

  void onAborted(Dom0.MigrationAborted a) {
    Incoming in = incoming.get(a.id());
    if (in != null) {
      run(in, in.protocol.aborted());
    }
  }

  void onAllPagesPushed(Dom0.AllPagesPushed a) {
    Incoming in = incoming.get(a.id());
    if (in != null) {
      end(in);
      ctx.observer().bytesReceived(in.spec.memoryBytes()); // the post-copy push: all of memory
      in.protocol.allPagesArrived();
      host.hypercall(new Op.SetThrottle(in.domid, 0), r -> { });
    }
  }

  private boolean sourceEnded(Dom0.PrepareIncoming p) {
    return peers.ended(p.fromNode(), p.sourceBoot());
  }

  /**
   * Life {@code boot} of {@code node} has ended: a migration from it ends as the protocol says (the
   * Dom0 has told {@link PeerLives} already, so that its late messages are ignored).
   */
  void onNodeDown(String node, int boot) {
    for (Incoming in : new ArrayList<>(incoming.values())) {
      if (in.request.fromNode().equals(node) && in.request.sourceBoot() <= boot) {
        in.sourceDown = true;
        run(in, in.protocol.sourceLost("source " + node + " failed"));
      }
    }
  }

  /** This side is done with {@code in}: its copy runs here, or is gone. */
  private void end(Incoming in) {
    incoming.remove(in.id());
    ctx.monitor().targetEnded(host.node(), in.id());
  }

  private static long mib(long bytes) {
    return Math.floorDiv(bytes, 1024L * 1024L);
  }
}
