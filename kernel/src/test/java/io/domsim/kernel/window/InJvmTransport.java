package io.domsim.kernel.window;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The window protocol between members in one JVM, by direct calls: the driver's coordinator behind a lock
 * (members report from their own simulation threads), deliveries and revocations handed to their member at once.
 */
final class InJvmTransport implements WindowedMember.Transport {
  final Map<String, WindowedMember> members = new ConcurrentHashMap<>();
  final AtomicLong shipped = new AtomicLong();
  final AtomicLong revoked = new AtomicLong();
  final AtomicLong tellBatches = new AtomicLong();
  private final WindowCoordinator coordinator;

  InJvmTransport(List<String> members, long lookaheadNanos, long endNanos) {
    this.coordinator = new WindowCoordinator(members, lookaheadNanos, endNanos);
  }

  @Override
  public void report(WindowCoordinator.Report report) {
    Map<String, WindowCoordinator.Grant> grants;
    synchronized (coordinator) {
      grants = coordinator.report(report);
    }
    grants.forEach((m, g) -> members.get(m).grant(g));
  }

  @Override
  public void ship(String member, TimedDelivery<?> delivery) {
    shipped.incrementAndGet();
    members.get(member).receive(delivery);
  }

  @Override
  public void shipTells(String member, BarrierTells tells) {
    tellBatches.incrementAndGet();
    members.get(member).receive(tells);
  }

  @Override
  public void revoke(String member, Revocation revocation) {
    revoked.incrementAndGet();
    members.get(member).receive(revocation);
  }
}
