package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results are never lost or stale: an unusable --out or metrics address is refused before the run, and
 * a run that is killed leaves no report behind, not even the previous run's.
 */
@Timeout(120)
class ResultsIT {
  @TempDir
  Path tmp;

  /** A real-clock run of an hour: if it ran at all, the test would time out. */
  private Path hourLong(String extra) throws Exception {
    Path conf = tmp.resolve("hour.conf");
    Files.writeString(conf, """
        domsim {
          simulation { clock = real, speed = 1, duration = 1h }
          nodes = [ { name = a } ]
          guests = [ { name = g, node = a } ]
          %s
        }
        """.formatted(extra));
    return conf;
  }

  @Test
  void anOutputDirectoryThatCannotTakeTheReportIsRefusedBeforeTheRun() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("report.json").resolve("something"));
    Cli.Outcome o = Cli.run("run", hourLong("").toString(), "--out", out.toString(), "--no-progress");
    assertEquals(2, o.code(), o.err());
    assertEquals(List.of("domsim: " + out.resolve("report.json") + " is a directory, where the run would write its"
        + " report.json; remove it; choose another with --out DIR."), o.err().lines().toList());

    Path file = tmp.resolve("a-file");
    Files.writeString(file, "not a directory");
    Cli.Outcome underFile = Cli.run("run", hourLong("").toString(), "--out", file.resolve("out").toString(),
        "--no-progress");
    assertEquals(2, underFile.code(), underFile.err());
    assertTrue(underFile.err().startsWith("domsim: cannot create the output directory " + file.resolve("out")),
        underFile.err());
  }

  @Test
  void aMetricsAddressThatCannotBeServedIsRefusedBeforeTheRun() throws Exception {
    Path out = tmp.resolve("out");
    Path bogus = hourLong("metrics.prometheus { enabled = true, host = \"bogus host\" }");
    Cli.Outcome o = Cli.run("run", bogus.toString(), "--out", out.toString(), "--no-progress");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().startsWith(bogus + ":5: domsim.metrics.prometheus.host: \"bogus host\" is not an address or a"
        + " host name"), o.err());
    assertEquals(2, Cli.run("validate", bogus.toString()).code(), "validate refuses it too");

    // 192.0.2.1 (TEST-NET-1) is nobody's address here: it cannot be bound.
    Cli.Outcome foreign = Cli.run("run", hourLong("metrics.prometheus { enabled = true, host = \"192.0.2.1\" }")
        .toString(), "--out", out.toString(), "--no-progress");
    assertEquals(2, foreign.code(), foreign.err());
    assertTrue(foreign.err().startsWith("domsim: cannot serve metrics on 192.0.2.1:9464 ("), foreign.err());

    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Cli.Outcome taken = Cli.run("run", hourLong("metrics.prometheus { enabled = true, port = "
          + busy.getLocalPort() + " }").toString(), "--out", out.toString(), "--no-progress");
      assertEquals(2, taken.code(), taken.err());
      assertTrue(taken.err().contains("set metrics.prometheus.port to a free port"), taken.err());
    }
    assertFalse(Files.exists(out.resolve("report.json")));
  }

  @Test
  void aKilledRunLeavesNoReportNotEvenThePreviousOne() throws Exception {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("report.json"), "{ \"seed\" : 1, \"from\" : \"the previous run\" }\n");
    Path conf = hourLong("");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "io.domsim.cli.Main", "run", conf.toString(), "--out", out.toString(),
        "--no-progress")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    try {
      // The run is going once it has cleared the directory for its own results.
      for (int i = 0; i < 600 && Files.exists(out.resolve("report.json")); i++) {
        assertTrue(p.isAlive(), () -> "the run ended early: " + read(tmp.resolve("child.log").toFile()));
        Thread.sleep(50);
      }
      assertFalse(Files.exists(out.resolve("report.json")), "the previous report is gone once the run starts");
      Thread.sleep(500);
      p.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    } finally {
      p.destroyForcibly();
    }
    // Only temporaries (the series are written in one until the run ends), which the next run removes.
    assertEquals(List.of(), Files.list(out).map(f -> f.getFileName().toString())
        .filter(f -> !(f.startsWith(".") && f.endsWith(".domsim-tmp"))).toList(),
        "nothing that could pass for this run's results: " + read(tmp.resolve("child.log").toFile()));
  }

  private static String read(File f) {
    try {
      return Files.readString(f.toPath());
    } catch (Exception e) {
      return "(no output)";
    }
  }
}
