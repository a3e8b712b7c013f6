package io.domsim.scheduler;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.config.GuestType;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.scheduler.PoolProtocol.Commit;
import io.domsim.scheduler.PoolProtocol.Describe;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import io.domsim.scheduler.PoolProtocol.HostReply;
import io.domsim.scheduler.PoolProtocol.Release;
import io.domsim.scheduler.PoolProtocol.Request;
import io.domsim.scheduler.PoolProtocol.Reserve;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;

/**
 * A stand-in for a host's Dom0 that speaks the pool protocol over the network model, with the real host's
 * bookkeeping ({@link HostPlacements}) for repeated requests. It may describe itself with more free memory
 * than it really has ({@code advertisedFree}), to make the pool master's view wrong; it claims against
 * {@code realFree}, as a real hypervisor does, and refuses with its real free memory. With
 * {@code failCommits} it refuses every build at commit time. {@link State} shows its claims at the end.
 */
final class FakeHost {
  private FakeHost() {}

  /** What the host holds: claims by placement id and free memory (read after the run). */
  static final class State {
    final Map<String, Long> claims = new TreeMap<>();
    long free;
  }

  static Behavior<HostCommand> create(SimEntity entity, Network network, String node, long advertisedFree,
      long realFree, boolean hvm, long overhead, boolean failCommits, Queue<String> log) {
    return create(entity, network, node, advertisedFree, realFree, hvm, overhead, failCommits, log, new State());
  }

  static Behavior<HostCommand> create(SimEntity entity, Network network, String node, long advertisedFree,
      long realFree, boolean hvm, long overhead, boolean failCommits, Queue<String> log, State state) {
    return Behaviors.setup(ctx -> {
      state.free = realFree;
      Map<String, Long> claims = state.claims;
      HostPlacements placements = new HostPlacements();
      java.util.function.BiConsumer<Request, HostReply> answer =
          (req, reply) -> network.sendDatagram(entity, node, req.masterNode(), req.replyTo(), reply);
      return Behaviors.receiveMessage((HostCommand m) -> {
        if (m instanceof Describe d) {
          log.add(node + " describe @" + entity.now());
          answer.accept(d, new PoolProtocol.Described(
              Guests.host(node, 8, advertisedFree >= 0 ? advertisedFree : state.free, hvm, overhead), 0));
        } else if (m instanceof Reserve r) {
          switch (placements.reserve(r.placementId())) {
            case PROCEED -> {
              long need = r.guest().memoryBytes() + overhead;
              if (r.guest().type() == GuestType.HVM && !hvm) {
                log.add(node + " refuse " + r.guest().name());
                HostReply no = new PoolProtocol.ReserveRefused(r.placementId(), node, state.free, "no hvm-support");
                placements.refused(r.placementId(), no);
                answer.accept(r, no);
              } else if (need > state.free) {
                log.add(node + " refuse " + r.guest().name());
                HostReply no = new PoolProtocol.ReserveRefused(r.placementId(), node, state.free,
                    "only " + state.free + " free");
                placements.refused(r.placementId(), no);
                answer.accept(r, no);
              } else {
                log.add(node + " reserve " + r.guest().name());
                state.free -= need;
                claims.put(r.placementId(), need);
                HostReply yes = new PoolProtocol.Reserved(r.placementId(), node);
                placements.claimed(r.placementId(), yes);
                answer.accept(r, yes);
              }
            }
            case REPEAT -> answer.accept(r, placements.answer(r.placementId(), false));
            default -> { }
          }
        } else if (m instanceof Commit c) {
          switch (placements.commit(c.placementId())) {
            case PROCEED -> {
              Long claim = claims.remove(c.placementId());
              HostReply reply;
              if (failCommits) {
                log.add(node + " fail " + c.guest().name());
                state.free += claim;
                reply = new PoolProtocol.StartFailed(c.placementId(), node, c.guest().name(), "build failed");
              } else {
                log.add(node + " start " + c.guest().name());
                reply = new PoolProtocol.Started(c.placementId(), node, c.guest().name());
              }
              placements.built(c.placementId(), !failCommits, reply);
              answer.accept(c, reply);
            }
            case REPEAT -> answer.accept(c, placements.answer(c.placementId(), true));
            case REFUSE -> answer.accept(c, new PoolProtocol.StartFailed(c.placementId(), node, c.guest().name(),
                "no claim"));
            default -> { }
          }
        } else if (m instanceof Release rel) {
          log.add(node + " release " + rel.placementId());
          if (placements.release(rel.placementId()) == HostPlacements.Step.RELEASE_CLAIM) {
            state.free += claims.remove(rel.placementId());
          }
          answer.accept(rel, new PoolProtocol.Released(rel.placementId(), node));
        }
        return Behaviors.same();
      });
    });
  }
}
