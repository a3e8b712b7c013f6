package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 2: a user's mistake gets `FILE:LINE: domsim.PATH: message`, exit code 2, no stack trace, and no
 * run (no report written).
 */
class BadInputIT {

  @TempDir
  Path tmp;

  private static final String GOOD_NODES = """
      domsim {
        simulation { duration = 1m }
        nodes = [ { name = n1 }, { name = legacy, cpu { hvm-support = false } } ]
      """;

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of("unknown key with a did-you-mean",
            GOOD_NODES + "  guests = [ { name = g, memroy = 1GiB } ]\n}\n", 4, "domsim.guests[0].memroy", "memory"),
        Arguments.of("bad unit",
            GOOD_NODES + "  guests = [ { name = g, memory = 12XB } ]\n}\n", 4, "domsim.guests[0].memory", "size"),
        Arguments.of("duplicate guest names",
            GOOD_NODES + "  guests = [ { name = g }\n { name = g } ]\n}\n", 5, "domsim.guests[1].name", "g"),
        Arguments.of("guest bigger than any node",
            GOOD_NODES + "  guests = [ { name = huge, memory = 4TiB } ]\n}\n", 4, "domsim.guests[0].memory",
            "does not fit on any node"),
        Arguments.of("pinned to a missing node",
            GOOD_NODES + "  guests = [ { name = g, node = n2 } ]\n}\n", 4, "domsim.guests[0].node", "n2"),
        Arguments.of("HVM pinned to a node without hvm-support",
            GOOD_NODES + "  guests = [ { name = g, type = hvm, node = legacy } ]\n}\n", 4, "domsim.guests[0]",
            "hvm-support"),
        Arguments.of("scenario names an unknown guest",
            GOOD_NODES + "  guests = [ { name = g } ]\n  scenario = [ { at = 5s, action = migrate, guest = h, to = n1 } ]\n}\n",
            5, "domsim.scenario[0].guest", "h"),
        Arguments.of("scenario names an unknown node",
            GOOD_NODES + "  guests = [ { name = g } ]\n  scenario = [ { at = 5s, action = fail, node = nx } ]\n}\n",
            5, "domsim.scenario[0].node", "nx"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void badConfigIsRefusedWithFileLinePathAndExit2(String what, String conf, int line, String path, String phrase)
      throws IOException {
    Path file = tmp.resolve("bad.conf");
    Files.writeString(file, conf);
    Path out = tmp.resolve("out");
    Cli.Outcome o = Cli.run("run", file.toString(), "--out", out.toString(), "--no-progress");
    assertEquals(2, o.code(), what + ": " + o.err());
    String expectedPrefix = file + ":" + line + ": " + path;
    assertTrue(o.err().lines().anyMatch(l -> l.startsWith(expectedPrefix) && l.contains(phrase)),
        what + ": expected a line starting " + expectedPrefix + " mentioning " + phrase + ", got:\n" + o.err());
    assertFalse(o.err().contains("Exception"), "no stack trace for a user's mistake:\n" + o.err());
    assertFalse(Files.exists(out.resolve("report.json")), "nothing is run");
    assertEquals(2, Cli.run("validate", file.toString()).code(), "validate refuses it too");
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    Path file = tmp.resolve("many.conf");
    Files.writeString(file, GOOD_NODES + "  guests = [ { name = g, memory = 12XB, vcpu = 2, node = nope } ]\n}\n");
    Cli.Outcome o = Cli.run("validate", file.toString());
    assertEquals(2, o.code());
    assertTrue(o.err().lines().filter(l -> l.startsWith(file + ":4: ")).count() >= 3, o.err());
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "hypervisor.dirty-model=foo", "hypervisor.costs.hypercall-cycles=abc", "migration.costs.pv-suspend-ack=abc",
      "migration.stop-rules.xen.max-rounds=many", "migration.stop-rules.qemu.sync-period=often",
      "migration.stop-rules.qemu.throttle-max=150", "scheduler.host-timeout=soon"})
  void aBadModuleSettingIsBadInputBeforeAnythingRuns(String override) {
    Path out = tmp.resolve("out");
    Cli.Outcome o = Cli.run("run", "--set", override, "--out", out.toString(), "--no-progress");
    assertEquals(2, o.code(), o.err());
    String path = "domsim." + override.substring(0, override.indexOf('='));
    // (host-timeout is range-checked with the cluster file, whose overrides have no line)
    assertTrue(o.err().startsWith("--set:1: " + path + ": ") || o.err().startsWith("--set: " + path + ": "), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
    assertFalse(Files.exists(out.resolve("report.json")));
  }

  @Test
  void aMissingFileIsBadInput() {
    Cli.Outcome o = Cli.run("run", tmp.resolve("nope.conf").toString(), "--no-progress");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("nope.conf"), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
  }

  @Test
  void badCommandLineOptionsAreBadInput() {
    Cli.Outcome clock = Cli.run("run", "--clock", "sundial");
    assertEquals(2, clock.code());
    assertTrue(clock.err().contains("sundial"), clock.err());
    Cli.Outcome seed = Cli.run("run", "--seed", "forty-two");
    assertEquals(2, seed.code());
    Cli.Outcome duration = Cli.run("run", "--duration", "soon", "--no-progress", "--out", tmp.toString());
    assertEquals(2, duration.code(), duration.err());
    assertTrue(duration.err().contains("domsim.simulation.duration"), duration.err());
  }

  @Test
  void validatePrintsWhereEachGuestWouldStart() {
    Cli.Outcome o = Cli.run("validate", Cli.example("cluster.conf").toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("44 nodes"), o.out());
    assertTrue(o.out().lines().anyMatch(l -> l.startsWith("db-1") && l.contains("node-2 (pinned)")), o.out());
    assertTrue(o.out().lines().anyMatch(l -> l.startsWith("web-1") && l.contains("(best-fit)")), o.out());
  }
}
