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
import io.domsim.kernel.serialization.CrossJvm;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.scheduler.PoolProtocol.Commit;
import io.domsim.scheduler.PoolProtocol.Describe;
import io.domsim.scheduler.PoolProtocol.Described;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import io.domsim.scheduler.PoolProtocol.Release;
import io.domsim.scheduler.PoolProtocol.Released;
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
 * <p>Its messages are datagrams: any may be lost, duplicated or late. A request without an answer is
 * repeated every retry interval, under the same placement id, which the hosts answer as before
 * ({@link HostPlacements}). A host that does not answer within the host timeout is taken as down: it is
 * left out of the view, or, for a reservation, treated as a refusal, and the master then releases the
 * claim the host may hold, repeating the release until the host acknowledges it. A commit is never given
 * up that way (the guest may be running there): it is repeated until the host answers, or the cluster
 * declares the node failed ({@link HostDown}). So a guest is placed once, and no claim is left behind.
 * {@code Place} requests are served one after the other.
 */
public final class PoolMaster extends AbstractBehavior<PoolMaster.Command> {

  public sealed interface Command
      permits Place, HostDown, Halt, DescribeTick, ReplyTimeout, ReleaseTimeout, PoolProtocol.HostReply {}

  /** A host of the pool: its node name and its Dom0's endpoint for pool messages. */
  public record Host(String node, ActorRef<HostCommand> dom0) {}

  /** Place these guests (in this order) and answer with one outcome per guest. */
  public record Place(List<GuestSpec> guests, ActorRef<Outcome> replyTo) implements Command, SameMember {} // from its Dom0

  /**
   * Where each guest started, or why it could not. In the order the guests were given; {@code atNanos}: when the
   * placement was over (the operator hears it one latency later).
   */
  public record Outcome(List<Placed> placements, long atNanos) implements CrossJvm {}

  /** {@code node} is empty when the guest fits nowhere; {@code reason} then says why. */
  public record Placed(String guest, Optional<String> node, String reason) {}

  /** The cluster declared {@code node} failed: what waits for its answer is decided without it. */
  public record HostDown(String node) implements Command, SameMember {} // from its Dom0

  /** The master's node crashed: it does nothing more (its timers are cancelled, messages ignored). */
  public enum Halt implements Command, SameMember { INSTANCE } // from its Dom0

  private record DescribeTick(long round) implements Command, SameMember {} // its own timer

  private record ReplyTimeout(String placementId, int attempt) implements Command, SameMember {} // its own timer

  /** A release the master repeats until {@code node} acknowledges it. */
  private record ReleaseKey(String placementId, String node) implements Comparable<ReleaseKey> {
    @Override
    public int compareTo(ReleaseKey o) {
      int c = placementId.compareTo(o.placementId);
      return c != 0 ? c : node.compareTo(o.node);
    }
  }

  private record ReleaseTimeout(ReleaseKey key, int attempt) implements Command, SameMember {} // its own timer

  private enum Stage { RESERVING, COMMITTING }

  private final SimEntity entity;
  private final String node;
  private final Network network;
  private final PlacementPolicy policy;
  private final long hostTimeoutNanos;
  private final long retryNanos;
  private final List<Host> hosts;
  private final Map<String, Integer> hostIndex = new HashMap<>(); // lookups only, never iterated
  private final ArrayDeque<Place> queue = new ArrayDeque<>();

  // The Place being served.
  private Place current;
  private long round;
  private long describeStart;
  private final List<HostView> described = new ArrayList<>();
  /** The life each host described itself in (by host index): requests name it. */
  private final List<Integer> lives = new ArrayList<>();
  private int describedCount;
  private SimTimer describeTimer;
  private PlacementPlan plan;
  private final TreeMap<String, Pending> pending = new TreeMap<>();
  private final Map<String, Placed> done = new HashMap<>(); // looked up by guest name, never iterated
  private long nextId;
  /** Claims given up on, whose release a host has not acknowledged yet (they outlive the Place). */
  private final TreeMap<ReleaseKey, Releasing> releases = new TreeMap<>();

  private static final class Pending {
    final GuestSpec guest;
    final Set<String> excluded = new HashSet<>(); // membership tests only
    String node;
    Stage stage;
    HostCommand request;
    long since;
    int attempt;
    SimTimer timer;

    Pending(GuestSpec guest) {
      this.guest = guest;
    }
  }

  private static final class Releasing {
    int hostBoot;
    int attempt;
    long intervalNanos;
    SimTimer timer;
  }

  private PoolMaster(ActorContext<Command> ctx, String node, SimEntity entity, Network network,
      PlacementPolicy policy, PoolSettings settings, List<Host> hosts) {
    super(ctx);
    this.node = node;
    this.entity = entity;
    this.network = network;
    this.policy = policy;
    this.hostTimeoutNanos = settings.hostTimeoutNanos();
    this.retryNanos = settings.retryIntervalNanos();
    this.hosts = List.copyOf(hosts);
    for (int i = 0; i < this.hosts.size(); i++) {
      hostIndex.put(this.hosts.get(i).node(), i);
    }
  }

