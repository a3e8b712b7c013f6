package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.assertProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CLI's --set PATH=VALUE, layered over the file. */
class OverridesTest {

  private static final String CLUSTER = """
      domsim {
        simulation { seed = 1, duration = 5m }
        nodes = [ { name = n1 }, { name = n2 } ]
        guests = [ { name = g1, node = n2 } ]
      }
      """;

  @Test
  void pathsWithAndWithoutDomsimPrefix() throws ConfigProblems {
    ClusterSpec spec = parse(CLUSTER, "simulation.seed=7", "domsim.simulation.duration=2m");
    assertEquals(7, spec.simulation().seed());
    assertEquals(Duration.ofMinutes(2), spec.simulation().duration());
    assertEquals(7, spec.settings().getLong("simulation.seed"), "settings carry the overrides too");
  }

  @Test
  void theLaterOverrideWins() throws ConfigProblems {
    assertEquals(9, parse(CLUSTER, "simulation.seed=7", "simulation.seed=9").simulation().seed());
  }

  @Test
  void anObjectMergesWithTheFile() throws ConfigProblems {
    ClusterSpec spec = parse(CLUSTER, "simulation={ seed = 3 }");
    assertEquals(3, spec.simulation().seed());
    assertEquals(Duration.ofMinutes(5), spec.simulation().duration());
  }

  @Test
  void aListReplacesTheFilesList() throws ConfigProblems {
    ClusterSpec spec = parse(CLUSTER, "nodes=[{name=n2, memory=32GiB}]");
    assertEquals(List.of("n2"), spec.nodes().stream().map(NodeSpec::name).toList());
    assertEquals(32L << 30, spec.nodes().get(0).memoryBytes());
  }

  @Test
  void aBadValueIsReportedAtSet() {
    assertOnlyProblem(CLUSTER, "--set: domsim.simulation.seed: ", "\"abc\" is not a whole number",
        "simulation.seed=abc");
  }

  @Test
  void anUnknownKeyIsReportedAtSet() {
    assertOnlyProblem(CLUSTER, "--set: domsim.simulation.sede: ", "did you mean \"seed\"?", "simulation.sede=3");
  }

  @Test
  void anOverrideThatBreaksAPinPointsAtTheFile() {
    assertOnlyProblem(CLUSTER, "t.conf:4: domsim.guests[0].node: ", "no node is named \"n2\"",
        "nodes=[{name=n1}]");
  }

  @Test
  void malformedOverrides() {
    List<String> found = problems(CLUSTER, "simulation.seed", "guests[0].memory=1", "simulation.seed=",
        "simulation.seed=[1,");
    assertEquals(4, found.size(), found::toString);
    // sorted by path, then message
    assertProblem(found.get(0), "--set: domsim.guests[0].memory: ", "is not a valid path; list elements cannot be addressed");
    assertProblem(found.get(1), "--set: domsim.simulation.seed: ", "\"[1,\" is not a HOCON value");
    assertProblem(found.get(2), "--set: domsim.simulation.seed: ", "\"simulation.seed\" has no \"=\"; use PATH=VALUE");
    assertProblem(found.get(3), "--set: domsim.simulation.seed: ", "no value after \"=\"");
  }

  @Test
  void aValueCannotSmuggleInOtherKeys() {
    assertOnlyProblem(CLUSTER, "--set: domsim.simulation.seed: ", "is more than one value",
        "simulation.seed=7, clock = real");
  }
}
