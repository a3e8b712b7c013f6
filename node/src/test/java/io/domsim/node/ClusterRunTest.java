package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestType;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.CostSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whole runs of a small cluster through {@link ClusterRun}: guests, meters, node failure, invariants. */
@Timeout(120)
class ClusterRunTest {
  static final long GIB = 1L << 30;
  static final double SECONDS = 60;
  static final List<String> NODES = List.of("alpha", "beta", "gamma");
  static final List<String> METERS = List.of(NodeMeters.CPU, NodeMeters.DOM0_CPU, NodeMeters.MEMORY_USED,
      NodeMeters.POWER, NodeMeters.GUESTS, NodeMeters.HYPERCALLS, NodeMeters.VM_EXITS, NodeMeters.ENERGY,
      NodeMeters.UP);

  /**
   * Three 16 GiB nodes (2 GiB Dom0 each), gamma without VT-x; first-fit. Pinned guests start first
   * (db-1 on beta, batch-1 on gamma), then the pool master places the rest in order: web-1 and app-1
   * on alpha, web-2 on beta (alpha has about 4 GiB left), and huge-1 nowhere.
   */
  static String config(String scenario) {
    return """
        domsim {
          simulation { duration = 60s, seed = 11, sample-interval = 1s }
          network { latency = 100us }
          node-defaults {
            cpu { cores = 8, ghz = 2.5 }
            memory = 16GiB
            power { idle = 100W, max = 250W }
            dom0 { vcpus = 2, memory = 2GiB }
          }
          nodes = [
            { name = alpha }
            { name = beta }
            { name = gamma, cpu { hvm-support = false } }
          ]
          scheduler { placement = first-fit }
          guests = [
            { name = web-1, type = pv, vcpus = 2, memory = 4GiB, workload { cpu = 0.5, io-rate = 200 } }
            { name = db-1, type = hvm, vcpus = 2, memory = 8GiB, node = beta, workload { cpu = 0.7, io-rate = 500 } }
            { name = batch-1, type = pv, vcpus = 4, memory = 8GiB, node = gamma, workload { cpu = 1.0 } }
            { name = app-1, type = hvm, vcpus = 2, memory = 6GiB, workload { cpu = 0.4, io-rate = 100 } }
            { name = web-2, type = pv, vcpus = 1, memory = 5GiB, workload { cpu = 0.3, io-rate = 50 } }
            { name = huge-1, type = pv, memory = 12GiB }
          ]
          scenario = [ %s ]
        }
        """.formatted(scenario);
  }

  static final Map<String, String> PLACEMENT = Map.of(
      "web-1", "alpha", "db-1", "beta", "batch-1", "gamma", "app-1", "alpha", "web-2", "beta");

  /** A run and what its meters showed at its last instant, before the actor system went away. */
  record Run(ClusterSpec spec, RunResult result, SimpleMeterRegistry registry, Map<String, Map<String, Double>> last) {
    RunResult.NodeResult node(String name) {
      return result.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    RunResult.GuestResult guest(String name) {
      return result.guests().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    double counter(String meter, String node) {
      Counter c = registry.find(meter).tag("node", node).counter();
      assertNotNull(c, meter + " for " + node);
      return c.count();
    }
  }

  static Run run(String scenario) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(config(scenario), "test.conf", List.of(), Plugins.onClassPath());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    long end = (long) (SECONDS * 1e9);
    Map<String, Map<String, Double>> last = new TreeMap<>();
    RunResult result = ClusterRun.run(spec, registry, t -> {
      if (t >= end) {
        // The last call comes after the run reached its end, while the nodes (and their gauges) still exist.
        for (String meter : METERS) {
          for (Meter m : registry.find(meter).meters()) {
            double v = m instanceof Gauge g ? g.value() : ((Counter) m).count();
            last.computeIfAbsent(m.getId().getTag("node"), k -> new TreeMap<>()).put(meter, v);
          }
        }
      }
    });
    Run run = new Run(spec, result, registry, last);
    checkInvariants(run);
    return run;
  }

