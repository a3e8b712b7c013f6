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
import io.domsim.scheduler.PoolProtocol.Commit;
import io.domsim.scheduler.PoolProtocol.Describe;
import io.domsim.scheduler.PoolProtocol.Described;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import io.domsim.scheduler.PoolProtocol.Reserve;
import io.domsim.scheduler.PoolProtocol.ReserveRefused;
import io.domsim.scheduler.PoolProtocol.Reserved;
import io.domsim.scheduler.PoolProtocol.StartFailed;
import io.domsim.scheduler.PoolProtocol.Started;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pool master: a role of one host's Dom0 (as in a XenServer/XCP-ng pool) that places every guest
 * without a pinned node. It asks every host for its state, decides with a pure {@link PlacementPolicy}
 * on its own view (which it debits as it decides), then reserves on the chosen host and commits. A
 * refused reservation updates the view and the guest is placed again without that host.
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

  private final SimEntity entity;
  private final Network network;
  private final PlacementPolicy policy;
  private final List<Host> hosts;
  private final Map<String, Integer> hostIndex = new HashMap<>(); // lookups only, never iterated
  private final List<HostView> described = new ArrayList<>();
  private PlacementPlan plan;
  private final TreeMap<String, Pending> pending = new TreeMap<>();
  private final TreeMap<String, Placed> done = new TreeMap<>();
  private List<GuestSpec> guests = List.of();
  private ActorRef<Outcome> replyTo;
  private int describedCount;
  private long nextId;

  private static final class Pending {
    final GuestSpec guest;
    final Set<String> excluded = new HashSet<>();
    String node;

    Pending(GuestSpec guest) {
      this.guest = guest;
    }
  }

  private PoolMaster(ActorContext<Command> ctx, SimEntity entity, Network network, PlacementPolicy policy,
      List<Host> hosts) {
    super(ctx);
    this.entity = entity;
    this.network = network;
    this.policy = policy;
    this.hosts = List.copyOf(hosts);
    for (int i = 0; i < this.hosts.size(); i++) {
      hostIndex.put(this.hosts.get(i).node(), i);
    }
  }

  public static Behavior<Command> create(SimEntity entity, Network network, PlacementPolicy policy, List<Host> hosts) {
    return Behaviors.setup(ctx -> new PoolMaster(ctx, entity, network, policy, hosts));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Place.class, this::onPlace)
        .onMessage(Described.class, this::onDescribed)
        .onMessage(Reserved.class, this::onReserved)
        .onMessage(ReserveRefused.class, this::onRefused)
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .build();
  }

  private Behavior<Command> onPlace(Place place) {
    guests = List.copyOf(place.guests());
    replyTo = place.replyTo();
    described.clear();
    describedCount = 0;
    for (Host h : hosts) {
      described.add(null);
      network.send(entity, h.dom0(), new Describe(getContext().getSelf().narrow()));
    }
    if (hosts.isEmpty()) {
      decideAll();
    }
    return this;
  }

  private Behavior<Command> onDescribed(Described d) {
    int i = indexOf(d.view().node());
    if (i >= 0 && described.get(i) == null) {
      described.set(i, d.view());
      describedCount++;
    }
    if (describedCount == hosts.size()) {
      decideAll();
    }
    return this;
  }

  private void decideAll() {
    plan = new PlacementPlan(policy, described);
    for (GuestSpec g : guests) {
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
    network.send(entity, hosts.get(indexOf(p.node)).dom0(), new Reserve(id, p.guest, getContext().getSelf().narrow()));
  }

  private Behavior<Command> onReserved(Reserved r) {
    Pending p = pending.get(r.placementId());
    if (p != null) {
      network.send(entity, hosts.get(indexOf(r.node())).dom0(),
          new Commit(r.placementId(), p.guest, getContext().getSelf().narrow()));
    }
    return this;
  }

  private Behavior<Command> onRefused(ReserveRefused r) {
    Pending p = pending.get(r.placementId());
    if (p != null) {
      plan.update(r.node(), r.freeMemoryBytes());
      p.excluded.add(r.node());
      decide(r.placementId(), p);
      maybeFinish();
    }
    return this;
  }

  private Behavior<Command> onStarted(Started s) {
    Pending p = pending.remove(s.placementId());
    if (p != null) {
      done.put(p.guest.name(), new Placed(p.guest.name(), Optional.of(s.node()), "placed by the pool master"));
      maybeFinish();
    }
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed f) {
    Pending p = pending.get(f.placementId());
    if (p != null) {
      p.excluded.add(f.node());
      decide(f.placementId(), p);
      maybeFinish();
    }
    return this;
  }

  private void maybeFinish() {
    if (pending.isEmpty() && replyTo != null && done.size() == guests.size()) {
      List<Placed> out = new ArrayList<>();
      for (GuestSpec g : guests) {
        out.add(done.get(g.name()));
      }
      replyTo.tell(new Outcome(out));
      replyTo = null;
    }
  }

  private int indexOf(String node) {
    return hostIndex.getOrDefault(node, -1);
  }
}
