package io.domsim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The public format by example (a verbatim copy of the contract) must parse, unchanged, into this model. */
class ContractConfigTest {

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;

  private static Path contract;
  private static ClusterSpec spec;

  @BeforeAll
  static void load() throws ConfigProblems, URISyntaxException {
    contract = Path.of(ContractConfigTest.class.getResource("/contract-cluster.conf").toURI());
    spec = ClusterConfigLoader.load(contract, List.of(), BuiltInNames.CATALOG);
  }

  @Test
  void theShippedExampleIsTheContractVerbatim() throws IOException {
    // Surefire runs in the module directory; the example lives at the project root.
    assertEquals(Files.readString(contract), Files.readString(Path.of("../examples/cluster.conf")));
  }

  @Test
  void theShippedExampleLoads() throws ConfigProblems {
    assertEquals(44, ClusterConfigLoader.load(Path.of("../examples/cluster.conf"), List.of(), BuiltInNames.CATALOG).nodes().size());
  }

  @Test
  void simulationNetworkSchedulerMigrationAndMetrics() {
    assertEquals(new SimulationSpec(ClockMode.VIRTUAL, 1.0, Duration.ofMinutes(10), 42, Duration.ofSeconds(1)),
        spec.simulation());
    assertEquals(Duration.ofNanos(100_000), spec.network().latency());
    assertEquals("best-fit", spec.scheduler().placement());
    assertEquals(new ConsolidationSpec("none", OptionalDouble.empty(), "mmt", "pabfd", false, Duration.ofMinutes(5)),
        spec.scheduler().consolidation());
    assertEquals(new MigrationSpec("pre-copy", "xen", Duration.ofMillis(300), false, OptionalLong.of(0),
        Duration.ofMillis(924600)),
        spec.migration());
    assertEquals(new MetricsSpec.PrometheusSpec(false, "127.0.0.1", 9464), spec.metrics().prometheus());
    assertEquals(contract.toString(), spec.source());
  }

  @Test
  void nodesComeFirstThenTheExpandedGroupInOrder() {
    List<String> expected = new java.util.ArrayList<>(List.of("node-1", "node-2", "node-3", "legacy-1"));
    IntStream.rangeClosed(1, 40).forEach(i -> expected.add("rack-a-" + i));
    assertEquals(expected, spec.nodes().stream().map(NodeSpec::name).toList());
  }

  @Test
  void aNodeEntryOverridesOnlyWhatItSays() {
    NodeSpec defaults = spec.node("node-1").orElseThrow();
    assertEquals(new NodeSpec("node-1", 16, 2.4, true, 128 * GIB, 10_000_000_000L,
        new PowerSpec(PowerCurve.linear(120, 300), 5, Duration.ofMinutes(3), Duration.ofSeconds(30)),
        new Dom0Spec(2, 4 * GIB, 256)), defaults);

    NodeSpec node3 = spec.node("node-3").orElseThrow();
    assertEquals(64 * GIB, node3.memoryBytes());
    assertEquals(16, node3.cores());

    // cpu { hvm-support = false } merges into the default cpu object: cores and ghz stay.
    NodeSpec legacy = spec.node("legacy-1").orElseThrow();
    assertFalse(legacy.hvmSupport());
    assertEquals(16, legacy.cores());
    assertEquals(2.4, legacy.ghz());
  }

  @Test
  void everyGroupNodeHasTheGroupsMemoryAndTheDefaultsElse() {
    List<NodeSpec> rack = spec.nodes().subList(4, 44);
    assertTrue(rack.stream().allMatch(n -> n.memoryBytes() == 256 * GIB && n.cores() == 16 && n.hvmSupport()
        && n.dom0().equals(new Dom0Spec(2, 4 * GIB, 256))), rack.toString());
    assertEquals("rack-a-40", rack.get(39).name());
  }

  @Test
  void guests() {
    assertEquals(List.of("web-1", "db-1", "batch-1"), spec.guests().stream().map(GuestSpec::name).toList());
    assertEquals(new GuestSpec("web-1", GuestType.PV, 2, 4 * GIB, 256, Optional.empty(),
        new WorkloadSpec(0.5, 5000, 512 * MIB, 200, 0.1, Duration.ofSeconds(30))), spec.guest("web-1").orElseThrow());

    GuestSpec db = spec.guest("db-1").orElseThrow();
    assertEquals(8 * GIB, db.memoryBytes(), "memory = 8192 is MiB, as in xl.cfg");
    assertEquals(GuestType.HVM, db.type());
    assertEquals(Optional.of("node-2"), db.node());
    assertEquals(2 * GIB, db.workload().workingSetBytes());

    GuestSpec batch = spec.guest("batch-1").orElseThrow();
    assertEquals(16 * GIB, batch.memoryBytes());
    assertEquals(new WorkloadSpec(1.0, 0, 0, 0, 0.1, Duration.ofSeconds(30)), batch.workload());
  }

  @Test
  void theTwoScenarioMigrations() {
    assertEquals(List.of(
        new ScenarioAction.Migrate(Duration.ofSeconds(30), "web-1", "node-3", Optional.empty(), Optional.empty()),
        new ScenarioAction.Migrate(Duration.ofSeconds(60), "db-1", "node-1", Optional.empty(), Optional.empty())),
        spec.scenario());
  }

  @Test
  void settingsAreTheResolvedDomsimSubtreeWithEveryModulesDefaults() {
    assertEquals("best-fit", spec.settings().getString("scheduler.placement"));
    assertEquals(0.1, spec.settings().getDouble("guest-defaults.workload.variability"));
    // declared only by the test's stand-in for another module
    assertEquals(1, spec.settings().getInt("test-module.knob"));
  }
}