  /** What must hold after every scenario. */
  static void checkInvariants(Run run) {
    ClusterSpec spec = run.spec();
    RunResult r = run.result();
    long overhead = CostSettings.from(spec.settings()).domainOverheadBytes();
    assertEquals(spec.nodes().stream().map(NodeSpec::name).toList(),
        r.nodes().stream().map(RunResult.NodeResult::name).toList(), "nodes in configuration order");
    assertEquals(spec.guests().size(), r.guests().size());
    Set<String> names = new HashSet<>();
    for (RunResult.GuestResult g : r.guests()) {
      assertTrue(names.add(g.name()), "guest " + g.name() + " reported twice");
    }
    Map<String, RunResult.NodeResult> nodes = new HashMap<>();
    r.nodes().forEach(n -> nodes.put(n.name(), n));
    for (RunResult.NodeResult n : r.nodes()) {
      assertTrue(n.memoryUsedBytesEnd() <= n.memoryBytes(), n.name() + " uses more memory than it has: " + n);
      List<RunResult.GuestResult> here = r.guests().stream().filter(g -> n.name().equals(g.nodeEnd())).toList();
      if (n.failed()) {
        assertEquals(List.of(), here, "no guest ends on failed " + n.name());
        assertEquals(0, n.guestsEnd());
        continue;
      }
      assertEquals(here.size(), n.guestsEnd(), n.name() + " guests: " + here);
      NodeSpec ns = spec.node(n.name()).orElseThrow();
      long expected = ns.dom0().memoryBytes() + overhead
          + here.stream().mapToLong(g -> g.memoryBytes() + overhead).sum();
      assertEquals(expected, n.memoryUsedBytesEnd(), n.name() + " memory: Dom0 plus its guests' footprints");
      for (RunResult.GuestResult g : here) {
        assertTrue(g.type() != GuestType.HVM || n.hvmSupport(), g.name() + " is HVM on " + n.name());
      }
    }
    for (RunResult.GuestResult g : r.guests()) {
      switch (g.stateEnd()) {
        case RUNNING, PAUSED -> {
          assertNotNull(g.nodeEnd(), g.toString());
          assertFalse(nodes.get(g.nodeEnd()).failed(), g.toString());
        }
        case LOST -> {
          assertNull(g.nodeEnd(), g.toString());
          assertNotNull(g.nodeStart(), g.toString());
          RunResult.NodeResult start = nodes.get(g.nodeStart());
          // Lost with the node it started on, or with one it migrated to.
          assertTrue(start.failed() || start.outages() != null
              || r.migrations().stream().anyMatch(m -> m.guest().equals(g.name())), g.toString());
          assertNotNull(g.reason(), g.toString());
        }
        case NOT_STARTED -> {
          assertNull(g.nodeEnd(), g.toString());
          assertNull(g.nodeStart(), g.toString());
          assertNotNull(g.reason(), "a guest that never started says why: " + g);
        }
      }
    }
  }

  /**
   * The report rounds its count, the meters count whole events (the fraction carried): up to one apart; plus
   * what the meters have not seen of the last, partial period.
   */
  static double tolerance(Run run, double total) {
    double interval = run.spec().simulation().sampleInterval().toNanos() / 1e9;
    double partial = run.result().simulatedSeconds() % interval;
    return 1 + 1e-6 + total / run.result().simulatedSeconds() * partial;
  }

