package io.domsim.dom0;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.domsim.config.plugin.PluginChoice;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostModel;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FlowId;
import io.domsim.scheduler.Consolidator;
import io.domsim.scheduler.PoolMaster;
import io.domsim.scheduler.PoolProtocol;
import io.domsim.scheduler.PoolSettings;
import io.domsim.scheduler.SchedulerPlugins;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Domain 0 of one node: the only domain allowed to issue management hypercalls. It runs the toolstack
 * (create guests, as {@code xl create} does), one device model per HVM guest and the PV backends, and
 * answers the pool master's reserve/commit requests ({@link PoolHostSide}). When its node is the pool
 * master's, it also hosts the {@link PoolMaster} as a child.
 */
public final class Dom0 extends AbstractBehavior<Dom0.Command> {

  public sealed interface Command {}

  /** The toolstack verb {@code xl create}: build and start a guest on this node. */
  public record CreateGuest(GuestSpec spec, ActorRef<CreateResult> replyTo) implements Command, CrossJvm {}

  public sealed interface CreateResult extends CrossJvm {
    String guest();

    /** When the node started or refused it: the operator hears it one latency later. */
    long atNanos();
  }

  public record GuestStarted(String guest, String node, int domid, long atNanos) implements CreateResult {}

  public record GuestRefused(String guest, String node, String reason, long atNanos) implements CreateResult {}

  /**
   * A toolstack verb on a guest that runs here: destroy, pause, unpause or shutdown. The answer is
   * {@link LifecycleDone} or {@link LifecycleRefused}; a shutdown first answers {@link ShutdownBegun}, and
   * {@link LifecycleDone} once the guest's domain is gone (nothing if it is destroyed or its node fails before).
   */
  public record Lifecycle(String guest, io.domsim.config.GuestOp op, ActorRef<LifecycleResult> replyTo)
      implements Command, CrossJvm {}

  public sealed interface LifecycleResult extends CrossJvm {
    String guest();

    io.domsim.config.GuestOp op();

    String node();

    /** When the node did it or refused: the operator hears it one latency later. */
    long atNanos();
  }

  public record LifecycleDone(String guest, io.domsim.config.GuestOp op, String node, long atNanos)
      implements LifecycleResult {}

  public record LifecycleRefused(String guest, io.domsim.config.GuestOp op, String node, String reason,
      long atNanos) implements LifecycleResult {}

  /** The guest was asked to shut down and runs on until {@code goneAtNanos}. */
  public record ShutdownBegun(String guest, String node, long goneAtNanos, long atNanos) implements LifecycleResult {
    @Override
    public io.domsim.config.GuestOp op() {
      return io.domsim.config.GuestOp.SHUTDOWN;
    }
  }

  /** A guest's own shutdown is over: destroy its domain {@code domid} (if it is still that one, here). */
  record ShutdownOver(String guest, int domid) implements Command, SameMember {} // its own timer

  /**
   * Take the pool-master role, or, holding it, place more guests: place {@code guests} over {@code hosts} with
   * {@code policy}, which this Dom0 makes from its own registry (the role keeps the policy and settings it was
   * given first).
   */
  public record BecomePoolMaster(List<PoolMaster.Host> hosts, PluginChoice policy, PoolSettings settings,
      List<GuestSpec> guests, ActorRef<PoolMaster.Outcome> replyTo) implements Command, CrossJvm {}

  /** The endpoint this Dom0 offers the pool master. */
  public record GetPoolEndpoint(ActorRef<PoolEndpoint> replyTo) implements Command, CrossJvm {}

  public record PoolEndpoint(String node, ActorRef<PoolProtocol.HostCommand> endpoint) implements CrossJvm {}

  /** The node crashed: answer nothing more. */
  public enum Halt implements Command, SameMember { INSTANCE } // from its own node

