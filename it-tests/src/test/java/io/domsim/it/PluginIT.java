package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worked plug-in example (examples/plugin) as a user runs it: domsim's jars and the plug-in's on one
 * class path, as the launcher builds it from DOMSIM_PLUGINS. Needs the packaged jars (mvn verify builds
 * them before this module's tests).
 */
class PluginIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path PLUGIN_JAR = ROOT.resolve("examples/plugin/target/round-robin.jar");
  private static final Path CONF = ROOT.resolve("examples/plugin/plugin.conf");

  @TempDir
  Path tmp;

  record Outcome(int code, String out, String err) {}

  /** {@code java -cp <domsim-cli.jar>:<its lib/*>:<round-robin.jar> io.domsim.cli.Main args}, as ./domsim runs it. */
  private static Outcome withPlugin(String... args) throws IOException, InterruptedException {
    Path cli = ROOT.resolve("cli/target/domsim-cli.jar");
    for (Path jar : List.of(cli, PLUGIN_JAR)) {
      assertTrue(Files.isRegularFile(jar), jar + " is missing: run this test through mvn verify, which packages it");
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cli + ":" + ROOT.resolve("cli/target/lib") + "/*:" + PLUGIN_JAR, "io.domsim.cli.Main"));
    command.addAll(List.of(args));
    return exec(new ProcessBuilder(command));
  }

  private static Outcome exec(ProcessBuilder pb) throws IOException, InterruptedException {
    Path out = Files.createTempFile("domsim-out", ".txt");
    Path err = Files.createTempFile("domsim-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      assertTrue(p.waitFor(2, TimeUnit.MINUTES), "domsim did not end");
      return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void roundRobinPlacesTheGuestsInTurnAndValidateSaysSo() throws Exception {
    Path out = tmp.resolve("out");
    Outcome run = withPlugin("run", CONF.toString(), "--out", out.toString(), "--no-progress");
    assertEquals(0, run.code(), run.err());
    Map<String, String> started = new LinkedHashMap<>();
    for (JsonNode g : Cli.report(out).get("guests")) {
      started.put(g.get("name").asText(), g.get("node_start").asText());
    }
    // In turn big-1, small, big-2, ...; db-2's turn is small, where it does not fit, so it goes on to big-2.
    assertEquals(Map.of("web-1", "big-1", "web-2", "small", "db-1", "big-2", "web-3", "big-1", "db-2", "big-2",
        "web-4", "big-2"), started);
    Map<String, String> guestsColumn = new LinkedHashMap<>();
    for (String line : run.out().lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 7 && List.of("big-1", "small", "big-2").contains(f[0])) {
        guestsColumn.put(f[0], f[7]);
      }
    }
    assertEquals(Map.of("big-1", "2", "small", "1", "big-2", "3"), guestsColumn, "the table's GUESTS:\n" + run.out());

    Outcome validate = withPlugin("validate", CONF.toString());
    assertEquals(0, validate.code(), validate.err());
    for (Map.Entry<String, String> e : started.entrySet()) {
      assertTrue(validate.out().lines().anyMatch(l -> l.startsWith(e.getKey() + " ")
          && l.endsWith(e.getValue() + " (round-robin)")), e + " in\n" + validate.out());
    }
  }

  @Test
  void withoutThePluginRoundRobinIsAConfigErrorListingTheBuiltIns() {
    Cli.Outcome o = Cli.run("run", CONF.toString(), "--out", tmp.resolve("out").toString(), "--no-progress");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains(CONF + ":13: domsim.scheduler.placement: \"round-robin\" is not a placement policy; "
        + "use best-fit, first-fit or worst-fit"), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
  }

  @Test
  void aBadSettingOfThePluginIsAConfigError() throws Exception {
    Outcome o = withPlugin("validate", CONF.toString(), "--set", "scheduler.placement-policies.round-robin.start=-1");
    assertEquals(2, o.code(), o.err());
    // The generic range check of module settings answers first (a number of at least 0, like its default).
    assertTrue(o.err().contains("domsim.scheduler.placement-policies.round-robin.start: -1 is out of range"),
        o.err());
  }

  @Test
  void theLauncherRefusesAMissingPluginJarBeforeAnything() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("domsim").toString(), "run", CONF.toString());
    pb.environment().put("DOMSIM_PLUGINS", PLUGIN_JAR + ":" + tmp.resolve("missing.jar"));
    Outcome o = exec(pb);
    assertEquals(2, o.code(), o.err());
    assertEquals("domsim: DOMSIM_PLUGINS names " + tmp.resolve("missing.jar") + ", which does not exist (from "
        + Path.of("").toAbsolutePath() + "); build the plug-in first (the example: mvn -q -f "
        + "examples/plugin/pom.xml package) or correct the path.\n", o.err());
  }
}