  /** @param node the node whose Dom0 holds the pool-master role */
  public static Behavior<Command> create(String node, SimEntity entity, Network network, PlacementPolicy policy,
      PoolSettings settings, List<Host> hosts) {
    return Behaviors.setup(ctx -> new PoolMaster(ctx, node, entity, network, policy, settings, hosts));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Place.class, this::onPlace)
        .onMessage(Described.class, this::onDescribed)
        .onMessage(DescribeTick.class, this::onDescribeTick)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(ReserveRefused.class, this::onRefused)
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(ReplyTimeout.class, this::onReplyTimeout)
        .onMessage(Released.class, this::onReleased)
        .onMessage(ReleaseTimeout.class, this::onReleaseTimeout)
        .onMessage(HostDown.class, this::onHostDown)
        .onMessageEquals(Halt.INSTANCE, this::onHalt)
        .build();
  }

  private Behavior<Command> onHalt() {
    if (describeTimer != null) {
      describeTimer.cancel();
    }
    pending.values().forEach(p -> {
      if (p.timer != null) {
        p.timer.cancel();
      }
    });
    releases.values().forEach(r -> r.timer.cancel());
    return Behaviors.ignore();
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
    lives.clear();
    describedCount = 0;
    plan = null;
    pending.clear();
    done.clear();
    describeStart = entity.now();
    for (Host h : hosts) {
      described.add(null);
      lives.add(0);
      describe(h);
    }
    if (hosts.isEmpty()) {
      decideAll();
    } else {
      describeTimer = entity.sendAfter(untilNextTry(describeStart), getContext().getSelf(), new DescribeTick(round));
    }
  }

  private void describe(Host h) {
    network.sendDatagram(entity, node, h.node(), h.dom0(), new Describe(node, getContext().getSelf().narrow()));
  }

  /** How long to wait before the next try of something first sent at {@code since}: a retry, or the timeout. */
  private long untilNextTry(long since) {
    long left = since + hostTimeoutNanos - entity.now();
    return left <= 0 ? hostTimeoutNanos : Math.min(retryNanos, left);
  }

  private Behavior<Command> onDescribed(Described d) {
    int i = indexOf(d.view().node());
    if (current == null || plan != null || i < 0 || described.get(i) != null) {
      return this; // late, or a duplicate
    }
    described.set(i, d.view());
    lives.set(i, d.boot());
    describedCount++;
    if (describedCount == hosts.size()) {
      describeTimer.cancel();
      decideAll();
    }
    return this;
  }

  /** Hosts that have not described themselves by the timeout are down: decide over the others. Until then, ask again. */
  private Behavior<Command> onDescribeTick(DescribeTick t) {
    if (t.round() != round || current == null || plan != null) {
      return this;
    }
    if (entity.now() - describeStart >= hostTimeoutNanos) {
      decideAll();
      return this;
    }
    for (int i = 0; i < hosts.size(); i++) {
      if (described.get(i) == null) {
        describe(hosts.get(i));
      }
    }
    describeTimer = entity.sendAfter(untilNextTry(describeStart), getContext().getSelf(), new DescribeTick(round));
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
    begin(id, p, Stage.RESERVING, new Reserve(id, p.guest, lifeOf(p.node), node, getContext().getSelf().narrow()));
  }

  /** Sends the first request of a stage to the pending guest's host. */
  private void begin(String id, Pending p, Stage stage, HostCommand request) {
    p.stage = stage;
    p.request = request;
    p.since = entity.now();
    transmit(id, p);
  }

  /** Sends (again) the pending guest's request and waits for the answer until the next try. */
  private void transmit(String id, Pending p) {
    if (p.timer != null) {
      p.timer.cancel();
    }
    p.attempt++;
    network.sendDatagram(entity, node, p.node, hosts.get(indexOf(p.node)).dom0(), p.request);
    // A commit has no deadline: it is repeated every interval until answered (the whole Place waits for it).
    long wait = p.stage == Stage.COMMITTING ? retryNanos : untilNextTry(p.since);
    p.timer = entity.sendAfter(wait, getContext().getSelf(), new ReplyTimeout(id, p.attempt));
  }

  /** The stage's request, if {@code id} is pending in it with {@code host}. */
  private Pending waiting(String id, Stage stage, String host) {
    Pending p = pending.get(id);
    return p != null && p.stage == stage && p.node.equals(host) ? p : null;
  }

  private Behavior<Command> onReserved(Reserved r) {
    Pending p = waiting(r.placementId(), Stage.RESERVING, r.node());
    if (p != null) {
      begin(r.placementId(), p, Stage.COMMITTING, new Commit(r.placementId(), p.guest, lifeOf(p.node), node,
          getContext().getSelf().narrow()));
    }
    return this;
  }

  private Behavior<Command> onRefused(ReserveRefused r) {
    Pending p = waiting(r.placementId(), Stage.RESERVING, r.node());
    if (p != null) {
      plan.update(r.node(), r.freeMemoryBytes());
      retryElsewhere(r.placementId(), p);
    }
    return this;
  }

  private Behavior<Command> onStarted(Started s) {
    Pending p = waiting(s.placementId(), Stage.COMMITTING, s.node());
    if (p != null) {
      pending.remove(s.placementId());
      p.timer.cancel();
      done.put(p.guest.name(), new Placed(p.guest.name(), Optional.of(s.node()), "placed by the pool master"));
      maybeFinish();
    }
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed f) {
    Pending p = waiting(f.placementId(), Stage.COMMITTING, f.node());
    if (p != null) {
      retryElsewhere(f.placementId(), p); // the host gave its claim back when the build failed
    }
    return this;
  }

  /**
   * No answer by the next try: ask again. A reservation with no answer for the host timeout is given up
   * (the host is taken as down for this round; its claim, if any, is released); a commit never is.
   */
  private Behavior<Command> onReplyTimeout(ReplyTimeout t) {
    Pending p = pending.get(t.placementId());
    if (p == null || p.attempt != t.attempt()) {
      return this;
    }
    if (p.stage == Stage.RESERVING && entity.now() - p.since >= hostTimeoutNanos) {
      plan.update(p.node, 0);
      release(t.placementId(), p.node);
      retryElsewhere(t.placementId(), p);
    } else {
      transmit(t.placementId(), p);
    }
    return this;
  }

  private void retryElsewhere(String id, Pending p) {
    p.timer.cancel();
    p.excluded.add(p.node);
    decide(id, p);
    maybeFinish();
  }

  /** Releases the claim {@code host} may hold under {@code id}, until it says it holds none. */
  private void release(String id, String host) {
    ReleaseKey key = new ReleaseKey(id, host);
    Releasing r = new Releasing();
    r.hostBoot = lifeOf(host);
    r.intervalNanos = retryNanos;
    releases.put(key, r);
    sendRelease(key, r);
  }

  private void sendRelease(ReleaseKey key, Releasing r) {
    r.attempt++;
    network.sendDatagram(entity, node, key.node(), hosts.get(indexOf(key.node())).dom0(),
        new Release(key.placementId(), r.hostBoot, node, getContext().getSelf().narrow()));
    r.timer = entity.sendAfter(r.intervalNanos, getContext().getSelf(), new ReleaseTimeout(key, r.attempt));
    // A host that stays silent is asked less and less often (it may be cut off for long).
    r.intervalNanos = Math.min(2 * r.intervalNanos, hostTimeoutNanos);
  }

  private Behavior<Command> onReleaseTimeout(ReleaseTimeout t) {
    Releasing r = releases.get(t.key());
    if (r != null && r.attempt == t.attempt()) {
      sendRelease(t.key(), r);
    }
    return this;
  }

  private Behavior<Command> onReleased(Released r) {
    Releasing waiting = releases.remove(new ReleaseKey(r.placementId(), r.node()));
    if (waiting != null) {
      waiting.timer.cancel();
    }
    return this;
  }

  /**
   * A failed node answers nothing more: its reservations and commits count as refused (a guest it may
   * have started died with it), and its claims went with it.
   */
  private Behavior<Command> onHostDown(HostDown h) {
    releases.entrySet().removeIf(e -> {
      if (e.getKey().node().equals(h.node())) {
        e.getValue().timer.cancel();
        return true;
      }
      return false;
    });
    if (current == null || plan == null) {
      return this;
    }
    List<String> ids = new ArrayList<>();
    pending.forEach((id, p) -> {
      if (h.node().equals(p.node)) {
        ids.add(id);
      }
    });
    if (!ids.isEmpty()) {
      plan.update(h.node(), 0);
    }
    for (String id : ids) {
      Pending p = pending.get(id);
      if (p != null && h.node().equals(p.node)) {
        retryElsewhere(id, p);
      }
    }
    return this;
  }

  private void maybeFinish() {
    if (current != null && pending.isEmpty() && done.size() == current.guests().size()) {
      List<Placed> out = new ArrayList<>();
      for (GuestSpec g : current.guests()) {
        out.add(done.get(g.name()));
      }
      network.tellOperator(entity, current.replyTo(), new Outcome(out, entity.now()));
      current = null;
      startNext();
    }
  }

  private int indexOf(String node) {
    return hostIndex.getOrDefault(node, -1);
  }

  private int lifeOf(String host) {
    return lives.get(indexOf(host));
  }
}