  /**
   * The crashed node has booted again, in its life {@code boot} (1 after its first crash): this Dom0 starts
   * afresh, with no guests and no migrations, and answers again. {@code others} is what the cluster tells a
   * booting node of the other nodes' lives (those not named are up in their first life). The actor is reset
   * in place: the actors of a node live for the whole run.
   */
  public record Reboot(int boot, SortedMap<String, PeerLife> others) implements Command, SameMember { // from its own node
    public Reboot {
      others = Collections.unmodifiableSortedMap(new TreeMap<>(others));
    }
  }

  /** A node's current life and whether it runs (see {@link Reboot}). */
  public record PeerLife(int boot, boolean up) {}

  // ---- live migration (from the operator, between Dom0s, from the fabric) ----

  /**
   * Live-migrate {@code guest}, which runs here, to {@code toNode} (in its life {@code destinationBoot}) with
   * the named algorithm and pre-copy stop rule (names the run's {@code MigrationPlugins} know); the record
   * goes to {@code reportTo}, and {@code acceptedTo} hears once the destination has taken it.
   */
  public record Migrate(String id, String guest, String toNode, int destinationBoot, ActorRef<Command> destination,
      String algorithm, String policy, long requestedAtNanos,
      ActorRef<MigrationRecord> reportTo, ActorRef<MigrationAccepted> acceptedTo) implements Command, CrossJvm {}

  /**
   * Source to destination: reserve memory and vCPUs and create the guest paused. The stream joins life
   * {@code sourceBoot} of the source to life {@code targetBoot} of the destination: a request for another
   * life of the destination, or from a life of the source known to have ended, is dropped.
   */
  public record PrepareIncoming(String id, GuestSpec spec, String algorithm, String fromNode, int sourceBoot,
      int targetBoot, ActorRef<Command> source, ActorRef<MigrationRecord> reportTo, HypervisorKind fromKind)
      implements Command, CrossJvm {}

  /** Destination to source: the paused copy exists. */
  public record Prepared(String id) implements Command, CrossJvm {}

  /** Destination to source: it cannot take the guest; nothing was reserved. */
  public record PrepareRefused(String id, String reason) implements Command, CrossJvm {}

  /** Source to destination, the point of no return: the domain is yours, cleared to unpause. */
  public record Go(String id, MigrationRecord sourceView, long suspendedAtNanos) implements Command, CrossJvm {}

  /**
   * Source to destination: the stream has begun a round (the receiver sees the stream as it comes;
   * this is what it would know if the source died now).
   */
  public record StreamProgress(String id, MigrationRecord sourceView) implements Command, CrossJvm {}

  /** Destination to source: the guest runs here now. */
  public record ResumedThere(String id, long unpausedAtNanos) implements Command, CrossJvm {}

  /**
   * Source to destination: the source gave up before GO (its stream made no progress for
   * {@code migration.timeout}) and runs the guest on; destroy the paused copy.
   */
  public record MigrationAborted(String id, String reason) implements Command, CrossJvm {}

  /** Source to destination (post-copy): the last page has been pushed. */
  public record AllPagesPushed(String id) implements Command, CrossJvm {}

  /** What this Dom0's outgoing migrations have done so far (at the end of a run, for the report). */
  public record ReportInFlight(ActorRef<InFlight> replyTo) implements Command, CrossJvm {}

  public record InFlight(String node, List<MigrationRecord> migrations) implements CrossJvm {}

  /** How far outgoing migration {@code id} has got (the console's progress); answered also when halted. */
  public record ReportProgress(String id, ActorRef<MigrationProgress> replyTo) implements Command, CrossJvm {}

  /** Life {@code boot} of another node has ended, it crashed (failure detection): end the migrations that involve it. */
  public record NodeDown(String node, int boot) implements Command, CrossJvm {}

  /** Another node runs again, in its life {@code boot}: what comes from its earlier lives is dropped. */
  public record NodeUp(String node, int boot) implements Command, CrossJvm {}

  // ---- a migration's own timers ----

  /** A PV guest being migrated has acknowledged its suspend request. */
  record SuspendAcknowledged(String migration) implements Command, SameMember {} // its own timer

