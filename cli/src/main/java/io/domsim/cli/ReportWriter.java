package io.domsim.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.node.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes report.json. Fields are in a fixed order and numbers print the same way every time, so two
 * runs with the same config and seed give the same bytes apart from {@code wall_seconds}.
 */
final class ReportWriter {
  private static final ObjectMapper JSON = Json.mapper();

  /**
   * The report's top level; the order of the components is the order of the fields. The real clock's lag
   * (wall time, like {@code wall_seconds}) is left out on the virtual clock.
   */
  record Report(long seed, String clock, double simulatedSeconds, double wallSeconds,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double maxWallLagSeconds, long simulatedEvents,
      List<RunResult.NodeResult> nodes, List<RunResult.GuestResult> guests,
      List<RunResult.MigrationResult> migrations) {}

  private ReportWriter() {}

  static void write(Path file, RunResult r, double wallSeconds) throws IOException {
    Files.writeString(file, toJson(r, wallSeconds) + System.lineSeparator());
  }

  static String toJson(RunResult r, double wallSeconds) throws IOException {
    return JSON.writeValueAsString(new Report(r.seed(), r.clock(), r.simulatedSeconds(), wallSeconds,
        r.maxWallLagSeconds(), r.simulatedEvents(), r.nodes(), r.guests(), r.migrations()));
  }
}
