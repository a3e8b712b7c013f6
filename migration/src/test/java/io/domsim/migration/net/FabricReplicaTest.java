package io.domsim.migration.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.kernel.ClockKind;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.testkit.SimHarness.Received;
import io.domsim.kernel.window.ReplicaBroadcast;
import io.domsim.kernel.window.ReplicaInput;
import io.domsim.kernel.window.Revocation;
import io.domsim.kernel.window.TimedDelivery;
import io.domsim.kernel.window.WindowCoordinator;
import io.domsim.kernel.window.WindowedMember;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One member's replica of the fabric ({@link FabricReplica}) on its own: what it sends the other members, and what it
 * does with what they send it (FabricOverMembersTest runs them together).
 */
@Timeout(60)
class FabricReplicaTest {
  static final long GBIT = 1_000_000_000L;
  static final long LATENCY = 100_000;
  static final long MS = 1_000_000;

  static TreeMap<String, Long> nics() {
    TreeMap<String, Long> nics = new TreeMap<>();
    for (String n : List.of("n1", "n2", "n3")) {
      nics.put(n, GBIT);
    }
    return nics;
  }

  /** Member m1 of three, its replica's inputs for the others kept in {@code sent} (member, input). */
  static FabricHarness replicaOnM1(List<String> sent, AtomicReference<FabricReplica> replica) throws Exception {
    return new FabricHarness(nics(), LATENCY, k -> {
      WindowedMember member = new WindowedMember("m1", k, new WindowedMember.Transport() {
        @Override public void report(WindowCoordinator.Report r) { }

        @Override public void ship(String to, TimedDelivery<?> d) { }

        @Override public void revoke(String to, Revocation r) { }

        @Override public void replicate(String to, ReplicaInput<?> input) {
          sent.add(to + " " + input.replica() + " " + input.input());
        }
      });
      replica.set(new FabricReplica(new ReplicaBroadcast(member, List.of("m1", "m2", "m3")), false));
      return replica.get();
    });
  }

  @Test
  void itSendsTheOthersWhatItAcceptsWithWhetherItSetATimer() throws Exception {
    List<String> sent = new CopyOnWriteArrayList<>();
    try (FabricHarness h = replicaOnM1(sent, new AtomicReference<>())) {
      h.runUntil(1 * MS);
      h.tell(cause -> new Fabric.GuestTraffic("n1", 1e8, 1e8, cause)); // nothing in the network: no timer
      h.start("a", "n1", "n2", 1_000_000, 0);
      h.start("a", "n1", "n3", 5, 0); // refused (a duplicate): its owner hears so, the others nothing
      h.start("b", "n1", "n9", 5, 0); // refused (unknown node)
      h.runUntil(2 * MS);
      h.tell(cause -> new Fabric.GuestTraffic("n1", 2e8, 1e8, cause)); // now a flow is in: a timer
      h.tell(cause -> new Fabric.CancelFlow(FabricHarness.id("a"), cause));
      h.runUntil(3 * MS);
      List<String> kinds = sent.stream().map(s -> s.replaceAll("\\[.*", "")).toList();
      assertEquals(List.of(
          "m2 fabric Replicated", "m3 fabric Replicated", // guest traffic
          "m2 fabric Replicated", "m3 fabric Replicated", // a
          "m2 fabric Replicated", "m3 fabric Replicated", // guest traffic
          "m2 fabric Replicated", "m3 fabric Replicated"), kinds); // the cancel
      assertTrue(sent.get(0).contains("GuestTraffic[node=n1") && sent.get(0).endsWith("armed=false]"), sent.get(0));
      assertTrue(sent.get(2).contains("StartFlow[flowId=a") && sent.get(2).endsWith("armed=true]"), sent.get(2));
      assertTrue(sent.get(4).contains("GuestTraffic[node=n1") && sent.get(4).endsWith("armed=true]"), sent.get(4));
      assertTrue(sent.get(6).contains("CancelFlow[flowId=a") && sent.get(6).endsWith("armed=true]"), sent.get(6));
      assertEquals(2, h.events().stream().filter(r -> r.message() instanceof Fabric.FlowBroken).count());
    }
  }

  /**
   * Another member's start shapes this replica's rates from its effect instant, but its owner (elsewhere) hears nothing
   * from here; this replica's own flow ends as it does in one fabric with both flows local.
   */
  @Test
  void anotherMembersFlowSharesTheNicsButItsOwnerHearsNothingFromHere() throws Exception {
    List<Received> one;
    try (FabricHarness h = new FabricHarness(ClockKind.VIRTUAL, nics(), LATENCY)) {
      h.runUntil(1 * MS);
      h.start("a", "n1", "n2", 1_000_000, 0);
      h.start("b", "n3", "n2", 1_000_000, 0); // as m2's Dom0 would, at the same instant after a
      h.runUntil(100 * MS);
      one = h.events();
    }
    AtomicReference<FabricReplica> replica = new AtomicReference<>();
    try (FabricHarness h = replicaOnM1(new CopyOnWriteArrayList<>(), replica)) {
      h.runUntil(1 * MS);
      h.start("a", "n1", "n2", 1_000_000, 0);
      EventKey later = new EventKey(1 * MS, "zz-m2-dom0", 0); // after the harness's event at 1 ms
      h.tell(new Fabric.Replicated(new Fabric.StartFlow(FabricHarness.id("b"), "n3", "n2", 1_000_000, 0, h.owner(),
          later), true));
      h.runUntil(100 * MS);
      assertEquals(2, one.size(), one.toString());
      assertEquals(one.stream().filter(r -> ((Fabric.FlowEvent) r.message()).flowId().equals(FabricHarness.id("a")))
          .toList(), h.events(), "its own flow's end as in one fabric, and nothing of the other member's");
      long fabricTimers = replica.get().timersFired();
      assertTrue(fabricTimers >= 3, "two effects, completions and arrivals: " + fabricTimers);
      assertEquals(1000 - replica.get().timersFired(), replica.get().eventsCounted(1000), "a serving member's count");
    }
  }
}