  /** An incoming guest is restored (HVM: device model and context; PV: restarted) and may run. */
  record Restored(String migration) implements Command, SameMember {} // its own timer

  /** The destination's toolstack has built the paused domain of an incoming migration. */
  record DomainBuilt(String migration) implements Command, SameMember {} // its own timer

  /**
   * The sender has prepared {@code flow}'s pages (a PV guest's page tables rewritten, QEMU's scan of the pages a
   * guest never touched): its bytes may go.
   */
  record PagetablesRewritten(FlowId flow) implements Command, SameMember {} // its own timer

  /** A migration's watchdog: if {@code token} is still the current one, it has made no progress since. */
  record StallTimeout(String migration, long token) implements Command, SameMember {} // its own timer

  /** A never-give-up pre-copy (qemu) has iterated for migration.timeout. */
  record ConvergenceTimeout(String migration) implements Command, SameMember {} // its own timer

  private record FromFabric(Fabric.FlowEvent event) implements Command, SameMember {} // an adapter's wrapping

  private record FromPool(PoolProtocol.HostCommand command) implements Command, SameMember {} // an adapter's wrapping

  private record FromHypervisor(Hypervisor.Result result) implements Command, SameMember {} // an adapter's wrapping

  /**
   * Take the consolidation role (after the guests have been placed): see {@link Consolidator}; this Dom0 makes
   * the policy the setup names from its own registries.
   */
  public record StartConsolidation(Consolidator.Setup setup) implements Command, CrossJvm {}

  private record FromSnapshot(io.domsim.hypervisor.HostSnapshot snapshot) implements Command, SameMember {} // an adapter's wrapping

  private final String node;
  private final SchedulerPlugins roles;
  private final Hardware hardware;
  private final ActorRef<Hypervisor.Command> hypervisor;
  private final SimEntity entity;
  private final Network network;
  private final long domainOverheadBytes;
  private final ActorRef<PoolProtocol.HostCommand> poolEndpoint;
  private final ActorRef<Hypervisor.Result> hypercallReplies;
  private final ActorRef<io.domsim.hypervisor.HostSnapshot> snapshotReplies;
  private final TreeMap<Long, Consumer<Hypervisor.Result>> pendingHypercalls = new TreeMap<>();
  /** The guests running here, by name: their domid and spec (for migration). */
  private final TreeMap<String, Integer> domids = new TreeMap<>();
  private final TreeMap<String, GuestSpec> specs = new TreeMap<>();
  private final MigrationContext migrationContext;
  private final ActorRef<Fabric.FlowEvent> flowEvents;
  private final Host host = new Host();
  private final ShutdownTimes shutdownTimes;
  private final int dom0Vcpus;
  /** The sender and receiver of this life of the node, and its toolstack verbs: made afresh at each boot. */
  private SourceSide outgoing;
  private TargetSide incoming;
  private GuestControl control;
  /** How many times this Dom0 has taken the pool-master role (each a child of its own name). */
  private int masterRoles;
  private PeerLives peers = new PeerLives();
  /** This node's life: 0 until it first crashes, then one more at each boot. */
  private int boot;
  /** This life's answers to the pool master and the consolidator: made afresh at each boot. */
  private PoolHostSide pool;
  /** What the consolidator's load reports may use of this actor. */
  private final HostLoads.Host loadsHost = new HostLoads.Host() {
    @Override public String node() { return node; }
    @Override public double ghz() { return hardware.ghz(); }
    @Override public long memoryBytes() { return hardware.memoryBytes(); }
    @Override public void askSnapshot() { hypervisor.tell(new Hypervisor.GetSnapshot(snapshotReplies)); }
    @Override public void answer(PoolProtocol.ReportLoad request, PoolProtocol.LoadReport report) {
      network.sendDatagram(entity, node, request.masterNode(), request.replyTo(), report);
    }
    @Override public GuestSpec runningHere(String guest) {
      return domids.containsKey(guest) ? specs.get(guest) : null;
    }
    @Override public String migratingTo(String guest) { return outgoing.destinationOf(guest); }
  };