  @Test
  void guestsRunWhereThePoolMasterAndThePinsPutThem() throws Exception {
    Run run = run("");
    RunResult r = run.result();
    assertEquals(SECONDS, r.simulatedSeconds());
    assertEquals(11, r.seed());
    for (Map.Entry<String, String> e : new TreeMap<>(PLACEMENT).entrySet()) {
      RunResult.GuestResult g = run.guest(e.getKey());
      assertEquals(e.getValue(), g.nodeStart(), g.toString());
      assertEquals(e.getValue(), g.nodeEnd(), g.toString());
      assertEquals(RunResult.GuestState.RUNNING, g.stateEnd(), g.toString());
      assertNull(g.reason(), g.toString());
      assertTrue(g.cpuSeconds() > 0 && g.usefulCpuSeconds() > 0, g.toString());
      assertTrue(g.usefulCpuSeconds() <= g.cpuSeconds(), g.toString());
      assertTrue(g.cpuSeconds() <= g.vcpus() * SECONDS, g.toString());
      if (g.type() == GuestType.PV) {
        assertTrue(g.hypercalls() > 0, g.toString());
        assertEquals(0, g.vmExits(), g.toString());
      } else {
        assertEquals(GuestType.HVM, g.type());
        assertTrue(g.vmExits() > 0, g.toString());
        assertEquals(0, g.hypercalls(), g.toString());
      }
    }
    // web-1: 2 vCPUs half busy for 60 s, plus a little virtualization overhead.
    assertEquals(60, run.guest("web-1").cpuSeconds(), 10);
    // batch-1: 4 vCPUs always busy.
    assertEquals(240, run.guest("batch-1").cpuSeconds(), 25);
    RunResult.GuestResult huge = run.guest("huge-1");
    assertEquals(RunResult.GuestState.NOT_STARTED, huge.stateEnd());
    assertTrue(huge.reason().contains("huge-1") && huge.reason().contains("on gamma"), huge.reason());
    assertEquals(List.of(2, 2, 1), r.nodes().stream().map(RunResult.NodeResult::guestsEnd).toList());
    assertEquals(List.of(false, false, false), r.nodes().stream().map(RunResult.NodeResult::failed).toList());
    assertEquals(0, run.node("gamma").vmExits(), "gamma runs no HVM guest");
    for (RunResult.NodeResult n : r.nodes()) {
      assertTrue(n.cpuUtilizationAvg() > 0 && n.cpuUtilizationAvg() <= 1, n.toString());
      assertTrue(n.powerWattsAvg() >= 100 && n.powerWattsAvg() <= 250, n.toString());
      assertEquals(n.powerWattsAvg() * SECONDS, n.energyJoules(), 1e-6 * n.energyJoules(), n.toString());
    }
  }

