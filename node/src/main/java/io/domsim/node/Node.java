package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.NodeSpec;
import io.domsim.dom0.Dom0;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.MigrationObserver;
import io.domsim.dom0.ShutdownTimes;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.DirtyModel;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.HostModel;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.hypervisor.LogDirtyCosts;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.migration.net.Fabric;
import io.domsim.node.series.NodeSeries;
import io.domsim.scheduler.SchedulerPlugins;
import java.util.ArrayDeque;
import java.util.SortedMap;

/**
 * One bare-metal machine: its hardware (cores, memory, NIC, power model). Booting it starts the
 * hypervisor, which sets Dom0's vCPUs and memory aside, and then Dom0 itself.
 */
public final class Node extends AbstractBehavior<Node.Command> {

  public sealed interface Command {}

  /** What the node's hypervisor has accumulated so far. */
  public record GetSnapshot(ActorRef<NodeSnapshot> replyTo) implements Command, CrossJvm {}

  public record NodeSnapshot(String node, boolean failed, HostSnapshot host) implements CrossJvm {}

  /** Crash the machine: every guest on it is lost. */
  public enum Fail implements Command, CrossJvm { INSTANCE }

  /**
   * Boot the crashed machine again, empty, as its life {@code boot}; {@code others} is what its Dom0 is
   * told of the other nodes' lives (see {@link Dom0.Reboot}).
   */
  public record Recover(int boot, SortedMap<String, Dom0.PeerLife> others) implements Command, CrossJvm {}

  /**
   * Switch the empty node off, cleanly: Dom0 stops taking work at once; after {@code shutdownNanos} the
   * machine is off and draws {@code offWatts}.
   */
  public record PowerOff(long shutdownNanos, double offWatts) implements Command, CrossJvm {}

  /**
   * Switch the off node on as its life {@code boot}: it draws power at once; after {@code bootNanos} its Dom0
   * runs (told {@code others}, as after a recover) and {@code replyTo} hears {@link PoweredOn}.
   */
  public record PowerOn(int boot, SortedMap<String, Dom0.PeerLife> others, long bootNanos,
      ActorRef<PoweredOn> replyTo) implements Command, CrossJvm {}

  /** The node has booted after a power-on and takes guests again. */
  public record PoweredOn(String node) implements CrossJvm {}

  private record ShutdownDone(double offWatts) implements Command, SameMember {} // its own timer

  private record BootDone(PowerOn request) implements Command, SameMember {} // its own timer

  /** Sent to the parent once the node has booted. */
  public record Booted(String node, ActorRef<Command> nodeRef, ActorRef<Dom0.Command> dom0) implements CrossJvm {}

  private record HostSnapshotReady(HostSnapshot snapshot) implements Command, SameMember {} // an adapter's wrapping

  private final NodeSpec spec;
  private final ActorRef<Hypervisor.Command> hypervisor;
  private final ActorRef<HostSnapshot> snapshots;
  /** Who asked for snapshots, in order: the hypervisor answers in the order it was asked. */
  private final ArrayDeque<ActorRef<NodeSnapshot>> snapshotWaiters = new ArrayDeque<>();
  private final ActorRef<Dom0.Command> dom0;
  /** Null when nobody reads meters (see ClusterRun.start). */
  private final NodeMeters meters;
  private final InvariantMonitor monitor;
  private final SimKernel kernel;
  /** How its boot's end reaches the operator. */
  private final Network network;
  /** The node's power switch: its shutdown and boot timers. Made at the first power action. */
  private SimEntity power;
  private boolean failed;

  private Node(ActorContext<Command> ctx, SimKernel kernel, NodeSpec spec, CostSettings costs, Network network,
      long sampleIntervalNanos, NodeMeters meters, NodeSeries series, MigrationContext migration,
      DirtyModel dirtyModel, LogDirtyCosts logDirtyCosts, ShutdownTimes shutdownTimes, SchedulerPlugins roles,
      ActorRef<Booted> bootedTo) {
    super(ctx);
    this.kernel = kernel;
    this.network = network;
    this.spec = spec;
    this.meters = meters;
    this.monitor = migration.monitor();
    Hardware hardware = Hardware.of(spec);
    HostModel host = new HostModel(hardware, costs, spec.dom0().vcpus(), spec.dom0().memoryBytes(),
        spec.dom0().weight());
    host.setDirtyLogFactory(dirtyModel.factory(kernel.seed()));
    host.setLogDirtyCosts(logDirtyCosts);
    hypervisor = kernel.spawn(ctx, Hypervisor.create(kernel, spec.name(), host, sampleIntervalNanos,
        new SampleRouter(kernel, spec.name(), meters, series, migration.fabric()), migration.monitor()), "xen");
    // Dom0's migration streams cost it CPU at the rates the fabric gives them.
    migration.fabric().tell(new Fabric.Watch(spec.name(), hypervisor));
    dom0 = kernel.spawn(ctx, Dom0.create(kernel, spec.name(), hardware, spec.dom0().vcpus(), hypervisor, network,
        costs.domainOverheadBytes(), migration, shutdownTimes, roles), "dom0");
    snapshots = ctx.messageAdapter(HostSnapshot.class, HostSnapshotReady::new);
    network.answerOperator(bootedTo, new Booted(spec.name(), ctx.getSelf(), dom0));
  }

