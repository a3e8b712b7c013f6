package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import io.domsim.config.GuestOp;
import io.domsim.config.GuestSpec;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.hypervisor.InvariantMonitor;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The toolstack's verbs on a guest that runs here, for one life of the node: {@code xl destroy} (the domain is
 * destroyed at once), {@code xl pause} and {@code xl unpause}, and {@code xl shutdown} (the guest is asked to
 * shut itself down, runs on for its type's shutdown time, then its domain is destroyed). A guest that is
 * migrating is busy, as xl would say: none of them applies to it, and a guest that is paused or shutting down
 * does not migrate.
 */
final class GuestControl {

  private final MigrationHost host;
  private final Function<String, Integer> domidOf;
  private final Function<String, GuestSpec> specOf;
  private final Predicate<String> migrating;
  private final ShutdownTimes shutdownTimes;
  private final InvariantMonitor monitor;
  /** Guests this toolstack paused. */
  private final Set<String> paused = new TreeSet<>();
  /** Guests shutting down, with whom to tell when their domain is gone. */
  private final Map<String, ActorRef<Dom0.LifecycleResult>> shuttingDown = new TreeMap<>();

  GuestControl(MigrationHost host, Function<String, Integer> domidOf, Function<String, GuestSpec> specOf,
      Predicate<String> migrating, ShutdownTimes shutdownTimes, InvariantMonitor monitor) {
    this.host = host;
    this.domidOf = domidOf;
    this.specOf = specOf;
    this.migrating = migrating;
    this.shutdownTimes = shutdownTimes;
    this.monitor = monitor;
  }

  /** Why {@code guest} cannot start a migration now (it is paused or shutting down), or null. */
  String cannotMigrate(String guest) {
    if (paused.contains(guest)) {
      return "guest " + guest + " is paused; domsim migrates running guests only: unpause it first";
    }
    if (shuttingDown.containsKey(guest)) {
      return "guest " + guest + " is shutting down; it can no longer migrate";
    }
    return null;
  }

  void on(Dom0.Lifecycle l) {
    String refusal = refusal(l.guest(), l.op());
    if (refusal != null) {
      host.tellOperator(l.replyTo(), new Dom0.LifecycleRefused(l.guest(), l.op(), host.node(), refusal, host.now()));
      return;
    }
    int domid = domidOf.apply(l.guest());
    switch (l.op()) {
      case DESTROY -> destroy(l.guest(), domid, () -> {
        shuttingDown.remove(l.guest()); // a shutdown it cuts short ends here, without an answer of its own
        host.tellOperator(l.replyTo(), new Dom0.LifecycleDone(l.guest(), GuestOp.DESTROY, host.node(), host.now()));
      });
      case PAUSE -> host.hypercall(new Op.PauseDomain(domid), r -> answer(l, r, () -> paused.add(l.guest())));
      case UNPAUSE -> host.hypercall(new Op.UnpauseDomain(domid), r -> answer(l, r, () -> paused.remove(l.guest())));
      case SHUTDOWN -> {
        long after = shutdownTimes.of(specOf.apply(l.guest()).type());
        shuttingDown.put(l.guest(), l.replyTo());
        host.after(after, new Dom0.ShutdownOver(l.guest(), domid));
        host.tellOperator(l.replyTo(), new Dom0.ShutdownBegun(l.guest(), host.node(), host.now() + after, host.now()));
      }
      default -> throw new IllegalArgumentException("not a verb on a running guest: " + l.op());
    }
  }

  /** The guest's own shutdown is over: its domain goes (unless it was destroyed or left meanwhile). */
  void onShutdownOver(Dom0.ShutdownOver s) {
    ActorRef<Dom0.LifecycleResult> waiting = shuttingDown.get(s.guest());
    Integer domid = domidOf.apply(s.guest());
    if (waiting == null || domid == null || domid != s.domid()) {
      return;
    }
    destroy(s.guest(), domid, () -> {
      shuttingDown.remove(s.guest());
      host.tellOperator(waiting, new Dom0.LifecycleDone(s.guest(), GuestOp.SHUTDOWN, host.node(), host.now()));
    });
  }

  private String refusal(String guest, GuestOp op) {
    if (domidOf.apply(guest) == null) {
      return "guest " + guest + " does not run on " + host.node();
    }
    if (migrating.test(guest)) {
      return "guest " + guest + " is migrating, so its domain is busy; wait until the migration ends";
    }
    if (shuttingDown.containsKey(guest) && op != GuestOp.DESTROY) {
      return "guest " + guest + " is shutting down; only a destroy applies to it until it is gone";
    }
    return switch (op) {
      case PAUSE -> paused.contains(guest) ? "guest " + guest + " is already paused" : null;
      case UNPAUSE -> paused.contains(guest) ? null : "guest " + guest + " is not paused";
      case SHUTDOWN -> paused.contains(guest)
          ? "guest " + guest + " is paused and cannot act on a shutdown request; unpause it first, or destroy it"
          : null;
      case DESTROY -> null;
      case CREATE -> "xl create builds a new guest; it is not a verb on a running one";
    };
  }

  private void destroy(String guest, int domid, Runnable then) {
    host.hypercall(new Op.DestroyDomain(domid), r -> {
      if (r instanceof Hypervisor.Done) {
        paused.remove(guest);
        host.guestLeft(guest);
        monitor.guestEnded(host.node(), guest, host.now());
        then.run();
      } else {
        throw new IllegalStateException("the hypervisor of " + host.node() + " refused to destroy " + guest + ": "
            + ((Hypervisor.Failed) r).reason());
      }
    });
  }

  private void answer(Dom0.Lifecycle l, Hypervisor.Result r, Runnable applied) {
    if (r instanceof Hypervisor.Done) {
      applied.run();
      host.tellOperator(l.replyTo(), new Dom0.LifecycleDone(l.guest(), l.op(), host.node(), host.now()));
    } else {
      host.tellOperator(l.replyTo(), new Dom0.LifecycleRefused(l.guest(), l.op(), host.node(),
          ((Hypervisor.Failed) r).reason(), host.now()));
    }
  }
}
