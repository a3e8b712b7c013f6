package io.domsim.scheduler;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.config.GuestSpec;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimTimer;
import io.domsim.scheduler.PoolProtocol.Commit;
import io.domsim.scheduler.PoolProtocol.Describe;
import io.domsim.scheduler.PoolProtocol.Described;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import io.domsim.scheduler.PoolProtocol.Reserve;
import io.domsim.scheduler.PoolProtocol.ReserveRefused;
import io.domsim.scheduler.PoolProtocol.Reserved;
import io.domsim.scheduler.PoolProtocol.StartFailed;
import io.domsim.scheduler.PoolProtocol.Started;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pool master: a role of one host's Dom0 (as in a XenServer/XCP-ng pool) that places every guest
 * without a pinned node. It asks every host for its state, decides with a pure {@link PlacementPolicy}
 * on its own view (which it debits as it decides), then reserves on the chosen host and commits. A
 * refused reservation updates the view and the guest is placed again without that host.
 *
 * <p>A host that does not answer within the host timeout (simulated time) is taken as down: it is left
 * out of the view, or, for a reservation or commit in flight, treated as a refusal. {@code Place}
 * requests are served one after the other.
 */
public final class PoolMaster extends AbstractBehavior<PoolMaster.Command> {

  public interface Command {}

  /** A host of the pool: its node name and its Dom0's endpoint for pool messages. */
  public record Host(String node, ActorRef<HostCommand> dom0) {}

  /** Place these guests (in this order) and answer with one outcome per guest. */
  public record Place(List<GuestSpec> guests, ActorRef<Outcome> replyTo) implements Command {}

  /** Where each guest started, or why it could not. In the order the guests were given. */
  public record Outcome(List<Placed> placements) {}

  /** {@code node} is empty when the guest fits nowhere; {@code reason} then says why. */
  public record Placed(String guest, Optional<String> node, String reason) {}

  private record DescribeTimeout(long round) implements Command {}

  private record ReplyTimeout(String placementId, int attempt) implements Command {}

  private final SimEntity entity;
  private final String node;
  private final Network network;
  private final PlacementPolicy policy;
  private final long hostTimeoutNanos;
  private final List<Host> hosts;
  private final Map<String, Integer> hostIndex = new HashMap<>(); // lookups only, never iterated
  private final ArrayDeque<Place> queue = new ArrayDeque<>();

  // The Place being served.
  private Place current;
  private long round;
  private final List<HostView> described = new ArrayList<>();
  private int describedCount;
  private SimTimer describeTimer;
  private PlacementPlan plan;
  private final TreeMap<String, Pending> pending = new TreeMap<>();
  private final Map<String, Placed> done = new HashMap<>(); // looked up by guest name, never iterated
  private long nextId;

  private static final class Pending {
    final GuestSpec guest;
    final Set<String> excluded = new HashSet<>(); // membership tests only
    String node;
    int attempt;
    SimTimer timer;

    Pending(GuestSpec guest) {
      this.guest = guest;
    }
  }

  private PoolMaster(ActorContext<Command> ctx, String node, SimEntity entity, Network network,
      PlacementPolicy policy, long hostTimeoutNanos, List<Host> hosts) {
    super(ctx);
    this.node = node;
    this.entity = entity;
    this.network = network;
    this.policy = policy;
    this.hostTimeoutNanos = hostTimeoutNanos;
    this.hosts = List.copyOf(hosts);
    for (int i = 0; i < this.hosts.size(); i++) {
      hostIndex.put(this.hosts.get(i).node(), i);
    }
  }

