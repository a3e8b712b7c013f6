package io.domsim.scheduler;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.kernel.Network;
import io.domsim.kernel.RandomStreams;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimTimer;
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.scheduler.PoolProtocol.GuestLoad;
import io.domsim.scheduler.PoolProtocol.LoadReport;
import io.domsim.scheduler.consolidation.ConsolidationHistory;
import io.domsim.scheduler.consolidation.DataCentre;
import io.domsim.scheduler.consolidation.Decisions;
import io.domsim.scheduler.consolidation.PowerCurve;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dynamic consolidation, a role of the pool master's node (Beloglazov and Buyya 2012): every interval it
 * asks each host that is on for its guests' load ({@link PoolProtocol.ReportLoad}, a datagram like the
 * rest of the pool protocol, repeated until answered or the host times out), adds each guest's mean demand
 * to its history, asks the policy, and hands the decisions to the operator ({@link Orders}), who carries
 * them out through the ordinary paths: live migrations, power-on and power-off. The operator answers with
 * every host's power state as of then ({@link PowerStates}), which the next round's view uses.
 */
public final class Consolidator extends AbstractBehavior<Consolidator.Command> {

  public sealed interface Command permits LoadReport, PowerStates, Halt, Tick, RetryTick {}

  /** Its node has crashed: the role ends (stopping the actor would end the run). */
  public enum Halt implements Command, SameMember { INSTANCE } // from its Dom0

  /**
   * One host as the policy sees it, fixed for the run: data only, so that it can cross members.
   *
   * @param endpoint its Dom0's pool endpoint
   * @param curve its power model (the node's {@code power} curve)
   * @param migrationBytesPerSecond the rate a migration from it gets, for the detectors' look-ahead
   * @param bootFreeMemoryBytes its free memory once booted (Dom0 and its overhead taken): what an off host offers
   */
  public record HostInfo(String node, ActorRef<PoolProtocol.HostCommand> endpoint, int cores, double mhzPerCore,
      long memoryBytes, long domainOverheadBytes, boolean hvmSupport, io.domsim.config.PowerCurve curve,
      double migrationBytesPerSecond, long bootFreeMemoryBytes) {}

  /**
   * What the role needs for the run.
   *
   * @param hosts every host, in configuration order
   * @param guestOrder the configured guests' names in configuration order (created guests follow, by name)
   * @param policy the policy by name, made by the receiving Dom0 ({@link SchedulerPlugins#consolidation})
   * @param keepOn the node holding the pool master, never emptied nor switched off
   * @param power every host's power when the role starts
   */
  public record Setup(List<HostInfo> hosts, List<String> guestOrder, ConsolidationChoice policy,
      long intervalNanos, long hostTimeoutNanos, long retryNanos, long seed, String keepOn,
      Map<String, DataCentre.Power> power, ActorRef<Orders> orders) {}

  /** What one round decided, for the operator to carry out; it answers {@link PowerStates} to {@code replyTo}. */
  public record Orders(long round, Decisions decisions, ActorRef<PowerStates> replyTo) implements CrossJvm {}

  /** Every host's power as the operator knows it, after it took a round's orders. */
  public record PowerStates(Map<String, DataCentre.Power> power) implements Command, CrossJvm {}

  record Tick(long round) implements Command, SameMember {} // its own timer

  record RetryTick(long round) implements Command, SameMember {} // its own timer

  private final String node;
  private final SimEntity entity;
  private final Network network;
  private final Setup setup;
  private final ConsolidationPolicy policy;
  /** Each host's power curve as the policy reads it, by host, made once. */
  private final Map<String, PowerCurve> curves = new TreeMap<>();
  private final ConsolidationHistory history;
  private Map<String, DataCentre.Power> power;
  private long round;
  private long roundStart;
  private final Map<String, LoadReport> reports = new TreeMap<>();
  private int expected;
  private SimTimer retry;
  private boolean halted;

  private Consolidator(ActorContext<Command> ctx, String node, SimEntity entity, Network network, Setup setup,
      ConsolidationPolicy policy) {
    super(ctx);
    this.policy = policy;
    for (HostInfo h : setup.hosts()) {
      curves.put(h.node(), h.curve()::watts);
    }
    this.node = node;
    this.entity = entity;
    this.network = network;
    this.setup = setup;
    this.power = new TreeMap<>(setup.power());
    this.history = new ConsolidationHistory(setup.guestOrder());
    entity.sendAfter(setup.intervalNanos(), ctx.getSelf(), new Tick(1));
  }

