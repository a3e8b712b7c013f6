package io.domsim.scheduler;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import io.domsim.config.GuestType;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimEntity;
import io.domsim.scheduler.PoolProtocol.Commit;
import io.domsim.scheduler.PoolProtocol.Describe;
import io.domsim.scheduler.PoolProtocol.HostCommand;
import io.domsim.scheduler.PoolProtocol.Release;
import io.domsim.scheduler.PoolProtocol.Reserve;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;

/**
 * A stand-in for a host's Dom0 that speaks the pool protocol over the network model. It may describe
 * itself with more free memory than it really has ({@code advertisedFree}), to make the pool master's
 * view wrong; it claims against {@code realFree}, as a real hypervisor does, and refuses with its real
 * free memory. With {@code failCommits} it refuses every build at commit time.
 */
final class FakeHost {
  private FakeHost() {}

  static Behavior<HostCommand> create(SimEntity entity, Network network, String node, long advertisedFree,
      long realFree, boolean hvm, long overhead, boolean failCommits, Queue<String> log) {
    return Behaviors.setup(ctx -> {
      long[] free = {realFree};
      Map<String, Long> claims = new TreeMap<>();
      return Behaviors.receiveMessage((HostCommand m) -> {
        if (m instanceof Describe d) {
          log.add(node + " describe @" + entity.now());
          network.send(entity, node, d.masterNode(), d.replyTo(), new PoolProtocol.Described(
              Guests.host(node, 8, advertisedFree >= 0 ? advertisedFree : free[0], hvm, overhead)));
        } else if (m instanceof Reserve r) {
          long need = r.guest().memoryBytes() + overhead;
          if (r.guest().type() == GuestType.HVM && !hvm) {
            log.add(node + " refuse " + r.guest().name());
            network.send(entity, node, r.masterNode(), r.replyTo(),
                new PoolProtocol.ReserveRefused(r.placementId(), node, free[0], "no hvm-support"));
          } else if (need > free[0]) {
            log.add(node + " refuse " + r.guest().name());
            network.send(entity, node, r.masterNode(), r.replyTo(),
                new PoolProtocol.ReserveRefused(r.placementId(), node, free[0], "only " + free[0] + " free"));
          } else {
            log.add(node + " reserve " + r.guest().name());
            free[0] -= need;
            claims.put(r.placementId(), need);
            network.send(entity, node, r.masterNode(), r.replyTo(), new PoolProtocol.Reserved(r.placementId(), node));
          }
        } else if (m instanceof Commit c) {
          if (failCommits || !claims.containsKey(c.placementId())) {
            log.add(node + " fail " + c.guest().name());
            Long claim = claims.remove(c.placementId());
            if (claim != null) {
              free[0] += claim;
            }
            network.send(entity, node, c.masterNode(), c.replyTo(),
                new PoolProtocol.StartFailed(c.placementId(), node, c.guest().name(), "build failed"));
          } else {
            log.add(node + " start " + c.guest().name());
            claims.remove(c.placementId());
            network.send(entity, node, c.masterNode(), c.replyTo(), new PoolProtocol.Started(c.placementId(), node, c.guest().name()));
          }
        } else if (m instanceof Release rel) {
          log.add(node + " release " + rel.placementId());
          Long claim = claims.remove(rel.placementId());
          if (claim != null) {
            free[0] += claim;
          }
        }
        return Behaviors.same();
      });
    });
  }
}
