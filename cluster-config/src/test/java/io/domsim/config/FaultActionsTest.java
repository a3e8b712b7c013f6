package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The scenario's link faults (partition, degrade-link) and migration.timeout, as the config reads them. */
class FaultActionsTest {

  private static String cluster(String scenario) {
    return """
        domsim {
          nodes = [ { name = a }, { name = b } ]
          scenario = [
        %s
          ]
        }
        """.formatted(scenario);
  }

  @Test
  void faultsAreReadWithTheirOptionalParts() throws ConfigProblems {
    ClusterSpec spec = parse(cluster("""
            { at = 1s, action = partition, node = a, duration = 30s }
            { at = 2s, action = partition, node = b }
            { at = 3s, action = degrade-link, node = a, bandwidth = 100Mbps, latency = 20ms, duration = 1m }
            { at = 4s, action = degrade-link, node = b, latency = 5ms }"""));
    assertEquals(List.of(
        new ScenarioAction.Partition(Duration.ofSeconds(1), "a", Optional.of(Duration.ofSeconds(30))),
        new ScenarioAction.Partition(Duration.ofSeconds(2), "b", Optional.empty()),
        new ScenarioAction.DegradeLink(Duration.ofSeconds(3), "a", Optional.of(100_000_000L),
            Optional.of(Duration.ofMillis(20)), Optional.of(Duration.ofMinutes(1))),
        new ScenarioAction.DegradeLink(Duration.ofSeconds(4), "b", Optional.empty(), Optional.of(Duration.ofMillis(5)),
            Optional.empty())), spec.scenario());
    assertEquals(Optional.of(Duration.ofSeconds(31)), spec.scenario().get(0).endsAt());
    assertEquals(Duration.ofMillis(924_600), spec.migration().timeout(), "tcp_retries2 = 15 on Linux");
  }

  @Test
  void aFaultNamesANodeThatExists() {
    assertOnlyProblem(cluster("{ at = 1s, action = partition, node = c }"), "t.conf:4: domsim.scenario[0].node: ",
        "no node is named \"c\"");
  }

  @Test
  void aDegradedLinkSaysWhatDegrades() {
    assertOnlyProblem(cluster("{ at = 1s, action = degrade-link, node = a, duration = 5s }"),
        "t.conf:4: domsim.scenario[0].action: ", "needs a bandwidth, a latency or both");
  }

  @Test
  void aDegradedLinkIsNeverFasterThanTheNetwork() {
    assertOnlyProblem(cluster("{ at = 1s, action = degrade-link, node = a, latency = 10us }"),
        "t.conf:4: domsim.scenario[0].latency: ", "shorter than network.latency (100us)");
  }

  @Test
  void faultsOfOneKindOnOneNodeDoNotOverlap() {
    assertOnlyProblem(cluster("""
            { at = 1s, action = partition, node = a, duration = 30s }
            { at = 20s, action = partition, node = a, duration = 30s }
            { at = 60s, action = partition, node = a }
            { at = 20s, action = partition, node = b }"""), "t.conf:5: domsim.scenario[1].at: ",
        "node a is already cut off from 1s to 31s; start this one after that ends");
    assertOnlyProblem(cluster("""
            { at = 1s, action = degrade-link, node = a, latency = 1ms }
            { at = 1h, action = degrade-link, node = a, bandwidth = 1Mbps }"""), "t.conf:5: domsim.scenario[1].at: ",
        "already on a degraded link from 1s to the end of the run");
  }

  @Test
  void aFaultTakesOnlyItsOwnKeys() {
    assertOnlyProblem(cluster("{ at = 1s, action = partition, node = a, guest = x }"),
        "t.conf:4: domsim.scenario[0].guest: ", "unknown key");
  }

  @Test
  void networkFaultsChangeWhatTheyName() throws ConfigProblems {
    ClusterSpec spec = parse(cluster("""
            { at = 1s, action = network-faults, loss = 0.2 }
            { at = 2s, action = network-faults, duplicate = 0.1, reorder = true }"""));
    assertEquals(List.of(
        new ScenarioAction.NetworkFaults(Duration.ofSeconds(1), Optional.of(0.2), Optional.empty(), Optional.empty()),
        new ScenarioAction.NetworkFaults(Duration.ofSeconds(2), Optional.empty(), Optional.of(0.1), Optional.of(true))),
        spec.scenario());
    assertOnlyProblem(cluster("{ at = 1s, action = network-faults }"), "t.conf:4: domsim.scenario[0].action: ",
        "needs a loss, a duplicate or a reorder");
    assertOnlyProblem(cluster("{ at = 1s, action = network-faults, loss = 1 }"), "t.conf:4: domsim.scenario[0].loss: ",
        "a fraction from 0 to below 1");
  }

  @Test
  void theTimeoutIsADuration() {
    assertOnlyProblem("domsim { migration.timeout = 0s }", "t.conf:1: domsim.migration.timeout: ",
        "use a duration greater than 0");
  }
}
