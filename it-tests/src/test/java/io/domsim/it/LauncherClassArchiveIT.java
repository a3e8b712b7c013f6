package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class archive (./domsim, DOMSIM_CDS): made once, then every start maps domsim's classes from it
 * instead of reading them from the jars; DOMSIM_CDS=off starts without it. The run's results are the same either
 * way, and two JVMs write the same report.html and series. Runs the real launcher on the packaged jars (mvn verify
 * builds them before this module's tests).
 */
class LauncherClassArchiveIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path ARCHIVE = ROOT.resolve("cli/target/domsim-classes.jsa");

  @TempDir
  Path tmp;

  record Outcome(int code, String out, String err, String classLoads) {}

  /** {@code ./domsim run --duration 10s --out DIR}, logging where each class came from. */
  private Outcome launch(String name, boolean cds) throws IOException, InterruptedException {
    Path log = tmp.resolve(name + "-classes.log");
    Path err = tmp.resolve(name + "-err.txt");
    Path out = tmp.resolve(name + "-out.txt");
    ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("domsim").toString(), "run", "--duration", "10s",
        "--out", tmp.resolve(name).toString());
    pb.environment().put("DOMSIM_JAVA_OPTS", "-Xmx1g -XX:+UseParallelGC -Xlog:class+load=info:file=" + log);
    if (!cds) {
      pb.environment().put("DOMSIM_CDS", "off");
    }
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "domsim did not end");
    return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8), Files.readString(log, StandardCharsets.UTF_8));
  }

  private static String sourceOfMain(Outcome o) {
    return o.classLoads().lines().filter(l -> l.contains(" io.domsim.cli.Main source: ")).findFirst()
        .orElseThrow(() -> new AssertionError("io.domsim.cli.Main was not loaded: " + o.err()));
  }

  @Test
  void theArchiveIsMadeOnceAndMapsDomsimsClassesWithTheSameResults() throws Exception {
    for (String made : new String[] {"", ".failed", ".jvm"}) { // the archive, and what the launcher keeps beside it
      Files.deleteIfExists(Path.of(ARCHIVE + made));
    }

    Outcome off = launch("off", false);
    assertEquals(0, off.code(), off.err());
    assertFalse(Files.exists(ARCHIVE), "DOMSIM_CDS=off makes no archive");
    assertTrue(sourceOfMain(off).endsWith("domsim-cli.jar"), sourceOfMain(off));

    Outcome first = launch("first", true);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.err().contains("domsim: preparing a class archive for faster starts (once)..."), first.err());
    assertTrue(Files.size(ARCHIVE) > 0, "the archive is made");
    long made = Files.getLastModifiedTime(ARCHIVE).toMillis();

    Outcome second = launch("second", true);
    assertEquals(0, second.code(), second.err());
    assertFalse(second.err().contains("preparing a class archive"), "made once: " + second.err());
    assertEquals(made, Files.getLastModifiedTime(ARCHIVE).toMillis());
    for (Outcome o : new Outcome[] {first, second}) {
      assertTrue(sourceOfMain(o).endsWith("source: shared objects file (top)"), sourceOfMain(o));
      long mapped = o.classLoads().lines().filter(l -> l.endsWith("source: shared objects file (top)")).count();
      assertTrue(mapped > 1_000, mapped + " classes mapped from the archive"); // Akka's, Scala's, domsim's
      // The JVM writes its warnings to standard output: nothing of the archive there, nor on standard error.
      for (String printed : new String[] {o.out(), o.err()}) {
        assertFalse(printed.contains("[cds") || printed.contains("CDS") || printed.contains("shared archive"),
            "the JVM says nothing of it: " + printed);
      }
      assertTrue(o.out().contains("simulated 10s in"), o.out());
    }

    assertEquals(withoutWallClock(Cli.report(tmp.resolve("off"))), withoutWallClock(Cli.report(tmp.resolve("second"))),
        "the same results with and without the archive");
    // Two JVMs, the same run: the same page and series, byte for byte (report.html's data once held Map.of objects,
    // whose order each JVM draws anew; ReportHtmlDataTest pins the cause, this the whole outputs).
    sameText("report.html", Files.readString(tmp.resolve("off/report.html")),
        Files.readString(tmp.resolve("second/report.html")));
    for (String series : new String[] {"nodes.csv.gz", "rounds.csv.gz"}) {
      sameText(series, Cli.series(tmp.resolve("off"), series), Cli.series(tmp.resolve("second"), series));
    }
  }

  /** The two texts are equal; if not, where they first differ (the files are too large to print whole). */
  private static void sameText(String what, String a, String b) {
    int at = 0;
    while (at < a.length() && at < b.length() && a.charAt(at) == b.charAt(at)) {
      at++;
    }
    if (at < a.length() || at < b.length()) {
      int from = Math.max(0, at - 60);
      fail(what + " differs between two JVMs running the same run, first at char " + at + ": ..."
          + a.substring(from, Math.min(a.length(), at + 60)) + "... against ..."
          + b.substring(from, Math.min(b.length(), at + 60)) + "...");
    }
  }

  private static JsonNode withoutWallClock(JsonNode report) {
    ObjectNode copy = report.deepCopy();
    copy.remove("wall_seconds");
    return copy;
  }
}
