package io.domsim.dom0;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.hypervisor.Errno;
import io.domsim.hypervisor.Hardware;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Hypervisor.Op;
import io.domsim.scheduler.PoolProtocol;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The host side of the pool protocol alone, on a scripted hypervisor: which hypercalls each request makes
 * and what the master hears, for requests that repeat, come late, or name another life of the host.
 */
class PoolHostSideTest {
  private static final long GIB = Dom0Test.GIB;
  private static final long OVERHEAD = 64L << 20;
  private static final GuestSpec WEB = Dom0Test.guest("web", GuestType.PV, GIB);

  /** A Dom0 whose hypercalls wait until the test answers them, in order. */
  private static final class FakeHost implements PoolHostSide.Host {
    record Pending(Op op, Consumer<Hypervisor.Result> then) {}

    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    final List<Op> calls = new ArrayList<>();
    final List<PoolProtocol.HostReply> answers = new ArrayList<>();
    final TreeMap<String, Integer> arrived = new TreeMap<>();
    int boot;
    long tag;

    @Override public String node() { return "n1"; }
    @Override public int boot() { return boot; }
    @Override public Hardware hardware() { return new Hardware(8, 2.5, 16 * GIB, false, 10_000_000_000L, 100, 300); }
    @Override public long domainOverheadBytes() { return OVERHEAD; }
    @Override public String refusal(GuestSpec spec) {
      return spec.type() == GuestType.HVM ? "no VT-x on n1" : null;
    }
    @Override public void hypercall(Op op, Consumer<Hypervisor.Result> then) {
      calls.add(op);
      pending.add(new Pending(op, then));
    }
    @Override public Collection<GuestSpec> guests() { return List.of(); }
    @Override public void guestArrived(GuestSpec spec, int domid) { arrived.put(spec.name(), domid); }
    @Override public void answer(PoolProtocol.Request request, PoolProtocol.HostReply reply) { answers.add(reply); }

    /** Answers the oldest hypercall with success and {@code value}. */
    void done(long value) {
      Pending p = pending.poll();
      p.then().accept(new Hypervisor.Done(++tag, p.op(), value));
    }

    void failed(String reason) {
      Pending p = pending.poll();
      p.then().accept(new Hypervisor.Failed(++tag, p.op(), Errno.ENOMEM, reason));
    }
  }

  private final FakeHost host = new FakeHost();
  /** No load reports are asked here: their loads have no Dom0. */
  private final PoolHostSide side = new PoolHostSide(host, new HostLoads(null));

  private static PoolProtocol.Reserve reserve(String id, GuestSpec g, int boot) {
    return new PoolProtocol.Reserve(id, g, boot, "master", null);
  }

  private static PoolProtocol.Commit commit(String id, GuestSpec g, int boot) {
    return new PoolProtocol.Commit(id, g, boot, "master", null);
  }

  @Test
  void aRepeatedReserveAndCommitClaimAndBuildOnceAndGetTheFirstAnswers() {
    side.on(reserve("p-1", WEB, 0));
    side.on(reserve("p-1", WEB, 0)); // under way: nothing
    assertEquals(List.of(new Op.ClaimPages("p-1", GIB + OVERHEAD)), host.calls);
    host.done(0);
    side.on(reserve("p-1", WEB, 0));
    assertEquals(List.of(new PoolProtocol.Reserved("p-1", "n1"), new PoolProtocol.Reserved("p-1", "n1")),
        host.answers);

    side.on(commit("p-1", WEB, 0));
    host.done(7);
    side.on(commit("p-1", WEB, 0));
    assertEquals(2, host.calls.size(), "one claim, one domain: " + host.calls);
    assertEquals(new Op.CreateDomain(WEB, "p-1", false), host.calls.get(1));
    assertEquals(7, host.arrived.get("web"));
    PoolProtocol.Started started = new PoolProtocol.Started("p-1", "n1", "web");
    assertEquals(List.of(started, started), host.answers.subList(2, 4));
  }

  @Test
  void requestsForAnotherLifeOfTheHostAreRefusedWithoutAHypercall() {
    host.boot = 1;
    side.on(reserve("p-1", WEB, 0));
    side.on(commit("p-2", WEB, 0));
    side.on(new PoolProtocol.Release("p-3", 0, "master", null));
    assertEquals(List.of(), host.calls);
    assertInstanceOf(PoolProtocol.ReserveRefused.class, host.answers.get(0));
    assertTrue(((PoolProtocol.StartFailed) host.answers.get(1)).reason().contains("n1 has rebooted"));
    assertEquals(new PoolProtocol.Released("p-3", "n1"), host.answers.get(2));
  }

  @Test
  void aCommitWithoutAClaimIsRefusedAndAFailedBuildGivesTheClaimBack() {
    side.on(commit("p-9", WEB, 0));
    assertEquals(new PoolProtocol.StartFailed("p-9", "n1", "web", "no memory claim for placement p-9 on n1"),
        host.answers.get(0));

    side.on(reserve("p-1", WEB, 0));
    host.done(0);
    side.on(commit("p-1", WEB, 0));
    host.failed("out of memory");
    assertEquals(new Op.ReleaseClaim("p-1"), host.calls.get(host.calls.size() - 1));
    assertEquals(new PoolProtocol.StartFailed("p-1", "n1", "web", "out of memory"), host.answers.get(2));
    assertEquals(0, host.arrived.size());
  }

  @Test
  void aReleaseDuringTheClaimGivesItBackAndALaterReserveClaimsNothing() {
    side.on(reserve("p-1", WEB, 0));
    side.on(new PoolProtocol.Release("p-1", 0, "master", null));
    assertEquals(List.of(new PoolProtocol.Released("p-1", "n1")), host.answers);
    host.done(0); // the claim is made after all: it goes back, unannounced
    assertEquals(new Op.ReleaseClaim("p-1"), host.calls.get(1));
    side.on(reserve("p-1", WEB, 0));
    assertEquals(2, host.calls.size(), host.calls.toString());
    assertEquals(1, host.answers.size());
  }

  @Test
  void aGuestTheToolstackRefusesIsRefusedWithTheFreeMemory() {
    side.on(reserve("p-1", Dom0Test.guest("win", GuestType.HVM, GIB), 0));
    assertEquals(List.of(new Op.PhysInfo()), host.calls);
    host.done(5 * GIB);
    assertEquals(List.of(new PoolProtocol.ReserveRefused("p-1", "n1", 5 * GIB, "no VT-x on n1")), host.answers);
  }
}
