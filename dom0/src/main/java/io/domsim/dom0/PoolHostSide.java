package io.domsim.dom0;

import io.domsim.config.GuestSpec;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.scheduler.HostPlacements;
import io.domsim.scheduler.HostView;
import io.domsim.scheduler.PoolProtocol;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The host side of the pool protocol, for one life of the node: a Dom0's answers to the pool master's
 * Describe, Reserve, Commit and Release, and (through {@link HostLoads}) to the consolidator's ReportLoad.
 * Requests come as datagrams, so any may be a repeat, late, or for a placement the master gave up on:
 * {@link HostPlacements} decides, so that each placement id gets one claim and one domain at most, and a
 * repeat the answer the first one got.
 */
final class PoolHostSide {

  /** What the host side uses of its Dom0. */
  interface Host {
    String node();

    /** This node's life: a request for another life is refused. */
    int boot();

    Hardware hardware();

    long domainOverheadBytes();

    /** Why the toolstack would refuse to run this guest here, or null. */
    String refusal(GuestSpec spec);

    void hypercall(Op op, Consumer<Hypervisor.Result> then);

    /** The specs of the guests here (their demand is part of this host's description). */
    Collection<GuestSpec> guests();

    /** A guest built from a claim now runs here. */
    void guestArrived(GuestSpec spec, int domid);

    /** Answers the pool master, through the network back to its node. */
    void answer(PoolProtocol.Request request, PoolProtocol.HostReply reply);
  }

  private final Host host;
  private final HostLoads loads;
  /** The pool master's requests as this life of the host has answered them (repeats get the same answer). */
  private final HostPlacements placements = new HostPlacements();

  PoolHostSide(Host host, HostLoads loads) {
    this.host = host;
    this.loads = loads;
  }

  void on(PoolProtocol.HostCommand command) {
    String node = host.node();
    int boot = host.boot();
    if (command instanceof PoolProtocol.Describe d) {
      host.hypercall(new Op.PhysInfo(), r -> host.answer(d, new PoolProtocol.Described(describe(
          ((Hypervisor.Done) r).value()), host.boot())));
    } else if (command instanceof PoolProtocol.Reserve res && res.hostBoot() != boot) {
      host.answer(res, new PoolProtocol.ReserveRefused(res.placementId(), node, 0, node + " has rebooted since it"
          + " described itself"));
    } else if (command instanceof PoolProtocol.Commit c && c.hostBoot() != boot) {
      host.answer(c, new PoolProtocol.StartFailed(c.placementId(), node, c.guest().name(), node + " has rebooted:"
          + " the claim went with the crash"));
    } else if (command instanceof PoolProtocol.Release rel && rel.hostBoot() != boot) {
      host.answer(rel, new PoolProtocol.Released(rel.placementId(), node)); // the claim went with the crash
    } else if (command instanceof PoolProtocol.Reserve res) {
      switch (placements.reserve(res.placementId())) {
        case PROCEED -> reserve(res);
        case REPEAT -> host.answer(res, placements.answer(res.placementId(), false));
        default -> { } // under way, or given up
      }
    } else if (command instanceof PoolProtocol.Commit c) {
      switch (placements.commit(c.placementId())) {
        case PROCEED -> commit(c);
        case REPEAT -> host.answer(c, placements.answer(c.placementId(), true));
        case REFUSE -> host.answer(c, new PoolProtocol.StartFailed(c.placementId(), node, c.guest().name(),
            "no memory claim for placement " + c.placementId() + " on " + node));
        default -> { } // under way
      }
    } else if (command instanceof PoolProtocol.ReportLoad r) {
      loads.ask(r);
    } else if (command instanceof PoolProtocol.Release rel) {
      if (placements.release(rel.placementId()) == HostPlacements.Step.RELEASE_CLAIM) {
        host.hypercall(new Op.ReleaseClaim(rel.placementId()), ignored -> { });
      }
      host.answer(rel, new PoolProtocol.Released(rel.placementId(), node));
    }
  }

  /** The hypervisor's snapshot that a load report asked for. */
  void onSnapshot(HostSnapshot snapshot) {
    loads.answer(snapshot);
  }

  private void commit(PoolProtocol.Commit c) {
    host.hypercall(new Op.CreateDomain(c.guest(), c.placementId(), false), r -> {
      PoolProtocol.HostReply reply;
      if (r instanceof Hypervisor.Done done) {
        host.guestArrived(c.guest(), (int) done.value());
        reply = new PoolProtocol.Started(c.placementId(), host.node(), c.guest().name());
      } else {
        host.hypercall(new Op.ReleaseClaim(c.placementId()), ignored -> { });
        reply = new PoolProtocol.StartFailed(c.placementId(), host.node(), c.guest().name(),
            ((Hypervisor.Failed) r).reason());
      }
      placements.built(c.placementId(), reply instanceof PoolProtocol.Started, reply);
      host.answer(c, reply);
    });
  }

  /** This host as the pool master sees it: the hardware, the free memory the hypervisor reported, the guests' demand. */
  private HostView describe(long freeMemoryBytes) {
    Hardware hardware = host.hardware();
    return new HostView(host.node(), hardware.cores(), hardware.ghz(), hardware.memoryBytes(),
        hardware.nicBitsPerSecond(), hardware.hvmSupport(), freeMemoryBytes,
        HostView.demandOf(host.guests(), hardware.ghz()), host.domainOverheadBytes(), hardware.kind());
  }

  private void reserve(PoolProtocol.Reserve res) {
    String id = res.placementId();
    String refusal = host.refusal(res.guest());
    if (refusal != null) {
      host.hypercall(new Op.PhysInfo(), r -> refuse(res, ((Hypervisor.Done) r).value(), refusal));
      return;
    }
    host.hypercall(new Op.ClaimPages(id, res.guest().memoryBytes() + host.domainOverheadBytes()), r -> {
      if (r instanceof Hypervisor.Done) {
        PoolProtocol.Reserved reserved = new PoolProtocol.Reserved(id, host.node());
        if (placements.claimed(id, reserved)) {
          host.answer(res, reserved);
        } else {
          host.hypercall(new Op.ReleaseClaim(id), ignored -> { }); // the master gave up while the claim was made
        }
      } else {
        String reason = ((Hypervisor.Failed) r).reason();
        host.hypercall(new Op.PhysInfo(), info -> refuse(res, ((Hypervisor.Done) info).value(), reason));
      }
    });
  }

  private void refuse(PoolProtocol.Reserve res, long freeMemoryBytes, String reason) {
    PoolProtocol.ReserveRefused refused = new PoolProtocol.ReserveRefused(res.placementId(), host.node(),
        freeMemoryBytes, reason);
    if (placements.refused(res.placementId(), refused)) {
      host.answer(res, refused);
    }
  }
}
