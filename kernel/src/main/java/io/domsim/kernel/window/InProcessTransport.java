package io.domsim.kernel.window;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The window protocol between members in one JVM, by direct calls: the driver's coordinator behind a lock
 * (members report from their own simulation threads), deliveries, revocations and barrier tells handed to their
 * member at once. For tests, and for running members side by side in one process (each with its own kernel and
 * thread) to see what the protocol costs without a network.
 */
public final class InProcessTransport implements WindowedMember.Transport {
  final Map<String, WindowedMember> members = new ConcurrentHashMap<>();
  final AtomicLong shipped = new AtomicLong();
  final AtomicLong revoked = new AtomicLong();
  final AtomicLong tellBatches = new AtomicLong();
  private final WindowCoordinator coordinator;

  /** As {@link WindowCoordinator}'s: every member's name, the lookahead, the run's end. */
  public InProcessTransport(List<String> members, long lookaheadNanos, long endNanos) {
    this.coordinator = new WindowCoordinator(members, lookaheadNanos, endNanos);
  }

  /** Timed deliveries and barrier batches handed between members so far. */
  public long crossings() {
    return shipped.get() + tellBatches.get();
  }

  /** Makes {@code member} reachable; every member must be added before any starts. */
  public void add(WindowedMember member) {
    members.put(member.name(), member);
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
  public void replicate(String member, ReplicaInput<?> input) {
    shipped.incrementAndGet();
    members.get(member).receive(input);
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
