package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.MigrationObserver;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.hypervisor.ObservationLog;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.window.MemberRoute;
import io.domsim.kernel.window.WindowedMember;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FabricReplica;
import io.domsim.kernel.window.ReplicaBroadcast;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A serving member's part of a run spread over members (docs/architecture.md, "Members"), as the root of its
 * simulation: its replicas of the control network (spanning the members) and of the fabric, its share of the
 * invariant monitor (it records its nodes' facts, answered at the end: {@link Gather}), and its nodes, which it spawns when the driver's cluster says where they report in. The operator's
 * changes of the network and the fabric reach it at the operator's barriers and are applied to its replicas.
 */
public final class MemberHost extends AbstractBehavior<MemberHost.Command> {

  public sealed interface Command {}

  /** Spawn this member's nodes; each reports in to {@code bootedTo} (the driver's cluster). */
  public record HostNodes(ActorRef<Node.Booted> bootedTo) implements Command, CrossJvm {}

  /** The operator's change of the network and the fabric, for this member's replicas. */
  public record Change(ReplicaChange change) implements Command, CrossJvm {}

  /**
   * At the end: answer what this member counted and recorded ({@link Gathered}), the facts from index {@code from},
   * at most {@code max} of them (the answer goes through the members' links, which carry any size; pages keep each
   * answer, and the driver's wait for it, moderate).
   */
  public record Gather(int from, int max, ActorRef<Gathered> replyTo) implements Command, CrossJvm {}

  /**
   * Some of the facts this member's nodes reported to its monitor (from index {@code from}, of {@code total}), for
   * the driver to merge and check, and the events it adds to the run's count (its timers, less those one JVM does
   * not have: its fabric replica's and the barrier batches).
   */
  public record Gathered(String member, java.util.List<ObservationLog.Entry> observations, int from, int total,
      long events) implements CrossJvm {}

  private final ClusterSpec spec;
  private final String self;
  private final String driver;
  private final SortedMap<String, String> memberOfNode;
  private final Network network;
  private final ActorRef<Fabric.Command> fabric;
  private final NodeHost host;
  private final ObservationLog observations;
  private final FabricReplica replica;
  private final SimKernel kernel;
  private final WindowedMember member;
  private boolean hosted;

  private MemberHost(ActorContext<Command> ctx, SimKernel kernel, ClusterSpec spec, String self, String driver,
      java.util.List<String> members, SortedMap<String, String> memberOfNode, WindowedMember member) {
    super(ctx);
    this.observations = ObservationLog.of(kernel);
    this.kernel = kernel;
    this.member = member;
    // Its nodes' facts only: it records them, and the driver checks every member's merged.
    InvariantMonitor monitor = InvariantMonitor.recordOnly(observations);
    this.spec = spec;
    this.self = self;
    this.driver = driver;
    this.memberOfNode = new TreeMap<>(memberOfNode);
    this.replica = new FabricReplica(new ReplicaBroadcast(member, members), false);
    this.fabric = ClusterWiring.spawnFabric(ctx, kernel, spec, replica);
    this.network = ClusterWiring.network(spec);
    network.spanMembers(new MemberRoute(member, memberOfNode, driver));
    Plugins plugins = Plugins.onClassPath();
    MigrationPlugins migrationPlugins = new MigrationPlugins(plugins.algorithms(), plugins.stopRules(),
        spec.settings(), spec.migration());
    MigrationContext migration = new MigrationContext(fabric, migrationPlugins, MigrationCosts.from(spec.settings()),
        MigrationObserver.NONE, monitor);
    this.host = new NodeHost(kernel, spec, network, migration, plugins.scheduler(), null, null);
    // Its facts go to the driver with each window's report: if this member is lost, the driver still has them.
    member.record(() -> {
      java.util.List<ObservationLog.Entry> facts = observations.entries(factsSent, Integer.MAX_VALUE);
      factsSent += facts.size();
      return facts;
    });
  }

  /** Facts sent to the driver with the window reports so far. */
  private int factsSent;

  /**
   * @param members every member of the run (each runs a replica of the fabric)
   * @param started completes with the host's reference once its replicas exist (the driver's cluster needs it)
   */
  public static Behavior<Command> create(SimKernel kernel, ClusterSpec spec, String self, String driver,
      java.util.List<String> members, SortedMap<String, String> memberOfNode, WindowedMember member,
      CompletableFuture<ActorRef<Command>> started) {
    return Behaviors.setup(ctx -> {
      MemberHost h = new MemberHost(ctx, kernel, spec, self, driver, members, memberOfNode, member);
      started.complete(ctx.getSelf());
      return h;
    });
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HostNodes.class, this::onHostNodes)
        .onMessage(Change.class, c -> {
          c.change().applyTo(network, fabric);
          return this;
        })
        .onMessage(Gather.class, g -> {
          // Its timers, less its fabric replica's (the driver's replica fired the same) and the barrier batches.
          // (A page is copied, not the whole log: most of it went to the driver with the reports.)
          int from = Math.min(g.from(), observations.size());
          // Through the link to the driver (in parts, if many facts are asked for at once).
          member.tellAtOnce(driver, g.replyTo(), new Gathered(self, observations.entries(from, g.max()), from,
              observations.size(), replica.eventsCounted(kernel.timersFired()) - member.barrierBatchesFired()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onHostNodes(HostNodes h) {
    if (hosted) {
      throw new IllegalStateException(self + " was asked twice to host its nodes");
    }
    hosted = true;
    for (NodeSpec n : spec.nodes()) {
      if (self.equals(memberOfNode.get(n.name()))) {
        host.spawn(getContext(), n, h.bootedTo());
      }
    }
    return this;
  }
}
