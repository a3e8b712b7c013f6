package io.domsim.node;

import io.domsim.kernel.window.InProcessTransport;
import io.domsim.kernel.window.ReplicaInput;
import io.domsim.kernel.window.Revocation;
import io.domsim.kernel.window.TimedDelivery;
import io.domsim.kernel.window.WindowCoordinator;
import io.domsim.kernel.window.WindowedMember;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link InProcessTransport}, with every delivery and revocation for the driving member held back until the
 * coordinator has granted the next window: as late as the protocol allows (the grant counts them, and the driver
 * waits for them before it runs that window), as Artery may deliver them when the driver reports first. Over direct
 * calls the driver usually has them before it reports; a member that relies on that only passes by luck.
 */
final class LateToDriverTransport implements WindowedMember.Transport {
  private final InProcessTransport inner;
  private final String driver;
  private final int members;
  private final List<Runnable> held = new ArrayList<>();
  private int reports;

  LateToDriverTransport(InProcessTransport inner, String driver, int members) {
    this.inner = inner;
    this.driver = driver;
    this.members = members;
  }

  @Override
  public synchronized void report(WindowCoordinator.Report report) {
    inner.report(report);
    if (++reports % members == 0) { // the window's last report: the grants have gone out
      held.forEach(Runnable::run);
      held.clear();
    }
  }

  @Override
  public synchronized void ship(String member, TimedDelivery<?> delivery) {
    if (member.equals(driver)) {
      held.add(() -> inner.ship(member, delivery));
    } else {
      inner.ship(member, delivery);
    }
  }

  @Override
  public synchronized void revoke(String member, Revocation revocation) {
    if (member.equals(driver)) {
      held.add(() -> inner.revoke(member, revocation));
    } else {
      inner.revoke(member, revocation);
    }
  }

  @Override
  public void shipTells(String member, io.domsim.kernel.window.BarrierTells tells) {
    inner.shipTells(member, tells);
  }

  @Override
  public void replicate(String member, ReplicaInput<?> input) {
    inner.replicate(member, input);
  }

  @Override
  public void record(String member, long window, List<?> records) {
    inner.record(member, window, records);
  }
}