  /**
   * @param node the node whose Dom0 holds the pool-master role
   * @param hostTimeoutNanos how long (simulated) to wait for a host's answer before taking it as down
   */
  public static Behavior<Command> create(String node, SimEntity entity, Network network, PlacementPolicy policy,
      long hostTimeoutNanos, List<Host> hosts) {
    return Behaviors.setup(ctx -> new PoolMaster(ctx, node, entity, network, policy, hostTimeoutNanos, hosts));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Place.class, this::onPlace)
        .onMessage(Described.class, this::onDescribed)
        .onMessage(DescribeTimeout.class, this::onDescribeTimeout)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(ReserveRefused.class, this::onRefused)
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(ReplyTimeout.class, this::onReplyTimeout)
        .build();
  }

  private Behavior<Command> onPlace(Place place) {
    queue.addLast(place);
    if (current == null) {
      startNext();
    }
    return this;
  }

  private void startNext() {
    current = queue.pollFirst();
    if (current == null) {
      return;
    }
    round++;
    described.clear();
    describedCount = 0;
    plan = null;
    pending.clear();
    done.clear();
    for (Host h : hosts) {
      described.add(null);
      network.send(entity, node, h.node(), h.dom0(), new Describe(node, getContext().getSelf().narrow()));
    }
    if (hosts.isEmpty()) {
      decideAll();
    } else {
      describeTimer = entity.sendAfter(hostTimeoutNanos, getContext().getSelf(), new DescribeTimeout(round));
    }
  }

  private Behavior<Command> onDescribed(Described d) {
    int i = indexOf(d.view().node());
    if (current == null || plan != null || i < 0 || described.get(i) != null) {
      return this; // late, or a duplicate
    }
    described.set(i, d.view());
    describedCount++;
    if (describedCount == hosts.size()) {
      describeTimer.cancel();
      decideAll();
    }
    return this;
  }

  /** Hosts that have not described themselves by now are down: decide over the others. */
  private Behavior<Command> onDescribeTimeout(DescribeTimeout t) {
    if (t.round() == round && current != null && plan == null) {
      decideAll();
    }
    return this;
  }

  private void decideAll() {
    plan = new PlacementPlan(policy, described.stream().filter(v -> v != null).toList());
    for (GuestSpec g : current.guests()) {
      Pending p = new Pending(g);
      String id = "place-" + (++nextId) + "-" + g.name();
      pending.put(id, p);
      decide(id, p);
    }
    maybeFinish();
  }

  /** Chooses a host for one pending guest among the hosts it has not been refused by. */
  private void decide(String id, Pending p) {
    Optional<HostView> choice = plan.place(p.guest, p.excluded);
    if (choice.isEmpty()) {
      pending.remove(id);
      done.put(p.guest.name(), new Placed(p.guest.name(), Optional.empty(), plan.whyNoFit(p.guest)));
      return;
    }
    p.node = choice.get().node();
    send(id, p, new Reserve(id, p.guest, node, getContext().getSelf().narrow()));
  }

  /** Sends a request about a pending guest to its chosen host and starts waiting for the answer. */
  private void send(String id, Pending p, HostCommand command) {
    if (p.timer != null) {
      p.timer.cancel();
    }
    p.attempt++;
    network.send(entity, node, p.node, hosts.get(indexOf(p.node)).dom0(), command);
    p.timer = entity.sendAfter(hostTimeoutNanos, getContext().getSelf(), new ReplyTimeout(id, p.attempt));
  }

  private Behavior<Command> onReserved(Reserved r) {
    Pending p = pending.get(r.placementId());
    if (p != null && p.node.equals(r.node())) {
      send(r.placementId(), p, new Commit(r.placementId(), p.guest, node, getContext().getSelf().narrow()));
    }
    return this;
  }

  private Behavior<Command> onRefused(ReserveRefused r) {
    Pending p = pending.get(r.placementId());
    if (p != null && p.node.equals(r.node())) {
      plan.update(r.node(), r.freeMemoryBytes());
      retryElsewhere(r.placementId(), p);
    }
    return this;
  }

  private Behavior<Command> onStarted(Started s) {
    Pending p = pending.remove(s.placementId());
    if (p != null) {
      p.timer.cancel();
      done.put(p.guest.name(), new Placed(p.guest.name(), Optional.of(s.node()), "placed by the pool master"));
      maybeFinish();
    }
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed f) {
    Pending p = pending.get(f.placementId());
    if (p != null && p.node.equals(f.node())) {
      retryElsewhere(f.placementId(), p);
    }
    return this;
  }

  /** The chosen host did not answer in time: take it as down for this guest and try another. */
  private Behavior<Command> onReplyTimeout(ReplyTimeout t) {
    Pending p = pending.get(t.placementId());
    if (p != null && p.attempt == t.attempt()) {
      plan.update(p.node, 0);
      retryElsewhere(t.placementId(), p);
    }
    return this;
  }

  private void retryElsewhere(String id, Pending p) {
    p.timer.cancel();
    p.excluded.add(p.node);
    decide(id, p);
    maybeFinish();
  }

  private void maybeFinish() {
    if (current != null && pending.isEmpty() && done.size() == current.guests().size()) {
      List<Placed> out = new ArrayList<>();
      for (GuestSpec g : current.guests()) {
        out.add(done.get(g.name()));
      }
      current.replyTo().tell(new Outcome(out));
      current = null;
      startNext();
    }
  }

  private int indexOf(String node) {
    return hostIndex.getOrDefault(node, -1);
  }
}
