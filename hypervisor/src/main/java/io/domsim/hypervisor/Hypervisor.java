package io.domsim.hypervisor;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.GuestSpec;
import io.domsim.config.WorkloadSpec;
import io.domsim.kernel.EntityRandom;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimTimer;
import io.domsim.kernel.serialization.SameMember;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The type-1 hypervisor of one node: it owns the domains, shares the cores among them, accounts for
 * hypercalls and VM exits, and answers hypercalls. Management hypercalls (create, destroy, pause,
 * claim memory, log-dirty) are allowed from domain 0 only; any other caller gets {@link Errno#EPERM}.
 * The cost model itself is the pure {@link HostModel}; this actor adds time, workload phases and
 * sampling.
 */
public final class Hypervisor extends AbstractBehavior<Hypervisor.Command> {

  /** SameMember: a hypervisor hears only its own node's Node and Dom0, and its own timers. */
  public sealed interface Command extends SameMember {}

  /** A hypercall from domain {@code callerDomid}. */
  public record Hypercall(int callerDomid, long tag, Op op, ActorRef<Result> replyTo) implements Command {}

  /** Instrumentation, not a hypercall: what this node has accumulated so far. */
  public record GetSnapshot(ActorRef<HostSnapshot> replyTo) implements Command {}

  /** The simulated node has crashed: nothing runs here any more. */
  public enum Halt implements Command { INSTANCE }

  /**
   * The crashed node boots again: Dom0 alone, no guests, no claims. Only a halted hypervisor reboots (it is
   * reset in place, so that the actors of the node live for the whole run).
   */
  public enum Reboot implements Command { INSTANCE }

  /**
   * The empty node is switched off (the end of a clean shutdown): nothing runs, and it draws
   * {@code offWatts} until {@link PowerOn}.
   */
  public record PowerOff(double offWatts) implements Command {}

  /** The switched-off node is switched on: Dom0 alone, drawing power as it boots. */
  public enum PowerOn implements Command { INSTANCE }

  /**
   * From the fabric: Dom0's migration streams to and from this node now cost it {@code cyclesPerSecond}
   * (pages sent and received per second times the CPU each takes), charged to Dom0 until the next report.
   */
  public record MigrationWork(double cyclesPerSecond) implements Command {}

  /**
   * A guest's workload process: its own random stream and its pending phase timer. It is the action of its
   * phase timers ({@link SimEntity#callAt}: the end of a phase calls {@link #onPhase} directly, without a
   * message, as do the sample ticks; they touch this hypervisor's state alone). It is its entity's random
   * stream itself ({@link EntityRandom}: the entity's own, bit for bit), and knows whether it is traced, so
   * that a phase reads one object of its own rather than a chain of them.
   */
  private final class Workload extends EntityRandom implements Runnable {
    final Domain domain;
    final SimEntity entity;
    final boolean traced;
    /** The log-normal's parameters of its levels and its mean phase: fixed for the guest's life. */
    final double sigma;
    final double mu;
    final double phaseMeanNanos;
    SimTimer timer;
    boolean stopped;

    Workload(Domain domain, SimEntity entity) {
      super(kernel.seed(), entity.name());
      this.domain = domain;
      this.entity = entity;
      this.traced = domain.spec().workload().trace().isPresent();
      double cv = domain.spec().workload().variability();
      double sigma2 = Log1p.of(cv * cv);
      this.sigma = Math.sqrt(sigma2);
      this.mu = -sigma2 / 2;
      this.phaseMeanNanos = SimTime.of(domain.spec().workload().phaseMean());
    }

    @Override
    public void run() {
      onPhase(this);
    }
  }

  /** Hypercall operations, named after the Xen domctl/memory ops they stand for. */
  public sealed interface Op {
    /** XEN_DOMCTL_createdomain (+ building memory from a claim when {@code claimId} is set). */
    record CreateDomain(GuestSpec spec, String claimId, boolean paused) implements Op {}
    record DestroyDomain(int domid) implements Op {}
    record PauseDomain(int domid) implements Op {}
    record UnpauseDomain(int domid) implements Op {}
    /** XENMEM_claim_pages: reserve memory for a domain about to be built. */
    record ClaimPages(String claimId, long bytes) implements Op {}
    record ReleaseClaim(String claimId) implements Op {}
    /** XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY. */
    record EnableLogDirty(int domid) implements Op {}
    /** XEN_DOMCTL_SHADOW_OP_CLEAN: answers the number of dirty pages and clears the log. */
    record CleanDirtyLog(int domid) implements Op {}
    /** XEN_DOMCTL_SHADOW_OP_PEEK: answers the number of dirty pages, leaving the log as it is. */
    record PeekDirtyLog(int domid) implements Op {}
    /** XEN_DOMCTL_SHADOW_OP_OFF: leave log-dirty mode. */
    record DisableLogDirty(int domid) implements Op {}
    /**
     * Verification, not a Xen operation: with the page-level dirty model, the pages whose latest
     * version was never sent (must be 0 after a final copy); -1 with the analytic model.
     */
    record PagesMissing(int domid) implements Op {}
    /** Verification: the transfers of the pages cleaned so far have completed (see DirtyLog.delivered). */
    record PagesDelivered(int domid) implements Op {}
    /** Xen <= 4.5 sender: take pages written again since the clean out of its unsent part (answers how many). */
    record DropRewritten(int domid) implements Op {}
    /** The next {@code pages} of the last clean are on the wire. */
    record MarkSent(int domid, long pages) implements Op {}
    /** Cap the domain's vCPUs at {@code 1 - fraction} of their speed (auto-converge, post-copy faults). */
    record SetThrottle(int domid, double fraction) implements Op {}
    /** XEN_SYSCTL_physinfo: free memory and hardware. */
    record PhysInfo() implements Op {}
  }

  /** The answer to a hypercall; {@code tag} is the caller's, to match answers to calls. */
  /** SameMember: the answer goes to its own node's Dom0. */
  public sealed interface Result extends SameMember {
    long tag();

    Op op();
  }

  /** Success; {@code value} is the new domid for CreateDomain, the page count for CleanDirtyLog, free bytes for PhysInfo. */
  public record Done(long tag, Op op, long value) implements Result {}

  public record Failed(long tag, Op op, Errno errno, String reason) implements Result {}

  private final SimKernel kernel;
  private final String node;
  private final InvariantMonitor monitor;
  private final SimEntity entity;
  /** This actor: the owner of its direct timers (whose path names their failures). */
  private final ActorRef<Command> self;
  private final HostModel host;
  private final long sampleIntervalNanos;
  private final NodeSample.Sink sink;
  /** Guests' workloads by domid; looked up on destroy, iterated only on halt (in domid order). */
  private final TreeMap<Integer, Workload> workloads = new TreeMap<>();
  /** Domains destroyed here (migrated away or lost), in order: their totals still count for the report. */
  private final List<Domain> departed = new ArrayList<>();
  /** Domains lost in earlier crashes of this node, in order: gone, but their totals count for the report. */
  private final List<Domain> crashed = new ArrayList<>();
  private SimTimer sampleTimer;
  /** The action of the sample timers (a direct call, as the phases'). */
  private final Runnable sampleTick = this::onSample;
  private boolean halted;

  // The previous sample, to report per-period figures.
  private long lastSampleNanos;
  private double lastBusy;
  private double lastDom0;
  private double lastHypercalls;
  private double lastVmExits;
  private double lastEnergy;

  private Hypervisor(ActorContext<Command> context, SimKernel kernel, String nodeName, HostModel host,
      long sampleIntervalNanos, NodeSample.Sink sink, InvariantMonitor monitor) {
    super(context);
    this.kernel = kernel;
    this.node = nodeName;
    this.monitor = monitor;
    this.entity = kernel.entity(nodeName + "/xen");
    this.self = context.getSelf();
    this.host = host;
    this.sampleIntervalNanos = sampleIntervalNanos;
    this.sink = sink;
    this.lastSampleNanos = kernel.now();
    if (sampleIntervalNanos > 0) {
      sampleTimer = entity.tickAfter(sampleIntervalNanos, self, sampleTick);
    }
  }

  /**
   * @param monitor the run's invariant monitor, shared by every node: this hypervisor tells it every
   *     change of its domains' states and of its memory
   */
  public static Behavior<Command> create(SimKernel kernel, String nodeName, HostModel host, long sampleIntervalNanos,
      NodeSample.Sink sink, InvariantMonitor monitor) {
    return Behaviors.setup(ctx -> new Hypervisor(ctx, kernel, nodeName, host, sampleIntervalNanos, sink, monitor));
  }

  /** A hypervisor alone, with a monitor of its own (tests of one node). */
  public static Behavior<Command> create(SimKernel kernel, String nodeName, HostModel host, long sampleIntervalNanos,
      NodeSample.Sink sink) {
    return create(kernel, nodeName, host, sampleIntervalNanos, sink, new InvariantMonitor());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Hypercall.class, this::onHypercall)
        .onMessage(GetSnapshot.class, this::onSnapshot)
        .onMessageEquals(Halt.INSTANCE, this::onHalt)
        .onMessageEquals(Reboot.INSTANCE, this::onReboot)
        .onMessage(PowerOff.class, this::onPowerOff)
        .onMessageEquals(PowerOn.INSTANCE, this::onPowerOn)
        .onMessage(MigrationWork.class, w -> {
          host.setDom0MigrationWork(w.cyclesPerSecond(), kernel.now());
          return this;
        })
        .build();
  }

  private Behavior<Command> onHypercall(Hypercall call) {
    Result result;
    if (halted) {
      result = new Failed(call.tag(), call.op(), Errno.ESRCH, "the node has failed");
    } else if (call.callerDomid() != HostModel.DOM0) {
      result = new Failed(call.tag(), call.op(), Errno.EPERM, "domain " + call.callerDomid()
          + " may not issue management hypercalls; only Dom0 (domain 0) may");
    } else {
      try {
        result = new Done(call.tag(), call.op(), execute(call.op()));
      } catch (HypervisorException e) {
        result = new Failed(call.tag(), call.op(), e.errno(), e.getMessage());
      }
    }
    call.replyTo().tell(result);
    return this;
  }

  private long execute(Op op) {
    long now = kernel.now();
    if (op instanceof Op.CreateDomain c) {
      Domain d = host.createDomain(c.spec(), c.claimId(), c.paused(), now);
      startWorkload(d);
      monitor.domainState(node, d.name(), d.state(), now);
      checkMemory(now);
      return d.domid();
    } else if (op instanceof Op.DestroyDomain x) {
      destroy(x.domid(), now);
      checkMemory(now);
      return x.domid();
    } else if (op instanceof Op.PauseDomain p) {
      host.setState(p.domid(), DomainState.PAUSED, now);
      monitor.domainState(node, host.guest(p.domid()).name(), DomainState.PAUSED, now);
      return p.domid();
    } else if (op instanceof Op.UnpauseDomain u) {
      host.setState(u.domid(), DomainState.RUNNING, now);
      monitor.domainState(node, host.guest(u.domid()).name(), DomainState.RUNNING, now);
      return u.domid();
    } else if (op instanceof Op.ClaimPages c) {
      if (!host.claim(c.claimId(), c.bytes())) {
        throw new HypervisorException(Errno.ENOMEM, "cannot claim " + c.bytes() + " bytes: "
            + host.memoryFreeBytes() + " are free");
      }
      checkMemory(now);
      return c.bytes();
    } else if (op instanceof Op.ReleaseClaim r) {
      if (!host.releaseClaim(r.claimId())) {
        throw new HypervisorException(Errno.EINVAL, "no memory claim " + r.claimId());
      }
      checkMemory(now);
      return 0;
    } else if (op instanceof Op.EnableLogDirty e) {
      host.enableLogDirty(e.domid(), now);
      return 0;
    } else if (op instanceof Op.CleanDirtyLog c) {
      return host.cleanDirtyLog(c.domid(), now);
    } else if (op instanceof Op.DropRewritten m) {
      Domain d = host.guest(m.domid());
      if (d == null || d.dirtyLog() == null) {
        throw new HypervisorException(Errno.EINVAL, "log-dirty mode is off for domain " + m.domid());
      }
      host.integrate(now);
      return d.dirtyLog().dropRewrittenUnsent();
    } else if (op instanceof Op.MarkSent m) {
      // No integrate first: the writes not yet counted came after the sender read these pages (DropRewritten,
      // at the batch's start, counted those before), and counting them before or after the mark leaves the
      // same log (DirtyLogTest.writesDuringABatchCountTheSameBeforeOrAfterItIsMarkedSent).
      Domain d = host.guest(m.domid());
      if (d != null && d.dirtyLog() != null) {
        d.dirtyLog().markSent(m.pages());
      }
      return 0;
    } else if (op instanceof Op.PagesDelivered m) {
      Domain d = host.guest(m.domid());
      if (d != null && d.dirtyLog() != null) {
        host.integrate(now);
        d.dirtyLog().delivered();
      }
      return 0;
    } else if (op instanceof Op.PagesMissing m) {
      Domain d = host.guest(m.domid());
      if (d == null) {
        throw new HypervisorException(Errno.ESRCH, "no domain " + m.domid());
      }
      host.integrate(now); // every write up to now counts
      DirtyLog log = d.dirtyLog();
      return log == null || !log.exact() ? -1 : log.pagesMissingAtDestination();
    } else if (op instanceof Op.PeekDirtyLog p) {
      return host.peekDirtyLog(p.domid(), now);
    } else if (op instanceof Op.DisableLogDirty d) {
      host.disableLogDirty(d.domid(), now);
      return 0;
    } else if (op instanceof Op.SetThrottle t) {
      if (!(t.fraction() >= 0 && t.fraction() < 1)) {
        throw new HypervisorException(Errno.EINVAL, "throttle must be in [0, 1), was " + t.fraction());
      }
      host.setThrottle(t.domid(), t.fraction(), now);
      return 0;
    } else if (op instanceof Op.PhysInfo) {
      return host.memoryFreeBytes();
    }
    throw new HypervisorException(Errno.EINVAL, "unknown operation " + op);
  }

  /** The domain is gone: its totals stay for the report, its workload stops, the monitor hears of it. */
  private void destroy(int domid, long now) {
    Domain gone = host.destroyDomain(domid, now);
    departed.add(gone);
    Workload w = workloads.remove(domid);
    if (w != null) {
      stop(w);
    }
    monitor.domainDestroyed(node, gone.name());
  }

  private void checkMemory(long now) {
    monitor.memory(node, host.memoryUsedBytes(), host.hardware().memoryBytes(), now);
  }

  /**
   * Each guest's load moves between levels: a new level (mean 1) after an exponential phase; a traced guest's
   * cpu follows its trace instead, changing at the trace's intervals (counted from the start of the run, so a
   * migrated guest goes on where it was), with no random draw.
   */
  private void startWorkload(Domain d) {
    WorkloadSpec w = d.spec().workload();
    if (w.trace().isPresent()) {
      // A guest's phases only change its host's rates: local events (SimKernel.localEntity).
      Workload workload = new Workload(d, kernel.localEntity("guest/" + d.name() + "/trace"));
      workloads.put(d.domid(), workload);
      host.setCpu(d.domid(), w.tracedCpuAt(kernel.now()), kernel.now());
      scheduleTraceStep(workload);
      return;
    }
    if (w.variability() <= 0) {
      return;
    }
    Workload workload = new Workload(d, kernel.localEntity("guest/" + d.name() + "/workload"));
    workloads.put(d.domid(), workload);
    host.setLoadFactor(d.domid(), drawLevel(workload), kernel.now());
    schedulePhase(workload);
  }

  private void schedulePhase(Workload workload) {
    double meanNanos = workload.phaseMeanNanos;
    long phase = Math.max(1, Math.round(-meanNanos * Log1p.of(-workload.nextDouble())));
    workload.timer = workload.entity.callAfter(phase, self, workload);
  }

  /** The next instant the trace's value changes, if it ever does. */
  private void scheduleTraceStep(Workload workload) {
    long next = workload.domain.spec().workload().nextTraceChangeAfter(kernel.now());
    if (next >= 0) {
      workload.timer = workload.entity.callAt(next, self, workload);
    }
  }

  private static void stop(Workload w) {
    w.stopped = true;
    if (w.timer != null) {
      w.timer.cancel();
    }
  }

  /**
   * The workload's next level: log-normal with mean 1 and the workload's coefficient of variation cv
   * (exp(−σ²/2 + σ·N(0,1)), σ² = log(1 + cv²), σ derived once).
   */
  private static double drawLevel(Workload w) {
    return Math.exp(w.mu + w.sigma * w.nextGaussian());
  }

  private void onPhase(Workload w) {
    if (halted || w.stopped) {
      return;
    }
    if (w.traced) {
      host.setCpu(w.domain.domid(), w.domain.spec().workload().tracedCpuAt(kernel.now()), kernel.now());
      scheduleTraceStep(w);
      return;
    }
    // Deferred: the phases of this host's guests at one instant are applied by one recompute.
    host.deferLoadFactor(w.domain, drawLevel(w), kernel.now());
    schedulePhase(w);
    if (kernel.nextTimerTime() > kernel.now()) {
      // No other phase comes at this instant (phases are timers): the recompute is done now rather than at
      // the host's next read, thousands of events later, when the guest's data has left the caches.
      host.applyDeferred();
    }
  }

  private void onSample() {
    emitSample(kernel.now());
    sampleTimer = entity.tickAfter(sampleIntervalNanos, self, sampleTick);
  }

  /** Sends the figures of the period since the last sample, if any time has passed. */
  private void emitSample(long now) {
    host.advanceTo(now);
    double period = SimTime.toSeconds(now - lastSampleNanos);
    if (period <= 0) {
      return;
    }
    double busy = host.busyCoreSeconds();
    double dom0 = host.dom0CoreSeconds();
    double hypercalls = host.hypercalls();
    double exits = host.vmExits();
    double energy = host.energyJoules();
    Hardware hw = host.hardware();
    sink.accept(new NodeSample(now,
        (busy - lastBusy) / period / hw.cores(),
        (dom0 - lastDom0) / period / host.dom0Vcpus(),
        host.memoryUsedBytes(),
        hypercalls - lastHypercalls,
        exits - lastVmExits,
        (energy - lastEnergy) / period,
        energy - lastEnergy,
        host.guestCount(),
        host.guestNetworkBitsPerSecond()));
    if (sink.wantsGuests()) {
      // advanceTo settled the rates: reading them changes nothing
      for (Domain d : host.guests()) {
        sink.guest(now, new NodeSample.GuestSample(d.name(), d.type(), d.requestCores(), d.workCores(), d.cpuCores(),
            d.spec().memoryBytes(), d.state()));
      }
    }
    lastSampleNanos = now;
    lastBusy = busy;
    lastDom0 = dom0;
    lastHypercalls = hypercalls;
    lastVmExits = exits;
    lastEnergy = energy;
  }

  private Behavior<Command> onSnapshot(GetSnapshot get) {
    host.integrate(kernel.now()); // after a halt the rates are zero, so the totals stay as at the crash
    List<HostSnapshot.GuestTotals> guests = new ArrayList<>();
    addTotals(guests, host.guests(), halted ? HostSnapshot.Presence.CRASHED : HostSnapshot.Presence.HERE);
    addTotals(guests, departed, HostSnapshot.Presence.DEPARTED);
    addTotals(guests, crashed, HostSnapshot.Presence.CRASHED);
    get.replyTo().tell(new HostSnapshot(kernel.now(), host.busyCoreSeconds(), host.dom0CoreSeconds(),
        host.energyJoules(), host.hypercalls(), host.vmExits(), host.memoryUsedBytes(), guests, host.fullSeconds()));
    return this;
  }

  private static void addTotals(List<HostSnapshot.GuestTotals> out, List<Domain> domains,
      HostSnapshot.Presence presence) {
    for (Domain d : domains) {
      out.add(new HostSnapshot.GuestTotals(d.name(), d.domid(), d.state(), d.cpuSeconds(), d.workSeconds(),
          d.ioCompleted(), d.hypercalls(), d.vmExits(), presence, new HostSnapshot.Demand(d.requestSeconds(),
          d.unservedSeconds(), d.unservedMigratingSeconds(), presence == HostSnapshot.Presence.HERE ? d.requestCores()
          : 0)));
    }
  }

  private Behavior<Command> onHalt() {
    if (halted) {
      return this;
    }
    long now = kernel.now();
    halted = true;
    host.halt(now);
    monitor.nodeHalted(node);
    if (sampleTimer != null) {
      sampleTimer.cancel();
    }
    workloads.values().forEach(Hypervisor::stop);
    workloads.clear();
    // A last sample up to the crash, then the gauges of a machine that is off: no guests, no memory
    // in use, no power.
    emitSample(now);
    sink.state(now, NodeSample.State.FAILED);
    sink.accept(new NodeSample(now, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    return this;
  }

  /**
   * Switched off: a last sample up to now, then the gauges of a machine that is off (its standby power).
   * The monitor counts it down, so that a guest started here before it is on again is a violation.
   */
  private Behavior<Command> onPowerOff(PowerOff off) {
    if (halted) {
      throw new IllegalStateException("node " + node + " is not running; only a running node is switched off");
    }
    long now = kernel.now();
    emitSample(now);
    // A paused copy left behind (a migration's source whose Dom0 halted for the shutdown before it destroyed
    // it: the guest runs at the destination) goes with the power. A running domain here would be a guest the
    // operator did not know of: powerOff refuses it, and the run fails.
    for (Domain d : List.copyOf(host.guests())) {
      if (d.state() == DomainState.PAUSED) {
        destroy(d.domid(), now);
      }
    }
    host.claims().keySet().stream().toList().forEach(host::releaseClaim);
    host.powerOff(now, off.offWatts());
    halted = true;
    monitor.nodeHalted(node);
    if (sampleTimer != null) {
      sampleTimer.cancel();
    }
    sink.state(now, NodeSample.State.OFF);
    sink.accept(new NodeSample(now, 0, 0, 0, 0, 0, off.offWatts(), 0, 0, 0));
    return this;
  }

  /** Switched on: the sampling resumes from now, its first sample at once (as after a reboot). */
  private Behavior<Command> onPowerOn() {
    if (!halted || !host.guests().isEmpty()) {
      throw new IllegalStateException("node " + node + " is not switched off; only an off node is switched on");
    }
    long now = kernel.now();
    emitSample(now); // the off period: no work, the standby power's energy
    host.powerOn(now);
    halted = false;
    monitor.nodeBooted(node);
    resumeSampling(now);
    return this;
  }

  /**
   * Boots again, empty. The sampling resumes from now: the periods before the crash were all reported,
   * and nothing accrued while the machine was off. A first sample shows the machine on at once (Dom0's
   * load, its memory, idle power and a little more), so its gauges do not wait a period.
   */
  private Behavior<Command> onReboot() {
    if (!halted) {
      throw new IllegalStateException("node " + node + " runs; only a crashed node boots again");
    }
    long now = kernel.now();
    crashed.addAll(host.reboot(now));
    halted = false;
    monitor.nodeBooted(node); // the Node told it already in a cluster; a hypervisor alone tells it here
    resumeSampling(now);
    return this;
  }

  private void resumeSampling(long now) {
    sink.state(now, NodeSample.State.UP);
    lastSampleNanos = now;
    lastBusy = host.busyCoreSeconds();
    lastDom0 = host.dom0CoreSeconds();
    lastHypercalls = host.hypercalls();
    lastVmExits = host.vmExits();
    lastEnergy = host.energyJoules();
    checkMemory(now);
    Hardware hw = host.hardware();
    sink.accept(new NodeSample(now, host.busyCores() / hw.cores(), host.dom0Cores() / host.dom0Vcpus(),
        host.memoryUsedBytes(), 0, 0, host.watts(), 0, 0, 0));
    if (sampleIntervalNanos > 0) {
      sampleTimer = entity.tickAfter(sampleIntervalNanos, self, sampleTick);
    }
  }
}