  /**
   * @param migration the fabric and settings its Dom0 migrates with, and the run's invariant monitor (its
   *     hypervisor reports to it too); the observer is replaced by this node's meters
   * @param meters null for none
   * @param series the node's time series, null for none
   * @param logDirtyCosts what log-dirty tracking costs the guests a migration tracks
   * @param shutdownTimes how long its guests run on after {@code xl shutdown}, by type
   * @param roles the registries its Dom0 makes the pool-master and consolidation policies from
   */
  public static Behavior<Command> create(SimKernel kernel, NodeSpec spec, CostSettings costs, Network network,
      long sampleIntervalNanos, NodeMeters meters, NodeSeries series, MigrationContext migration,
      DirtyModel dirtyModel, LogDirtyCosts logDirtyCosts, ShutdownTimes shutdownTimes, SchedulerPlugins roles,
      ActorRef<Booted> bootedTo) {
    MigrationContext own = migration;
    if (meters != null && series != null) {
      own = migration.withObserver(new Observers(meters, series));
    } else if (meters != null || series != null) {
      own = migration.withObserver(meters != null ? meters : series);
    }
    MigrationContext context = own;
    return Behaviors.setup(ctx -> new Node(ctx, kernel, spec, costs, network, sampleIntervalNanos, meters, series,
        context, dirtyModel, logDirtyCosts, shutdownTimes, roles, bootedTo));
  }

  /** The node's meters and its series, both told of its migrations. */
  private record Observers(MigrationObserver first, MigrationObserver second) implements MigrationObserver {
    @Override public void started() { first.started(); second.started(); }
    @Override public void completed(long downtimeNanos) { first.completed(downtimeNanos); second.completed(downtimeNanos); }
    @Override public void aborted() { first.aborted(); second.aborted(); }
    @Override public void bytesSent(long bytes) { first.bytesSent(bytes); second.bytesSent(bytes); }
    @Override public void bytesReceived(long bytes) { first.bytesReceived(bytes); second.bytesReceived(bytes); }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetSnapshot.class, this::onGetSnapshot)
        .onMessage(HostSnapshotReady.class, m -> {
          network.answerOperator(snapshotWaiters.removeFirst(), new NodeSnapshot(spec.name(), failed, m.snapshot()));
          return this;
        })
        .onMessageEquals(Fail.INSTANCE, this::onFail)
        .onMessage(Recover.class, this::onRecover)
        .onMessage(PowerOff.class, this::onPowerOff)
        .onMessage(ShutdownDone.class, this::onShutdownDone)
        .onMessage(PowerOn.class, this::onPowerOn)
        .onMessage(BootDone.class, this::onBootDone)
        .build();
  }

  private Behavior<Command> onGetSnapshot(GetSnapshot get) {
    snapshotWaiters.addLast(get.replyTo());
    hypervisor.tell(new Hypervisor.GetSnapshot(snapshots));
    return this;
  }

  private Behavior<Command> onFail() {
    failed = true;
    meter(NodeMeters.State.FAILED);
    hypervisor.tell(Hypervisor.Halt.INSTANCE);
    dom0.tell(Dom0.Halt.INSTANCE);
    return this;
  }

  /**
   * Power on again: the hypervisor and Dom0 are reset in place (a simulation actor that stopped would end
   * the run). The monitor hears of the boot here, before anything can address the new life (a migration
   * to this node is asked of its source after this message was sent).
   */
  private Behavior<Command> onRecover(Recover r) {
    if (!failed) {
      throw new IllegalStateException("node " + spec.name() + " runs; only a failed node recovers");
    }
    failed = false;
    monitor.nodeBooted(spec.name());
    meter(NodeMeters.State.ON);
    hypervisor.tell(Hypervisor.Reboot.INSTANCE);
    dom0.tell(new Dom0.Reboot(r.boot(), r.others()));
    return this;
  }

  /** The meters (if anyone reads them) show the node's new state. */
  private void meter(NodeMeters.State state) {
    if (meters != null) {
      meters.state(state);
    }
  }

  private SimEntity power() {
    if (power == null) {
      power = kernel.entity(spec.name() + "/power");
    }
    return power;
  }

  /** Dom0 halts at once, so nothing new is placed here; the machine itself goes off when the shutdown ends. */
  private Behavior<Command> onPowerOff(PowerOff off) {
    meter(NodeMeters.State.SHUTTING_DOWN);
    dom0.tell(Dom0.Halt.INSTANCE);
    power().sendAfter(off.shutdownNanos(), getContext().getSelf(), new ShutdownDone(off.offWatts()));
    return this;
  }

  private Behavior<Command> onShutdownDone(ShutdownDone done) {
    meter(NodeMeters.State.OFF);
    hypervisor.tell(new Hypervisor.PowerOff(done.offWatts()));
    return this;
  }

  /** The machine draws power from now (firmware, hypervisor boot); Dom0 runs once the boot is over. */
  private Behavior<Command> onPowerOn(PowerOn on) {
    meter(NodeMeters.State.BOOTING);
    hypervisor.tell(Hypervisor.PowerOn.INSTANCE);
    power().sendAfter(on.bootNanos(), getContext().getSelf(), new BootDone(on));
    return this;
  }

  private Behavior<Command> onBootDone(BootDone done) {
    if (failed) {
      return this; // it crashed while it booted: a recover boots it
    }
    meter(NodeMeters.State.ON);
    dom0.tell(new Dom0.Reboot(done.request().boot(), done.request().others()));
    network.tellOperator(power(), done.request().replyTo(), new PoweredOn(spec.name()));
    return this;
  }
}