  @Test
  void nodeMetersCarryTheirNamesAndNodeTagsAndAgreeWithTheReport() throws Exception {
    Run run = run("");
    for (String meter : METERS) {
      Set<String> tags = run.registry().find(meter).meters().stream().map(m -> m.getId().getTag("node"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(new TreeSet<>(NODES), tags, meter);
      assertEquals(3, run.registry().find(meter).meters().size(), meter);
    }
    assertEquals(Set.of(NODES.toArray()), run.last().keySet(), "gauges read at the end: " + run.last());
    for (String n : NODES) {
      RunResult.NodeResult node = run.node(n);
      Map<String, Double> end = run.last().get(n);
      double hypercalls = run.counter(NodeMeters.HYPERCALLS, n);
      assertTrue(node.hypercalls() > 1000, node.toString());
      assertEquals(node.hypercalls(), hypercalls, tolerance(run, node.hypercalls()), n + " hypercalls");
      assertEquals(node.vmExits(), run.counter(NodeMeters.VM_EXITS, n), tolerance(run, node.vmExits()),
          n + " vm exits");
      assertEquals(node.energyJoules(), run.counter(NodeMeters.ENERGY, n), 1e-6 * node.energyJoules(), n + " energy");
      assertEquals(node.memoryUsedBytesEnd(), end.get(NodeMeters.MEMORY_USED), 0.5, n + " memory used");
      assertEquals(node.guestsEnd(), end.get(NodeMeters.GUESTS), 0, n + " guests");
      double cpu = end.get(NodeMeters.CPU);
      assertTrue(cpu > 0 && cpu <= 1, n + " cpu " + cpu);
      double dom0 = end.get(NodeMeters.DOM0_CPU);
      assertTrue(dom0 > 0 && dom0 <= 1, n + " dom0 cpu " + dom0);
      double watts = end.get(NodeMeters.POWER);
      assertTrue(watts >= 100 && watts <= 250, n + " power " + watts);
      // The gauge shows the last period: the same linear power model as the report's average.
      assertEquals(100 + 150 * cpu, watts, 1e-6, n + " power at the last period's utilization");
    }
    assertEquals(0, run.counter(NodeMeters.VM_EXITS, "gamma"));
    assertTrue(run.counter(NodeMeters.VM_EXITS, "alpha") > 0);
  }

  static final String FAIL_BETA = "{ at = 20s, action = fail, node = beta }";

  @Test
  void aFailedNodeLosesItsGuestsWhileTheOthersKeepRunning() throws Exception {
    Run base = run("");
    Run run = run(FAIL_BETA);
    assertEquals(List.of(false, true, false), run.result().nodes().stream().map(RunResult.NodeResult::failed).toList());
    for (String g : List.of("db-1", "web-2")) {
      RunResult.GuestResult lost = run.guest(g);
      assertEquals(RunResult.GuestState.LOST, lost.stateEnd(), lost.toString());
      assertNull(lost.nodeEnd(), lost.toString());
      assertEquals("beta", lost.nodeStart(), lost.toString());
      assertTrue(lost.reason().contains("failed"), lost.toString());
    }
    RunResult.NodeResult beta = run.node("beta");
    assertEquals(0, beta.guestsEnd());
    assertEquals(0, beta.memoryUsedBytesEnd());
    // Nothing on alpha or gamma depends on beta once placement is done: their figures are those of the run
    // without the failure, to the last bit.
    for (String g : List.of("web-1", "app-1", "batch-1")) {
      assertEquals(RunResult.GuestState.RUNNING, run.guest(g).stateEnd());
      assertEquals(base.guest(g), run.guest(g), g);
    }
    assertEquals(base.node("alpha"), run.node("alpha"));
    assertEquals(base.node("gamma"), run.node("gamma"));
    assertEquals(base.result().guests().get(5), run.result().guests().get(5), "huge-1 is refused alike");
    // beta's meters stopped with it: at most 20 samples' worth.
    assertTrue(run.counter(NodeMeters.ENERGY, "beta") < 0.5 * base.counter(NodeMeters.ENERGY, "beta"));
  }

  @Test
    void aFailedNodeStopsAccumulatingAtItsCrash() throws Exception {
    Run base = run("");
    Run run = run(FAIL_BETA);
    RunResult.NodeResult beta = run.node("beta");
    assertEquals(beta.hypercalls(), run.counter(NodeMeters.HYPERCALLS, "beta"), tolerance(run, beta.hypercalls()),
        "beta's report and meters should agree on hypercalls");
    assertEquals(beta.energyJoules(), run.counter(NodeMeters.ENERGY, "beta"), 1e-6 * beta.energyJoules(),
        "beta's report and meters should agree on energy");
    for (String g : List.of("db-1", "web-2")) {
      double ranFor = run.guest(g).cpuSeconds();
      double wholeRun = base.guest(g).cpuSeconds();
      assertTrue(ranFor < 0.5 * wholeRun, g + " ran 20 s of 60 but got " + ranFor + " of " + wholeRun + " cpu-s");
    }
  }

  @Test
    void aFailedNodesGaugesAgreeWithTheReport() throws Exception {
    Run run = run(FAIL_BETA);
    RunResult.NodeResult beta = run.node("beta");
    Map<String, Double> end = run.last().get("beta");
    assertEquals(beta.guestsEnd(), end.get(NodeMeters.GUESTS), 0, "beta guests gauge");
    assertEquals(beta.memoryUsedBytesEnd(), end.get(NodeMeters.MEMORY_USED), 0.5, "beta memory gauge");
  }

  @Test
    void aNodeFailingBeforePlacementDoesNotBlockTheOthers() throws Exception {
    Run run = run("{ at = 0s, action = fail, node = gamma }");
    assertEquals(RunResult.GuestState.LOST, run.guest("batch-1").stateEnd());
    assertEquals("alpha", run.guest("web-1").nodeEnd());
    assertEquals("alpha", run.guest("app-1").nodeEnd());
    assertEquals("beta", run.guest("web-2").nodeEnd());
    assertEquals("beta", run.guest("db-1").nodeEnd());
    assertEquals(RunResult.GuestState.NOT_STARTED, run.guest("huge-1").stateEnd());
  }

  @Test
  void theSameConfigAndSeedGiveTheSameResult() throws Exception {
    assertEquals(run(FAIL_BETA).result(), run(FAIL_BETA).result());
  }

  // ---- recovery ----

  /** beta fails at 20 s with db-1 (HVM) and web-2 (PV), boots again at 30 s, and takes web-1 and app-1. */
  static final String FAIL_RECOVER_BETA = FAIL_BETA + ",\n" + """
       { at = 30s, action = recover, node = beta }
       { at = 35s, action = migrate, guest = web-1, to = beta }
       { at = 40s, action = migrate, guest = app-1, to = beta }""";

  @Test
  void aRecoveredNodeBootsEmptyAndPvAndHvmGuestsMigrateToItAndRun() throws Exception {
    Run run = run(FAIL_RECOVER_BETA);
    RunResult.NodeResult beta = run.node("beta");
    assertFalse(beta.failed(), "beta runs at the end");
    assertEquals(List.of(new RunResult.Outage(20, 30.0)), beta.outages());
    assertNull(run.node("alpha").outages());
    for (String g : List.of("db-1", "web-2")) {
      RunResult.GuestResult lost = run.guest(g);
      assertEquals(RunResult.GuestState.LOST, lost.stateEnd(), lost.toString());
      assertEquals("its node failed", lost.reason(), "booting again does not bring " + g + " back");
    }
    List<RunResult.MigrationResult> migrations = run.result().migrations();
    assertEquals(2, migrations.size());
    for (RunResult.MigrationResult m : migrations) {
      assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(), m.toString());
      assertEquals(0L, m.pagesMissingAtDestination() == null ? 0L : m.pagesMissingAtDestination());
    }
    assertEquals(List.of(GuestType.PV, GuestType.HVM), migrations.stream().map(RunResult.MigrationResult::type).toList());
    for (String g : List.of("web-1", "app-1")) {
      RunResult.GuestResult moved = run.guest(g);
      assertEquals(RunResult.GuestState.RUNNING, moved.stateEnd(), moved.toString());
      assertEquals("beta", moved.nodeEnd(), moved.toString());
    }
    // Running on beta after the move: the HVM guest takes VM exits there, the PV guest makes hypercalls.
    assertTrue(beta.vmExits() > 0, beta.toString());
    assertEquals(2, beta.guestsEnd());
    assertEquals(1.0, run.last().get("beta").get(NodeMeters.UP));
    assertEquals(2.0, run.last().get("beta").get(NodeMeters.GUESTS));
    assertEquals(beta.memoryUsedBytesEnd(), run.last().get("beta").get(NodeMeters.MEMORY_USED), 0.5);
    assertTrue(run.last().get("beta").get(NodeMeters.POWER) > 100, "beta draws power again");
  }

  @Test
  void aRecoveredNodesTotalsCoverTheWholeRunWithNothingWhileItWasDown() throws Exception {
    Run failed = run(FAIL_BETA);
    Run recovered = run(FAIL_BETA + ", { at = 30s, action = recover, node = beta }");
    RunResult.NodeResult down = failed.node("beta");
    RunResult.NodeResult back = recovered.node("beta");
    assertEquals(0, back.guestsEnd());
    NodeSpec spec = recovered.spec().node("beta").orElseThrow();
    long dom0Only = spec.dom0().memoryBytes() + CostSettings.from(recovered.spec().settings()).domainOverheadBytes();
    assertEquals(dom0Only, back.memoryUsedBytesEnd(), "Dom0 alone after the boot");
    // Up to 30 s both runs are the same; from 30 s to 60 s the recovered beta runs Dom0 alone.
    double after = back.energyJoules() - down.energyJoules();
    double dom0Cores = (back.dom0CpuUtilizationAvg() - down.dom0CpuUtilizationAvg()) * SECONDS * 2 / 30;
    assertTrue(dom0Cores > 0 && dom0Cores < 2, "Dom0 ran again, on its 2 vCPUs: " + dom0Cores);
    double expectedWatts = 100 + 150 * dom0Cores / 8; // idle plus Dom0's share of the 8 cores
    assertEquals(expectedWatts * 30, after, 1e-6 * after, "30 s at idle power plus Dom0's load");
    assertEquals(back.energyJoules() / SECONDS, back.powerWattsAvg(), 1e-9, "averaged over the whole run");
    assertEquals(back.energyJoules(), recovered.counter(NodeMeters.ENERGY, "beta"), 1e-6 * back.energyJoules(),
        "the energy meter goes on from the crash too");
    assertEquals(back.hypercalls(), recovered.counter(NodeMeters.HYPERCALLS, "beta"),
        tolerance(recovered, back.hypercalls()));
    assertEquals(0.0, failed.last().get("beta").get(NodeMeters.UP));
    assertEquals(1.0, recovered.last().get("beta").get(NodeMeters.UP));
    // Nothing else changes: the other nodes and their guests are those of the run where beta stays down.
    assertEquals(failed.node("alpha"), recovered.node("alpha"));
    assertEquals(failed.node("gamma"), recovered.node("gamma"));
    assertEquals(failed.result().guests(), recovered.result().guests());
  }

  @Test
  void aNodeFailsAndRecoversTwice() throws Exception {
    Run run = run(FAIL_BETA + ",\n" + """
        { at = 30s, action = recover, node = beta }
        { at = 35s, action = migrate, guest = web-1, to = beta }
        { at = 45s, action = fail, node = beta }
        { at = 50s, action = recover, node = beta }""");
    RunResult.NodeResult beta = run.node("beta");
    assertEquals(List.of(new RunResult.Outage(20, 30.0), new RunResult.Outage(45, 50.0)), beta.outages());
    assertEquals(RunResult.GuestState.LOST, run.guest("web-1").stateEnd(), "lost in beta's second crash");
    assertEquals("its node failed", run.guest("web-1").reason());
    assertEquals(0, beta.guestsEnd());
  }

  @Test
  void theSameConfigAndSeedGiveTheSameResultWithARecovery() throws Exception {
    assertEquals(run(FAIL_RECOVER_BETA).result(), run(FAIL_RECOVER_BETA).result());
  }

  // A node that boots again within a network latency of its crash: the others have not heard of the crash
  // yet, and messages of its earlier life are still in flight (the latency is 100 µs).

  @Test
  void aRequestSentToTheCrashedLifeDoesNotReachTheNewOne() throws Exception {
    Run run = run("""
        { at = 10s, action = migrate, guest = web-1, to = beta }
        { at = 10000050us, action = fail, node = beta }
        { at = 10000060us, action = recover, node = beta }""");
    RunResult.MigrationResult m = run.result().migrations().get(0);
    assertEquals(RunResult.MigrationOutcome.ABORTED, m.outcome(), m.toString());
    assertTrue(m.reason().contains("beta"), m.toString());
    assertEquals("alpha", run.guest("web-1").nodeEnd(), "the guest stays where it ran");
    assertEquals(RunResult.GuestState.RUNNING, run.guest("web-1").stateEnd());
    assertEquals(0, run.node("beta").guestsEnd(), "beta's new life built no copy for the old request");
  }

  @Test
  void aMigrationAskedRightAfterTheBootOutlivesTheNewsOfTheCrash() throws Exception {
    Run run = run("""
        { at = 10s, action = fail, node = beta }
        { at = 10000020us, action = recover, node = beta }
        { at = 10000030us, action = migrate, guest = web-1, to = beta }""");
    RunResult.MigrationResult m = run.result().migrations().get(0);
    assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(), m.toString());
    assertEquals("beta", run.guest("web-1").nodeEnd());
    assertEquals(1, run.node("beta").guestsEnd());
  }

  /**
   * A stop supersedes the run's horizon on the simulation thread, which may happen before stop() has stored the new
   * end: awaitEnd then sees the old end failed ("superseded by a new horizon") and must wait for the new one, not
   * fail (found by ConsoleIT and PrometheusIT in CI, a race). Many stops from another thread while the run is
   * awaited, on the real clock, whose loop waits idle for the next timer and so supersedes at once.
   */
  @Test
  void aStopRightAfterTheStartEndsTheRunWithItsReportEveryTime() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(config("").replace("duration = 60s", "duration = 365d, clock = real, speed = 1"),
        "test.conf", List.of(), Plugins.onClassPath());
    for (int i = 0; i < 30; i++) {
      try (ClusterRun run = ClusterRun.start(spec, null)) {
        // From another thread while awaitEnd waits on the first end, as the console's stop comes.
        Thread stopper = new Thread(() -> {
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          run.stop();
        });
        stopper.start();
        RunResult r = run.awaitEnd(t -> { });
        stopper.join();
        assertTrue(r.simulatedSeconds() < 365 * 86_400, "stopped early: " + r.simulatedSeconds());
      }
    }
  }
}
