package io.domsim.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.domsim.node.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes report.json. Fields are in a fixed order and numbers print the same way every time, so two
 * runs with the same config and seed give the same bytes apart from {@code wall_seconds}.
 *
 * <p>The report is streamed: Jackson writes each record to the stream as it goes, so a report larger
 * than the heap (a million guests) never exists in memory as a whole, only the run's result does.
 */
final class ReportWriter {
  /** The target stream is the caller's to close (OutputDir syncs it before the rename). */
  private static final ObjectWriter JSON = Json.mapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  /**
   * The report's top level; the order of the components is the order of the fields. The real clock's lag
   * (wall time, like {@code wall_seconds}) is left out on the virtual clock, and the lifecycle
   * {@code operations} when there were none (reports of runs without them stay as they were).
   */
  record Report(long seed, String clock, double simulatedSeconds, double wallSeconds,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double maxWallLagSeconds, long simulatedEvents,
      RunResult.Summary summary, List<RunResult.NodeResult> nodes, List<RunResult.GuestResult> guests,
      List<RunResult.MigrationResult> migrations,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RunResult.Operation> operations) {}

  private ReportWriter() {}

  /** Streams the report, then a line break, to {@code out}. */
  static void write(OutputStream out, RunResult r, double wallSeconds) throws IOException {
    JSON.writeValue(out, new Report(r.seed(), r.clock(), r.simulatedSeconds(), wallSeconds, r.maxWallLagSeconds(),
        r.simulatedEvents(), r.summary(), r.nodes(), r.guests(), r.migrations(), r.operations()));
    out.write(System.lineSeparator().getBytes(StandardCharsets.UTF_8));
  }

  /** The report as a string, without the final line break (for tests and small reports). */
  static String toJson(RunResult r, double wallSeconds) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    write(bytes, r, wallSeconds);
    String s = bytes.toString(StandardCharsets.UTF_8);
    return s.substring(0, s.length() - System.lineSeparator().length());
  }
}
