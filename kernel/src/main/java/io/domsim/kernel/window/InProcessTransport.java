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

  /**
   * {@code member} is lost for good, as the driver's link handles it ({@link WindowLink.Lose}): every other member
   * hears of it, then gets the grants that leave it out, if its report was the one missing. It stays in the map:
   * what is sent to it is dropped ({@code reachable}).
   */
  public void lose(String member) {
    WindowCoordinator.Loss loss;
    synchronized (coordinator) {
      loss = coordinator.lose(member);
      if (loss == null) {
        return;
      }
      lostMembers.add(member);
      // Under the lock: every member hears of the loss before any grant that leaves the lost member out, which the
      // next report (from another thread) may make as soon as the lock is free.
      new java.util.TreeMap<>(members).forEach((m, w) -> {
        if (!lostMembers.contains(m)) {
          w.lose(member, loss.lastWindow());
        }
      });
    }
    loss.grants().forEach((m, g) -> members.get(m).grant(g));
  }

  /** Lost members: nothing reaches them any more. */
  private final java.util.Set<String> lostMembers = ConcurrentHashMap.newKeySet();

  private WindowedMember reachable(String member) {
    return lostMembers.contains(member) ? null : members.get(member);
  }

  private volatile java.util.function.Consumer<WindowLink.Recorded> recorded = r -> {
    throw new IllegalStateException(r.member() + " recorded, and nobody takes its records");
  };

  /** Where what members record for the driver goes ({@link WindowedMember#record}). */
  public void recordTo(java.util.function.Consumer<WindowLink.Recorded> driver) {
    this.recorded = driver;
  }

  @Override
  public void record(String member, long window, List<?> records) {
    recorded.accept(new WindowLink.Recorded(member, window, records));
  }

  @Override
  public void ship(String member, TimedDelivery<?> delivery) {
    shipped.incrementAndGet();
    WindowedMember to = reachable(member);
    if (to != null) {
      to.receive(delivery);
    }
  }

  @Override
  public void replicate(String member, ReplicaInput<?> input) {
    shipped.incrementAndGet();
    WindowedMember to = reachable(member);
    if (to != null) {
      to.receive(input);
    }
  }

  @Override
  public void shipTells(String member, BarrierTells tells) {
    tellBatches.incrementAndGet();
    WindowedMember to = reachable(member);
    if (to != null) {
      to.receive(tells);
    }
  }

  @Override
  public void revoke(String member, Revocation revocation) {
    revoked.incrementAndGet();
    WindowedMember to = reachable(member);
    if (to != null) {
      to.receive(revocation);
    }
  }
}