  /** The consolidation role, while this Dom0 holds it. */
  private ActorRef<Consolidator.Command> consolidator;

  /** The pool master, while this Dom0 holds the role. */
  private ActorRef<PoolMaster.Command> poolMaster;
  /** Never reset, so that an answer to a hypercall of an earlier life matches no pending call. */
  private long nextTag;
  private boolean halted;

  private Dom0(ActorContext<Command> ctx, SimKernel kernel, String node, Hardware hardware, int dom0Vcpus,
      ActorRef<Hypervisor.Command> hypervisor, Network network, long domainOverheadBytes,
      MigrationContext migrationContext, ShutdownTimes shutdownTimes, SchedulerPlugins roles) {
    super(ctx);
    this.dom0Vcpus = dom0Vcpus;
    this.roles = roles;
    this.shutdownTimes = shutdownTimes;
    this.migrationContext = migrationContext;
    this.flowEvents = ctx.messageAdapter(Fabric.FlowEvent.class, FromFabric::new);
    this.node = node;
    this.hardware = hardware;
    this.hypervisor = hypervisor;
    this.entity = kernel.entity(node + "/dom0");
    this.network = network;
    this.domainOverheadBytes = domainOverheadBytes;
    this.poolEndpoint = ctx.messageAdapter(PoolProtocol.HostCommand.class, FromPool::new);
    this.hypercallReplies = ctx.messageAdapter(Hypervisor.Result.class, FromHypervisor::new);
    this.snapshotReplies = ctx.messageAdapter(io.domsim.hypervisor.HostSnapshot.class, FromSnapshot::new);
    this.outgoing = new SourceSide(host, migrationContext);
    this.incoming = new TargetSide(host, migrationContext, peers);
    this.pool = new PoolHostSide(host, new HostLoads(loadsHost));
    this.control = newControl();
  }

  /**
   * @param shutdownTimes how long a guest runs on after {@code xl shutdown}, by type
   * @param roles the registries the pool-master and consolidation roles make their policies from
   */
  public static Behavior<Command> create(SimKernel kernel, String node, Hardware hardware,
      ActorRef<Hypervisor.Command> hypervisor, Network network, long domainOverheadBytes,
      MigrationContext migration, ShutdownTimes shutdownTimes, SchedulerPlugins roles) {
    return create(kernel, node, hardware, 1, hypervisor, network, domainOverheadBytes, migration, shutdownTimes, roles);
  }

  /** @param dom0Vcpus Dom0's vCPUs (the host OS's share on a type-2 node): a migration's sending threads run there */
  public static Behavior<Command> create(SimKernel kernel, String node, Hardware hardware, int dom0Vcpus,
      ActorRef<Hypervisor.Command> hypervisor, Network network, long domainOverheadBytes,
      MigrationContext migration, ShutdownTimes shutdownTimes, SchedulerPlugins roles) {
    if (dom0Vcpus < 1) {
      throw new IllegalArgumentException("Dom0 needs at least one vCPU: " + dom0Vcpus);
    }
    return Behaviors.setup(ctx -> new Dom0(ctx, kernel, node, hardware, dom0Vcpus, hypervisor, network,
        domainOverheadBytes, migration, shutdownTimes, roles));
  }

