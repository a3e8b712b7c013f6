package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.config.GuestType;
import io.domsim.migration.MigrationRecord;
import io.domsim.node.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** report.json (and the control API) write the report's enums as the words users read and write. */
class ReportWriterTest {

  @Test
  void enumsAreWrittenAsTheirWords() throws Exception {
    RunResult r = new RunResult(7, "virtual", 60, 0, List.of(),
        List.of(new RunResult.GuestResult("g", GuestType.HVM, 1, 1024, null, null, RunResult.GuestState.NOT_STARTED,
            0, 0, 0, 0, 0, "no room")),
        List.of(new RunResult.MigrationResult("g", GuestType.PV, "a", "b", "post-copy", null, 1, null, null, null, null,
            0, 0, 0, RunResult.MigrationOutcome.IN_PROGRESS, "the run ended before the migration did", List.of(),
            null)));
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

  @Test
  void aMigrationRecordInTheStatusKeepsItsGuestTypeWord() throws Exception {
    String json = Json.mapper().writeValueAsString(
        MigrationRecord.requested("m1", "g", GuestType.PV, "a", "b", "pre-copy", "xen", 0).refused("no"));
    JsonNode tree = new ObjectMapper().readTree(json);
    assertEquals("pv", tree.get("type").asText());
    assertEquals("REFUSED", tree.get("outcome").asText(), "the protocol's phase, as the status always showed it");
  }
}
