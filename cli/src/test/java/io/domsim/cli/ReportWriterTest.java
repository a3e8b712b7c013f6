package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.config.GuestType;
import io.domsim.migration.MigrationRecord;
import io.domsim.node.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** report.json (and the control API) write the report's enums as the words users read and write. */
class ReportWriterTest {

  @TempDir
  Path tmp;

  @Test
  void enumsAreWrittenAsTheirWords() throws Exception {
    RunResult r = new RunResult(7, "virtual", 60, 0, List.of(),
        List.of(new RunResult.GuestResult("g", GuestType.HVM, 1, 1024, null, null, RunResult.GuestState.NOT_STARTED,
            0, 0, 0, 0, 0, "no room")),
        List.of(new RunResult.MigrationResult("g", GuestType.PV, "a", "b", "post-copy", null, 1, null, null, null, null,
            0, 0, 0, RunResult.MigrationOutcome.IN_PROGRESS, "the run ended before the migration did", List.of(),
            null, RunResult.Origin.SCENARIO)));
    String json = ReportWriter.toJson(r, 1.5);
    JsonNode tree = new ObjectMapper().readTree(json);
    JsonNode guest = tree.get("guests").get(0);
    assertEquals("hvm", guest.get("type").asText());
    assertEquals("not-started", guest.get("state_end").asText());
    JsonNode migration = tree.get("migrations").get(0);
    assertEquals("pv", migration.get("type").asText());
    assertEquals("in-progress", migration.get("outcome").asText());
    assertTrue(json.contains("\"state_end\" : \"not-started\""), json);
  }

  /** The real clock's lag is wall time, like wall_seconds: in report.json on the real clock only. */
  @Test
  void theWallClockLagIsReportedOnTheRealClockOnly() throws Exception {
    RunResult virtual = new RunResult(7, "virtual", 60, 10, List.of(), List.of(), List.of());
    JsonNode v = new ObjectMapper().readTree(ReportWriter.toJson(virtual, 1.5));
    assertTrue(!v.has("max_wall_lag_seconds"), v::toString);
    JsonNode r = new ObjectMapper().readTree(ReportWriter.toJson(
        new RunResult(7, "real", 60, 10, List.of(), List.of(), List.of()).withKernelMeasures(10, 0.25), 1.5));
    assertEquals(0.25, r.get("max_wall_lag_seconds").asDouble());
    StringWriter table = new StringWriter();
    RunTable.print(new PrintWriter(table), new RunResult(7, "real", 60, 10, List.of(), List.of(), List.of())
        .withKernelMeasures(10, 0.25), 1.5);
    assertTrue(table.toString().contains("behind the wall clock by up to 0.250 s"), table::toString);
  }

  /** Lifecycle fields appear only when a run had them: reports of runs without them stay as they were. */
  @Test
  void lifecycleOperationsAndTimesAreWrittenOnlyWhenThereAreAny() throws Exception {
    RunResult.GuestResult configured = new RunResult.GuestResult("g", GuestType.PV, 1, 1024, "a", "a",
        RunResult.GuestState.RUNNING, 1, 1, 0, 0, 0, null);
    JsonNode plain = new ObjectMapper().readTree(ReportWriter.toJson(new RunResult(7, "virtual", 60, 0, List.of(),
        List.of(configured), List.of()), 1.5));
    assertTrue(!plain.has("operations"), plain::toString);
    assertTrue(!plain.get("guests").get(0).has("created_at_s") && !plain.get("guests").get(0).has("ended_at_s"));
    RunResult.GuestResult created = new RunResult.GuestResult("c", GuestType.HVM, 1, 1024, "a", null,
        RunResult.GuestState.SHUT_DOWN, 1, 1, 0, 0, 0, "shut down on a at 30s (xl shutdown asked at 10s)", 5.0, 30.0);
    RunResult r = new RunResult(7, "virtual", 60, 0, List.of(), List.of(configured, created), List.of(), null,
        List.of(new RunResult.Operation(10, RunResult.OperationAction.SHUTDOWN, "c", "a",
            RunResult.OperationOutcome.COMPLETED, 30.0, null, RunResult.Origin.SCENARIO)));
    JsonNode tree = new ObjectMapper().readTree(ReportWriter.toJson(r, 1.5));
    JsonNode c = tree.get("guests").get(1);
    assertEquals("shut-down", c.get("state_end").asText());
    assertEquals(5.0, c.get("created_at_s").asDouble());
    assertEquals(30.0, c.get("ended_at_s").asDouble());
    JsonNode op = tree.get("operations").get(0);
    assertEquals("{\"at_s\":10.0,\"action\":\"shutdown\",\"guest\":\"c\",\"node\":\"a\",\"outcome\":\"completed\","
        + "\"finished_at_s\":30.0,\"reason\":null,\"requested_by\":\"scenario\"}", op.toString());
  }

  @Test
  void aMigrationRecordInTheStatusKeepsItsGuestTypeWord() throws Exception {
    String json = Json.mapper().writeValueAsString(
        MigrationRecord.requested("m1", "g", GuestType.PV, "a", "b", "pre-copy", "xen", 0).refused("no"));
    JsonNode tree = new ObjectMapper().readTree(json);
    assertEquals("pv", tree.get("type").asText());
    assertEquals("REFUSED", tree.get("outcome").asText(), "the protocol's phase, as the status always showed it");
  }

  /** A JVM of its own, with a heap smaller than the report, writes a run's report through {@link OutputDir}. */
  public static final class LargeReport {
    public static void main(String[] args) throws Exception {
      int guests = Integer.parseInt(args[1]);
      List<RunResult.GuestResult> list = new ArrayList<>(guests);
      for (int i = 0; i < guests; i++) {
        list.add(new RunResult.GuestResult("guest-" + i, i % 2 == 0 ? GuestType.PV : GuestType.HVM, 2, 1L << 30,
            "node-" + i % 1000, "node-" + i % 1000, RunResult.GuestState.RUNNING, 3600.0 + i, 3500.0, i, 7L * i, 11L * i,
            null));
      }
      RunResult r = new RunResult(1, "virtual", 3600, 123, List.of(), list, List.of());
      OutputDir dir = OutputDir.prepare(Path.of(args[0]));
      dir.write(OutputDir.REPORT, out -> ReportWriter.write(out, r, 1.0));
    }
  }

  @Test
  @Timeout(120)
  void aReportLargerThanTheHeapIsStreamedToTheFile() throws Exception {
    int heapMiB = 96;
    int guests = 300_000;
    Path out = tmp.resolve("big");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heapMiB + "m", "-cp", System.getProperty("java.class.path"), LargeReport.class.getName(),
        out.toString(), Integer.toString(guests))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
    assertTrue(p.waitFor(100, TimeUnit.SECONDS), "the writer finished");
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("child.log")));
    File report = out.resolve(OutputDir.REPORT).toFile();
    assertTrue(report.length() > heapMiB * 1024L * 1024L,
        "the report (" + report.length() + " bytes) is larger than the writer's heap (" + heapMiB + " MiB)");
    // Read it back as a stream too: complete, and every guest in it.
    int names = 0;
    try (JsonParser parser = new ObjectMapper().getFactory().createParser(report)) {
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.FIELD_NAME && parser.currentName().equals("state_end")) {
          names++;
        }
      }
    }
    assertEquals(guests, names);
  }
}
