package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.hypervisor.Observation;
import io.domsim.hypervisor.ObservationLog;
import io.domsim.hypervisor.ObservationLog.Entry;
import io.domsim.hypervisor.ObservationLog.Verdict;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The invariant monitor's facts of a real one-JVM run (PV and HVM guests, every algorithm, a destination and a
 * source failing mid-migration, a recovery, a destroy and a shutdown), split by node into the logs three
 * members would keep, merged and replayed: the same verdict as the live monitor, on any split; and with a fact
 * taken out (a GO the source never sent), the same violation from the merge as from the one JVM's order.
 */
@Timeout(120)
class MergedInvariantsTest {
  static final ClusterSpec SPEC = ReportBuilderTest.parse("""
      domsim {
        simulation { duration = 3m, seed = 7 }
        network.latency = 1ms
        node-defaults { cpu { cores = 8 }, memory = 16GiB, nic = 1Gbps, dom0 { vcpus = 1, memory = 1GiB } }
        nodes = [ { name = a }, { name = b }, { name = c }, { name = d }, { name = e } ]
        guests = [
          { name = pv1, type = pv, vcpus = 1, memory = 1GiB, node = a
            workload { cpu = 0.3, dirty-rate = 3000, working-set = 256MiB, io-rate = 100 } }
          { name = pv2, type = pv, vcpus = 1, memory = 1GiB, node = a
            workload { cpu = 0.5, dirty-rate = 3000, working-set = 256MiB, io-rate = 0 } }
          { name = pv3, type = pv, vcpus = 1, memory = 1GiB, node = c
            workload { cpu = 0.2, dirty-rate = 1000, working-set = 128MiB, io-rate = 50 } }
          { name = hvm1, type = hvm, vcpus = 2, memory = 1GiB, node = b
            workload { cpu = 0.6, dirty-rate = 20000, working-set = 512MiB, io-rate = 300 } }
          { name = hvm2, type = hvm, vcpus = 2, memory = 1GiB, node = b
            workload { cpu = 0.4, dirty-rate = 8000, working-set = 256MiB, io-rate = 200 } }
          { name = hvm3, type = hvm, vcpus = 2, memory = 1GiB, node = e
            workload { cpu = 0.4, dirty-rate = 8000, working-set = 256MiB, io-rate = 200 } }
        ]
        scenario = [
          { at = 5s, action = migrate, guest = pv1, to = b }
          { at = 5s, action = migrate, guest = hvm1, to = c, policy = qemu }
          { at = 30s, action = migrate, guest = hvm2, to = a, algorithm = post-copy }
          { at = 30s, action = migrate, guest = pv2, to = c, algorithm = stop-and-copy }
          { at = 60s, action = migrate, guest = pv3, to = d }
          { at = 62s, action = fail, node = d }
          { at = 80s, action = migrate, guest = hvm3, to = a }
          { at = 82s, action = fail, node = e }
          { at = 100s, action = recover, node = d }
          { at = 130s, action = migrate, guest = pv3, to = d }
          { at = 160s, action = destroy, guest = pv1 }
          { at = 165s, action = shutdown, guest = hvm1 }
        ]
      }
      """);

  private static RunResult result;
  private static InvariantMonitor live;
  private static List<Entry> recorded;

  @BeforeAll
  static void runOnce() throws Exception {
    AtomicReference<ObservationLog> log = new AtomicReference<>();
    AtomicReference<InvariantMonitor> monitor = new AtomicReference<>();
    try (ClusterRun run = ClusterRun.start(SPEC, null, null, ConfigFactory.empty(), system -> { }, kernel -> {
      log.set(ObservationLog.of(kernel));
      monitor.set(new InvariantMonitor(log.get()));
      return monitor.get();
    })) {
      result = run.awaitEnd(t -> { });
    }
    live = monitor.get();
    recorded = log.get().entries();
  }

  /** The nodes of each member, as members get them: round-robin in configuration order. */
  private static List<List<String>> roundRobin(int members) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < SPEC.nodes().size(); i++) {
      out.get(i % members).add(SPEC.nodes().get(i).name());
    }
    return out;
  }

  private static List<List<Entry>> split(List<Entry> stream, List<List<String>> members) {
    return members.stream()
        .map(nodes -> stream.stream().filter(e -> nodes.contains(e.observation().node())).toList())
        .toList();
  }

  private static void assertSameVerdict(Verdict expected, Verdict actual) {
    assertEquals(expected.checks(), actual.checks(), actual.describe());
    assertEquals(expected.holds(), actual.holds(), actual.describe());
    if (!expected.holds()) {
      assertEquals(expected.violation().invariant(), actual.violation().invariant());
      assertEquals(expected.violation().subject(), actual.violation().subject());
      assertEquals(expected.violation().atNanos(), actual.violation().atNanos());
      assertEquals(expected.violation().getMessage(), actual.violation().getMessage());
    }
  }

  @Test
  void theRunDidWhatItIsMeantToCheck() {
    Map<String, Long> outcomes = result.migrations().stream()
        .collect(Collectors.groupingBy(m -> m.algorithm() + "/" + m.outcome(), TreeMap::new, Collectors.counting()));
    for (MigrationResult m : result.migrations()) {
      assertTrue(m.outcome() != MigrationOutcome.IN_PROGRESS, m.toString());
    }
    assertTrue(outcomes.keySet().containsAll(List.of("post-copy/COMPLETED", "pre-copy/COMPLETED",
        "stop-and-copy/COMPLETED")), outcomes.toString());
    assertTrue(outcomes.keySet().stream().anyMatch(k -> k.endsWith("/FAILED") || k.endsWith("/ABORTED")),
        "a failure mid-migration: " + outcomes);
    assertEquals(live.checks(), recorded.size(), "every check is recorded");
    assertTrue(recorded.size() > 50, "facts: " + recorded.size());
  }

  @Test
  void theMergedLogsOfAnySplitHoldAsTheLiveMonitorDid() {
    Verdict oneJvm = new Verdict(live.checks(), null);
    assertSameVerdict(oneJvm, ObservationLog.replay(recorded));
    List<Entry> merged = ObservationLog.merge(split(recorded, roundRobin(3)));
    // Not the one JVM's order: within the boot's event and a failure's (whose cascade reaches the failed node and
    // the other end of its migration), the merge puts the nodes' facts in name order.
    assertFalse(merged.equals(recorded), "the merge reorders some facts of one event");
    assertSameVerdict(oneJvm, ObservationLog.replay(merged));
    for (int members : new int[] {1, 2, 5}) {
      assertEquals(merged, ObservationLog.merge(split(recorded, roundRobin(members))), members + " members");
    }
  }

  /** A GO taken out of the one JVM's facts: its destination runs the guest before GO, in either order. */
  @Test
  void aViolationInTheOneJvmStreamIsTheMergedStreamsToo() {
    int go = 0;
    while (!(recorded.get(go).observation() instanceof Observation.GoSent)) {
      go++;
    }
    List<Entry> broken = new ArrayList<>(recorded);
    broken.remove(go);
    Verdict oneJvm = ObservationLog.replay(broken);
    assertFalse(oneJvm.holds());
    assertEquals(InvariantMonitor.Invariant.NO_UNPAUSE_BEFORE_GO, oneJvm.violation().invariant(), oneJvm.describe());
    assertSameVerdict(oneJvm, ObservationLog.replay(ObservationLog.merge(split(broken, roundRobin(3)))));
  }
}