  private GuestControl newControl() {
    return new GuestControl(host, domids::get, specs::get, g -> outgoing.migrating(g) || incoming.migrating(g),
        shutdownTimes, migrationContext.monitor());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CreateGuest.class, this::onCreateGuest)
        .onMessage(Lifecycle.class, m -> whenUp(() -> control.on(m)))
        .onMessage(ShutdownOver.class, m -> whenUp(() -> control.onShutdownOver(m)))
        .onMessage(BecomePoolMaster.class, this::onBecomePoolMaster)
        .onMessage(GetPoolEndpoint.class, this::onGetPoolEndpoint)
        .onMessage(FromPool.class, m -> whenUp(() -> pool.on(m.command())))
        .onMessage(FromHypervisor.class, this::onHypercallResult)
        .onMessage(StartConsolidation.class, m -> whenUp(() -> consolidator = entity.kernel().spawn(getContext(),
            Consolidator.create(node, entity.kernel().entity(node + "/consolidator"), network, m.setup(),
                roles.consolidation(m.setup().policy())),
            "consolidator")))
        .onMessage(FromSnapshot.class, m -> whenUp(() -> pool.onSnapshot(m.snapshot())))
        .onMessageEquals(Halt.INSTANCE, this::onHalt)
        .onMessage(Reboot.class, this::onReboot)
        .onMessage(Migrate.class, this::onMigrate)
        .onMessage(PrepareIncoming.class, m -> whenUp(() -> incoming.onPrepare(m)))
        .onMessage(Prepared.class, m -> whenUp(() -> outgoing.onPrepared(m)))
        .onMessage(PrepareRefused.class, m -> whenUp(() -> outgoing.onPrepareRefused(m)))
        .onMessage(Go.class, m -> whenUp(() -> incoming.onGo(m)))
        .onMessage(StreamProgress.class, m -> whenUp(() -> incoming.onStreamProgress(m)))
        .onMessage(ResumedThere.class, m -> whenUp(() -> outgoing.onResumedThere(m)))
        .onMessage(AllPagesPushed.class, m -> whenUp(() -> incoming.onAllPagesPushed(m)))
        .onMessage(MigrationAborted.class, m -> whenUp(() -> incoming.onAborted(m)))
        .onMessage(StallTimeout.class, m -> whenUp(() -> outgoing.onStallTimeout(m)))
        .onMessage(ConvergenceTimeout.class, m -> whenUp(() -> outgoing.onConvergenceTimeout(m)))
        .onMessage(NodeDown.class, m -> whenUp(() -> {
          peers.down(m.node(), m.boot());
          outgoing.onNodeDown(m.node(), m.boot());
          incoming.onNodeDown(m.node(), m.boot());
          if (poolMaster != null) {
            poolMaster.tell(new PoolMaster.HostDown(m.node()));
          }
        }))
        .onMessage(NodeUp.class, m -> whenUp(() -> peers.up(m.node(), m.boot())))
        .onMessage(ReportInFlight.class, m -> whenUp(() -> network.answerOperator(m.replyTo(),
            new InFlight(node, outgoing.inFlight()))))
        .onMessage(ReportProgress.class, m -> {
          m.replyTo().tell(halted ? MigrationProgress.none(m.id()) : outgoing.progress(m.id()));
          return this;
        })
        .onMessage(SuspendAcknowledged.class, m -> whenUp(() -> outgoing.onSuspendAcknowledged(m)))
        .onMessage(PagetablesRewritten.class, m -> whenUp(() -> outgoing.onPagetablesRewritten(m)))
        .onMessage(Restored.class, m -> whenUp(() -> incoming.onRestored(m)))
        .onMessage(DomainBuilt.class, m -> whenUp(() -> incoming.onDomainBuilt(m)))
        .onMessage(FromFabric.class, m -> whenUp(() -> outgoing.onFlow(m.event())))
        .build();
  }

  /** A crashed node's Dom0 does nothing at all. */
  private Behavior<Command> whenUp(Runnable action) {
    if (!halted) {
      action.run();
    }
    return this;
  }

  private Behavior<Command> onMigrate(Migrate m) {
    if (halted) {
      return this;
    }
    Integer domid = domids.get(m.guest());
    String refusal = null;
    if (domid == null) {
      refusal = "guest " + m.guest() + " does not run on " + node;
    } else if (m.toNode().equals(node)) {
      refusal = "guest " + m.guest() + " already runs on " + node + "; choose another node";
    } else if (outgoing.migrating(m.guest()) || incoming.migrating(m.guest())) {
      refusal = "guest " + m.guest() + " is already migrating; wait until that migration ends";
    } else {
      refusal = control.cannotMigrate(m.guest());
    }
    if (refusal != null) {
      GuestSpec spec = specs.get(m.guest());
      network.tellOperator(entity, m.reportTo(), MigrationRecord.requested(m.id(), m.guest(),
          spec == null ? null : spec.type(), node, m.toNode(), m.algorithm(), m.policy(),
          io.domsim.kernel.SimTime.toSeconds(m.requestedAtNanos())).refused(refusal));
      return this;
    }
    outgoing.migrate(m, specs.get(m.guest()), domid);
    return this;
  }

  /** What the migration endpoints and the pool protocol's host side may use of this actor. */
  private final class Host implements MigrationHost, PoolHostSide.Host {
    @Override public String node() { return node; }
    @Override public int boot() { return boot; }
    @Override public long now() { return entity.now(); }
    @Override public String refusal(GuestSpec spec) { return Dom0.this.refusal(spec); }
    @Override public HypervisorKind hypervisorKind() { return hardware.kind(); }
    @Override public double cyclesPerSecond() { return hardware.cyclesPerCoreSecond(); }
    @Override public long nicBitsPerSecond() { return hardware.nicBitsPerSecond(); }
    @Override public long latencyNanos() { return network.latencyNanos(); }
    @Override public long domainOverheadBytes() { return domainOverheadBytes; }
    @Override public void hypercall(Op op, Consumer<Hypervisor.Result> then) { Dom0.this.hypercall(op, then); }
    @Override public <T> void tellOperator(ActorRef<T> operator, T message) {
      network.tellOperator(entity, operator, message);
    }
    @Override public void sendToPeer(String peerNode, ActorRef<Command> peer, Command message) {
      network.send(entity, node, peerNode, peer, message);
    }
    @Override public void startFlow(FlowId flow, String toNode, long bytes, long cap, Fabric.Stream stream) {
      migrationContext.fabric().tell(new Fabric.StartFlow(flow, node, toNode, bytes, cap, flowEvents,
          entity.kernel().currentEvent(), stream));
    }
    @Override public int dom0Vcpus() { return dom0Vcpus; }
    @Override public void cancelFlow(FlowId flow) {
      migrationContext.fabric().tell(new Fabric.CancelFlow(flow, entity.kernel().currentEvent()));
    }
    @Override public void after(long delayNanos, Command message) {
      entity.sendAfter(delayNanos, getContext().getSelf(), message);
    }
    @Override public ActorRef<Command> self() { return getContext().getSelf(); }
    @Override public void guestArrived(GuestSpec spec, int domid) {
      startIo(spec);
      domids.put(spec.name(), domid);
    }
    @Override public void guestLeft(String guest) { stopIo(guest); }
    @Override public Hardware hardware() { return hardware; }
    @Override public Collection<GuestSpec> guests() { return specs.values(); }
    @Override public void answer(PoolProtocol.Request request, PoolProtocol.HostReply reply) {
      network.sendDatagram(entity, node, request.masterNode(), request.replyTo(), reply);
    }
  }

  /** Every management operation is a hypercall from domain 0. */
  private void hypercall(Op op, Consumer<Hypervisor.Result> then) {
    long tag = ++nextTag;
    pendingHypercalls.put(tag, then);
    hypervisor.tell(new Hypervisor.Hypercall(HostModel.DOM0, tag, op, hypercallReplies));
  }

  private Behavior<Command> onHypercallResult(FromHypervisor m) {
    Consumer<Hypervisor.Result> then = pendingHypercalls.remove(m.result().tag());
    if (then != null && !halted) {
      then.accept(m.result());
    }
    return this;
  }

  private Behavior<Command> onCreateGuest(CreateGuest c) {
    if (halted) {
      return this;
    }
    String refusal = refusal(c.spec());
    if (refusal != null) {
      network.tellOperator(entity, c.replyTo(), new GuestRefused(c.spec().name(), node, refusal, entity.now()));
      return this;
    }
    hypercall(new Op.CreateDomain(c.spec(), null, false), r -> {
      if (r instanceof Hypervisor.Done done) {
        startIo(c.spec());
        domids.put(c.spec().name(), (int) done.value());
        network.tellOperator(entity, c.replyTo(), new GuestStarted(c.spec().name(), node, (int) done.value(),
            entity.now()));
      } else {
        network.tellOperator(entity, c.replyTo(), new GuestRefused(c.spec().name(), node,
            ((Hypervisor.Failed) r).reason(), entity.now()));
      }
    });
    return this;
  }

  /** The toolstack's own checks, before any hypercall: the reason it refuses, or null. */
  private String refusal(GuestSpec spec) {
    if (spec.type().needsHvm() && !hardware.hvmSupport()) {
      return spec.type().name() + " guest " + spec.name() + " cannot run on " + node
          + ": its CPU has no VT-x/AMD-V (hvm-support = false); choose an HVM-capable node";
    }
    if (hardware.cannotRun(spec.type()) != null) {
      return spec.type().name() + " guest " + spec.name() + " cannot run on " + node + ": "
          + hardware.cannotRun(spec.type()) + "; choose a type-1 node";
    }
    return null;
  }

  /**
   * A guest runs here now. (Its PV backends or HVM device model run in this Dom0; their cost is in the
   * hypervisor's cost model, which charges it to domain 0.)
   */
  private void startIo(GuestSpec spec) {
    specs.put(spec.name(), spec);
  }

  private void stopIo(String guest) {
    specs.remove(guest);
    domids.remove(guest);
  }

  private Behavior<Command> onBecomePoolMaster(BecomePoolMaster b) {
    if (halted) {
      return this;
    }
    if (poolMaster == null) {
      // A role lost in a crash stays with its (halted) child: a later role is a child of another name.
      String name = masterRoles++ == 0 ? "pool-master" : "pool-master-" + masterRoles;
      poolMaster = entity.kernel().spawn(getContext(),
          PoolMaster.create(node, entity.kernel().entity(node + "/" + name), network, roles.placement(b.policy()), b.settings(),
              b.hosts()),
          name);
    }
    poolMaster.tell(new PoolMaster.Place(b.guests(), b.replyTo()));
    return this;
  }

  private Behavior<Command> onGetPoolEndpoint(GetPoolEndpoint g) {
    network.answerOperator(g.replyTo(), new PoolEndpoint(node, poolEndpoint));
    return this;
  }

  private Behavior<Command> onHalt() {
    halted = true;
    pendingHypercalls.clear();
    if (poolMaster != null) {
      // The role dies with the node (no failover yet): no more retries. (Stopping the actor would end the run.)
      poolMaster.tell(PoolMaster.Halt.INSTANCE);
      poolMaster = null;
    }
    if (consolidator != null) {
      consolidator.tell(Consolidator.Halt.INSTANCE); // consolidation stops with its node, as the pool master
      consolidator = null;
    }
    return this;
  }

  /**
   * A new life: what this Dom0 knew went with the crash (its guests were lost, its migrations ended there
   * for the invariant monitor and for the other side). Timers and messages of the old life that still
   * arrive name migrations the new sender and receiver do not know, and are dropped.
   */
  private Behavior<Command> onReboot(Reboot r) {
    if (!halted) {
      throw new IllegalStateException("Dom0 of " + node + " runs; only a crashed node boots again");
    }
    halted = false;
    boot = r.boot();
    pendingHypercalls.clear();
    domids.clear();
    specs.clear();
    peers = new PeerLives(r.others());
    outgoing = new SourceSide(host, migrationContext);
    pool = new PoolHostSide(host, new HostLoads(loadsHost)); // a report asked of the old life is not answered
    incoming = new TargetSide(host, migrationContext, peers);
    control = newControl();
    return this;
  }

}
