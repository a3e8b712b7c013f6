package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How problems are found, located, ordered and printed. */
class ProblemReportingTest {

  @Test
  void everyProblemIsReportedAtOnceInFileOrder() {
    List<String> found = problems("""
        domsim {
          simulation.clock = fast
          nodes = [
            { name = n1, cpu { cores = 0 } }
            { name = n1 }
          ]
          guests = [
            { name = g1, memory = 12XB, workload.cpu = 2 }
          ]
          scenario = [ { at = 1s, action = fail, node = n9 } ]
        }
        """);
    assertEquals(List.of(
        "t.conf:2: domsim.simulation.clock: \"fast\" is not a clock; use virtual or real",
        "t.conf:4: domsim.nodes[0].cpu.cores: 0 is out of range; use a whole number of at least 1, such as 16",
        "t.conf:5: domsim.nodes[1].name: \"n1\" is already the name of domsim.nodes[0] (t.conf:4); use a unique name",
        "t.conf:8: domsim.guests[0].memory: \"12XB\" is not a size; use a number of MiB or a size such as 4GiB or 512MiB (at most 1PiB)",
        "t.conf:8: domsim.guests[0].workload.cpu: 2 is out of range; use a number from 0 to 1, such as 0.5",
        "t.conf:10: domsim.scenario[0].node: no node is named \"n9\"; did you mean \"n1\"?"), found);
  }

  @Test
  void aBadDefaultIsReportedOnceNotOncePerNode() {
    assertOnlyProblem("""
        domsim {
          node-defaults.cpu.ghz = -1
          nodes = [ { name = a }, { name = b } ]
          node-groups = [ { prefix = r, count = 10 } ]
        }
        """, "t.conf:2: domsim.node-defaults.cpu.ghz: ", "-1 is out of range");
  }

  @Test
  void theExceptionMessageIsTheSortedProblemsWithoutAStackTrace() {
    ConfigProblems e = assertThrows(ConfigProblems.class, () -> ConfigAssertions.parse("""
        domsim {
          simulation.seed = x
          network.latency = y
        }
        """, "simulation.speed=0"));
    assertEquals("""
        --set: domsim.simulation.speed: 0 is out of range; use a number of at least 0.001, such as 1.0 (simulated \
        seconds per wall-clock second)
        t.conf:2: domsim.simulation.seed: "x" is not a whole number; use a whole number such as 42
        t.conf:3: domsim.network.latency: "y" is not a duration; use a duration greater than 0 and at most 1s, such as 100us""",
        e.getMessage());
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void problemFormatWithAndWithoutLine() {
    assertEquals("a.conf:3: domsim.x: bad", new ConfigProblem("a.conf", 3, "domsim.x", "bad").toString());
    assertEquals("--set: domsim.x: bad", new ConfigProblem("--set", 0, "domsim.x", "bad").toString());
  }

  @Test
  void aSyntaxErrorNamesItsLine() {
    assertOnlyProblem("""
        domsim {
          nodes = [
            { name = n1 }
            { name = n2 ]
        }
        """, "t.conf:4: domsim: ", "not valid HOCON");
  }

  @Test
  void anUnresolvedSubstitution() {
    assertOnlyProblem("""
        domsim {
          simulation.seed = ${nowhere}
        }
        """, "t.conf:2: domsim: ", "${nowhere} is not set: no setting nowhere and no environment variable nowhere; set it, or write ${?nowhere}");
  }

  @Test
  void substitutionsMayReferToDefaults() throws ConfigProblems {
    ClusterSpec spec = ConfigAssertions.parse("""
        domsim {
          nodes = [ { name = n1, memory = ${domsim.node-defaults.memory} } ]
        }
        """);
    assertEquals(128L << 30, spec.nodes().get(0).memoryBytes());
  }

  @Test
  void aMissingFile() {
    ConfigProblems e = assertThrows(ConfigProblems.class,
        () -> ClusterConfigLoader.load(Path.of("no-such-dir/cluster.conf"), List.of(), BuiltInNames.CATALOG));
    assertEquals(1, e.problems().size());
    String problem = e.problems().get(0).toString();
    assertTrue(problem.startsWith("no-such-dir/cluster.conf: domsim: cannot read the file: it does not exist"),
        problem);
  }

  @Test
  void aFileNamesItselfAsGivenAndItsLines(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("c.conf"), "domsim {\n  nodes = [ { name = n1, nic = 1Gbs } ]\n}\n");
    ConfigProblems e = assertThrows(ConfigProblems.class, () -> ClusterConfigLoader.load(file, List.of(), BuiltInNames.CATALOG));
    assertEquals(List.of(new ConfigProblem(file.toString(), 2, "domsim.nodes[0].nic",
        "\"1Gbs\" is not a bandwidth (unknown unit \"Gbs\"); use a bandwidth greater than 0 and at most 1000Tbps, such as 10Gbps, "
            + "1Gbit/s or 125MB/s")), e.problems());
  }

  @Test
  void aFileSyntaxError(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("c.conf"), "domsim {\n  a = \n  = b\n}\n");
    ConfigProblems e = assertThrows(ConfigProblems.class, () -> ClusterConfigLoader.load(file, List.of(), BuiltInNames.CATALOG));
    String problem = e.getMessage();
    assertTrue(problem.startsWith(file + ":3: domsim: not valid HOCON: "), problem);
  }

  @Test
  void anEmptyConfigurationIsNoDomsimSection() {
    // It used to run the bundled defaults, exit 0, as if a cluster had been given.
    assertOnlyProblem("", "t.conf: domsim: ", "no domsim section: the file is empty");
    assertOnlyProblem("foo { bar = 1 }", "t.conf: domsim: ", "no domsim section: the file has only foo");
  }

  @Test
  void aDomsimSectionWithNothingInItIsAnEmptyCluster() throws ConfigProblems {
    ClusterSpec spec = ConfigAssertions.parse("domsim { }");
    assertEquals(List.of(), spec.nodes());
    assertEquals(List.of(), spec.guests());
  }
}
