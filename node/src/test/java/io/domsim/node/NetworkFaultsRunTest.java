package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.RunResult.GuestResult;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.domsim.node.RunResult.NodeResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole runs on a network that loses, duplicates and reorders messages ({@code network.faults}), with the
 * invariant monitor on as in every run: the pool master places every guest exactly once or says why not,
 * no node keeps a claim, migrations complete (later than without loss: their control messages wait for
 * retransmissions) with the guest running once, and the same seed gives the same run.
 */
@Timeout(300)
class NetworkFaultsRunTest {
  private static final long GIB = 1L << 30;
  private static final long OVERHEAD = 20_000; // hypervisor.costs.domain-overhead

  private static RunResult run(String text) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(text, "faults.conf", List.of(), Plugins.onClassPath());
    return ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
  }

  private static String faults(double loss, double duplicate, boolean reorder) {
    return String.format(Locale.ROOT, "network.faults { loss = %s, duplicate = %s, reorder = %s }", loss, duplicate,
        reorder);
  }

  // ---- placement ----

  private static String pool(long seed, String faults, String guests) {
    return """
        domsim {
          simulation { duration = 20s, seed = %d }
          %s
          node-defaults { cpu { cores = 8 }, memory = 16GiB, dom0 { vcpus = 1, memory = 2GiB } }
          nodes = [ { name = a }, { name = b, memory = 12GiB }, { name = c, memory = 8GiB },
              { name = old, memory = 32GiB, cpu { hvm-support = false } } ]
          guest-defaults { workload { cpu = 0.2, variability = 0 } }
          guest-groups = [ %s ]
        }
        """.formatted(seed, faults, guests);
  }

  /** HVM guests first, so that best-fit leaves them room on the three HVM-capable nodes. */
  private static final String GUESTS = "{ prefix = \"db-\", count = 4, type = hvm, memory = 4GiB },"
      + " { prefix = \"web-\", count = 10, memory = 2GiB }, { prefix = \"tiny-\", count = 6, memory = 256MiB }";

  /** Each node's memory at the end is exactly its empty self plus its guests: no claim is left anywhere. */
  private static void assertNoClaimLeft(RunResult r, Map<String, Long> emptyUsed, Map<String, Long> memoryOf) {
    Map<String, Long> expected = new TreeMap<>(emptyUsed);
    for (GuestResult g : r.guests()) {
      if (g.nodeEnd() != null) {
        expected.merge(g.nodeEnd(), g.memoryBytes() + OVERHEAD, Long::sum);
      }
    }
    for (NodeResult n : r.nodes()) {
      assertEquals(expected.get(n.name()), n.memoryUsedBytesEnd(), () -> n.name() + " holds a claim: " + n);
      assertTrue(n.memoryUsedBytesEnd() <= memoryOf.get(n.name()));
    }
  }

  @ParameterizedTest(name = "loss {0}, duplicate {1}, reorder {2}")
  @CsvSource({"0.2, 0, false", "0.5, 0, false", "0, 0.5, true", "0.3, 0.3, true", "0.5, 0.5, true"})
  void everyGuestIsPlacedOnceOrToldWhyAndNoClaimIsLeft(double loss, double duplicate, boolean reorder)
      throws Exception {
    RunResult empty = run(pool(1, "", "{ prefix = \"x-\", count = 1, memory = 1GiB, node = a }"));
    Map<String, Long> emptyUsed = new TreeMap<>();
    Map<String, Long> memoryOf = new TreeMap<>();
    for (NodeResult n : empty.nodes()) {
      emptyUsed.put(n.name(), n.memoryUsedBytesEnd() - (n.name().equals("a") ? GIB + OVERHEAD : 0));
      memoryOf.put(n.name(), n.memoryBytes());
    }
    RunResult clean = run(pool(1, "", GUESTS));
    assertTrue(clean.guests().stream().allMatch(g -> g.stateEnd() == GuestState.RUNNING), "all fit without faults");
    int placed = 0;
    for (long seed = 1; seed <= 12; seed++) {
      RunResult r = run(pool(seed, faults(loss, duplicate, reorder), GUESTS));
      assertEquals(20, r.guests().size());
      for (GuestResult g : r.guests()) {
        if (g.stateEnd() == GuestState.RUNNING) {
          assertNotNull(g.nodeStart(), g::toString);
          assertEquals(g.nodeStart(), g.nodeEnd());
          placed++;
        } else {
          assertEquals(GuestState.NOT_STARTED, g.stateEnd(), g::toString);
          assertNull(g.nodeEnd());
          assertFalse(g.reason() == null || g.reason().isBlank(), g::toString);
        }
      }
      // Placed exactly once: the nodes run as many domains as there are running guests.
      assertEquals(r.guests().stream().filter(g -> g.stateEnd() == GuestState.RUNNING).count(),
          r.nodes().stream().mapToInt(NodeResult::guestsEnd).sum(), "one domain per placed guest");
      assertNoClaimLeft(r, emptyUsed, memoryOf);
    }
    assertTrue(placed >= 12 * 20 * 9 / 10, "nearly all placed: " + placed);
  }

  // ---- migrations ----

  /**
   * Six migrations at once, each between its own two nodes (PV and HVM; every algorithm; the three stop
   * rules), so that no two share a NIC: a migration's times depend on its own messages only.
   */
  private static String migrations(long seed, String faults) {
    return """
        domsim {
          simulation { duration = 40m, seed = %d }
          %s
          node-defaults { cpu { cores = 8 }, memory = 16GiB, nic = 1Gbps, dom0 { vcpus = 1, memory = 2GiB } }
          node-groups = [ { prefix = "n", count = 12 } ]
          guest-defaults { memory = 512MiB, workload { cpu = 0.5, dirty-rate = 5000, working-set = 128MiB,
              variability = 0 } }
          guests = [ { name = pv1, node = n1 }, { name = hvm1, type = hvm, node = n2 }, { name = pv2, node = n3 },
              { name = hvm2, type = hvm, node = n4 }, { name = pc, node = n5 }, { name = sc, type = hvm, node = n6 } ]
          scenario = [
            { at = 10s, action = migrate, guest = pv1, to = n7 }
            { at = 10s, action = migrate, guest = hvm1, to = n8 }
            { at = 10s, action = migrate, guest = pv2, to = n9, policy = xen-legacy }
            { at = 10s, action = migrate, guest = hvm2, to = n10, policy = qemu }
            { at = 10s, action = migrate, guest = pc, to = n11, algorithm = post-copy }
            { at = 10s, action = migrate, guest = sc, to = n12, algorithm = stop-and-copy }
          ]
        }
        """.formatted(seed, faults);
  }

  @ParameterizedTest(name = "loss {0}")
  @CsvSource({"0.2", "0.5"})
  void migrationsCompleteLaterWithTheGuestRunningOnce(double loss) throws Exception {
    int later = 0;
    for (long seed = 1; seed <= 6; seed++) {
      RunResult clean = run(migrations(seed, ""));
      RunResult r = run(migrations(seed, faults(loss, 0.5, true)));
      assertEquals(6, r.migrations().size(), "one record per request");
      for (int i = 0; i < 6; i++) {
        MigrationResult m = r.migrations().get(i);
        MigrationResult c = clean.migrations().get(i);
        assertEquals(MigrationOutcome.COMPLETED, c.outcome(), c::toString);
        assertEquals(MigrationOutcome.COMPLETED, m.outcome(), () -> "seed " + r.seed() + ": " + m);
        assertTrue(m.finishedAtS() >= c.finishedAtS() - 1e-9, () -> "never sooner: " + m + " vs " + c);
        if (m.finishedAtS() > c.finishedAtS() + 0.1) {
          later++;
        }
      }
      for (GuestResult g : r.guests()) {
        MigrationResult m = r.migrations().stream().filter(x -> x.guest().equals(g.name())).findFirst().orElseThrow();
        assertEquals(GuestState.RUNNING, g.stateEnd(), g::toString);
        assertEquals(m.to(), g.nodeEnd(), g::toString);
      }
      // Each node runs exactly the guests that ended there, with the memory it has without faults: no copy
      // left behind, none lost, no claim kept.
      for (NodeResult n : r.nodes()) {
        long here = r.guests().stream().filter(g -> n.name().equals(g.nodeEnd())).count();
        assertEquals(here, n.guestsEnd(), n::toString);
        long withoutFaults = clean.nodes().stream().filter(x -> x.name().equals(n.name())).findFirst().orElseThrow()
            .memoryUsedBytesEnd();
        assertEquals(withoutFaults, n.memoryUsedBytesEnd(), n::toString);
      }
    }
    assertTrue(later >= 6, "lost control messages wait for retransmission: " + later + " migrations later");
  }

  @Test
  void partitionsOnALossyNetworkEndEachMigrationOnceWithNothingLeftBehind() throws Exception {
    long emptyUsed = run(migrations(1, "")).nodes().get(0).memoryUsedBytesEnd(); // n1: its guest left
    Map<MigrationOutcome, Integer> outcomes = new TreeMap<>();
    for (long seed = 1; seed <= 6; seed++) {
      // Each destination is cut off for 8 s at another moment of its migration; a 5 s timeout aborts
      // those cut before GO.
      StringBuilder cuts = new StringBuilder();
      for (int i = 7; i <= 12; i++) {
        cuts.append(String.format(Locale.ROOT, ", { at = %.3fs, action = partition, node = n%d, duration = 8s }",
            10 + (i - 6) * 1.7 + seed * 0.31, i));
      }
      String text = migrations(seed, faults(0.3, 0.3, true) + "\nmigration.timeout = 5s")
          .replace("algorithm = stop-and-copy }", "algorithm = stop-and-copy }" + cuts);
      RunResult r = run(text);
      for (GuestResult g : r.guests()) {
        MigrationResult m = r.migrations().stream().filter(x -> x.guest().equals(g.name())).findFirst().orElseThrow();
        assertEquals(GuestState.RUNNING, g.stateEnd(), g::toString);
        String expected = m.outcome() == MigrationOutcome.COMPLETED ? m.to() : m.from();
        assertTrue(m.outcome() == MigrationOutcome.COMPLETED || m.outcome() == MigrationOutcome.ABORTED, m::toString);
        assertEquals(expected, g.nodeEnd(), () -> g + " after " + m);
        outcomes.merge(m.outcome(), 1, Integer::sum);
      }
      for (NodeResult n : r.nodes()) {
        long expected = emptyUsed + r.guests().stream().filter(g -> n.name().equals(g.nodeEnd()))
            .mapToLong(g -> g.memoryBytes() + OVERHEAD).sum();
        assertEquals(expected, n.memoryUsedBytesEnd(), () -> "no copy or claim left: " + n);
      }
    }
    assertTrue(outcomes.getOrDefault(MigrationOutcome.COMPLETED, 0) > 0
        && outcomes.getOrDefault(MigrationOutcome.ABORTED, 0) > 0, "both ends are exercised: " + outcomes);
  }

  // ---- determinism ----

  @Test
  void theSameSeedGivesTheSameRunAndAnotherSeedAnother() throws Exception {
    String f = faults(0.3, 0.3, true);
    RunResult a = run(migrations(3, f).replace("guests = [", "guest-groups = [ { prefix = \"u-\", count = 8 } ]\n"
        + "guests = ["));
    RunResult b = run(migrations(3, f).replace("guests = [", "guest-groups = [ { prefix = \"u-\", count = 8 } ]\n"
        + "guests = ["));
    assertEquals(a, b);
    RunResult c = run(migrations(4, f).replace("guests = [", "guest-groups = [ { prefix = \"u-\", count = 8 } ]\n"
        + "guests = ["));
    assertNotEquals(a.simulatedEvents(), c.simulatedEvents());
  }
}