  /**
   * @param node the pool master's node, whose Dom0 holds this role
   * @param policy the policy {@code setup} names, made from its registry
   */
  public static Behavior<Command> create(String node, SimEntity entity, Network network, Setup setup,
      ConsolidationPolicy policy) {
    return Behaviors.setup(ctx -> new Consolidator(ctx, node, entity, network, setup, policy));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Halt.INSTANCE, () -> {
          halted = true;
          return this;
        })
        .onMessage(Tick.class, t -> halted ? this : onTick(t))
        .onMessage(RetryTick.class, this::onRetry)
        .onMessage(LoadReport.class, this::onReport)
        .onMessage(PowerStates.class, p -> {
          power = new TreeMap<>(p.power());
          return this;
        })
        .build();
  }

  /** A new round: ask every host that is on; the next round is an interval from now whatever happens. */
  private Behavior<Command> onTick(Tick t) {
    round = t.round();
    roundStart = entity.now();
    reports.clear();
    expected = 0;
    for (HostInfo h : setup.hosts()) {
      if (powerOf(h) == DataCentre.Power.ON) {
        expected++;
        ask(h);
      }
    }
    entity.sendAfter(setup.intervalNanos(), getContext().getSelf(), new Tick(round + 1));
    if (expected == 0) {
      decide();
    } else {
      retry = entity.sendAfter(Math.min(setup.retryNanos(), setup.hostTimeoutNanos()), getContext().getSelf(),
          new RetryTick(round));
    }
    return this;
  }

  /** The host's power as the operator last said (every host is named; one it never named is on). */
  private DataCentre.Power powerOf(HostInfo h) {
    return power.getOrDefault(h.node(), DataCentre.Power.ON);
  }

  private void ask(HostInfo h) {
    network.sendDatagram(entity, node, h.node(), h.endpoint(),
        new PoolProtocol.ReportLoad(round, node, getContext().getSelf().narrow()));
  }

  /** Ask the silent hosts again, until the host timeout: then decide over those that answered. */
  private Behavior<Command> onRetry(RetryTick t) {
    if (halted || t.round() != round || retry == null) {
      return this; // an old round's, or this round is decided
    }
    if (entity.now() - roundStart >= setup.hostTimeoutNanos()) {
      decide();
      return this;
    }
    for (HostInfo h : setup.hosts()) {
      if (powerOf(h) == DataCentre.Power.ON && !reports.containsKey(h.node())) {
        ask(h);
      }
    }
    long left = roundStart + setup.hostTimeoutNanos() - entity.now();
    retry = entity.sendAfter(Math.min(setup.retryNanos(), left), getContext().getSelf(), new RetryTick(round));
    return this;
  }

  private Behavior<Command> onReport(LoadReport r) {
    if (halted || r.round() != round || reports.containsKey(r.node()) || retry == null) {
      return this; // late, a repeat's answer, or the round is decided
    }
    reports.put(r.node(), r);
    if (reports.size() == expected) {
      decide();
    }
    return this;
  }

  /** Builds the view from the answers (a host that is on but did not answer cannot take part) and decides. */
  private void decide() {
    if (retry != null) {
      retry.cancel();
      retry = null;
    }
    List<DataCentre.Host> hosts = new ArrayList<>();
    for (HostInfo h : setup.hosts()) {
      DataCentre.Power p = powerOf(h);
      LoadReport report = reports.get(h.node());
      if (p == DataCentre.Power.ON && report == null) {
        p = DataCentre.Power.UNAVAILABLE;
      }
      // A host that is off has no report: it would boot with all but Dom0's memory free.
      long free = report != null ? report.freeMemoryBytes() : p == DataCentre.Power.OFF ? h.bootFreeMemoryBytes() : 0;
      hosts.add(new DataCentre.Host(h.node(), h.cores(), h.mhzPerCore(), h.memoryBytes(), free,
          h.domainOverheadBytes(), h.hvmSupport(), p, curves.get(h.node()), h.migrationBytesPerSecond()));
    }
    // A guest whose migration is ending is reported by both ends for an instant: by its destination, where it
    // runs now, and by its source, still migrating it until it hears so. It is migrating until both are done.
    Map<String, GuestLoad> byGuest = new TreeMap<>();
    Map<String, String> hostOf = new TreeMap<>();
    for (LoadReport report : reports.values()) {
      for (GuestLoad g : report.guests()) {
        GuestLoad seen = byGuest.get(g.guest());
        if (seen == null || seen.migratingTo() == null && g.migratingTo() != null) {
          byGuest.put(g.guest(), g);
          hostOf.put(g.guest(), report.node());
        }
      }
    }
    List<DataCentre.Guest> guests = history.record(List.copyOf(byGuest.values()), hostOf);
    DataCentre view = new DataCentre(hosts, guests, setup.intervalNanos() / 1e9, java.util.Set.of(setup.keepOn()));
    Decisions decisions = policy.decide(view,
        RandomStreams.forEntity(setup.seed(), "consolidation/" + round));
    network.tellOperator(entity, setup.orders(), new Orders(round, decisions, getContext().getSelf().narrow()));
  }
}
