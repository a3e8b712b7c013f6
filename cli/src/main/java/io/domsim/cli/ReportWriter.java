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
  record Report(@JsonInclude(JsonInclude.Include.NON_NULL) String domsimVersion,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer schemaVersion, long seed, String clock,
      double simulatedSeconds, double wallSeconds,
      @JsonInclude(JsonInclude.Include.NON_NULL) Double maxWallLagSeconds, long simulatedEvents,
      RunResult.Summary summary, List<RunResult.NodeResult> nodes, List<RunResult.GuestResult> guests,
      List<RunResult.MigrationResult> migrations,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RunResult.Operation> operations,
      @JsonInclude(JsonInclude.Include.NON_NULL) String configDigest,
      @JsonInclude(JsonInclude.Include.NON_NULL) com.fasterxml.jackson.databind.JsonNode config) {}

  /**
   * What produced a report: the domsim version, the report's schema, and the effective configuration (every
   * setting under {@code domsim} as the run resolved it: the user's file, its includes and overrides over every
   * module's reference.conf) as JSON with its SHA-256. Two reports with the same digest and seed come from the
   * same settings (a trace file's content is not in the digest, only its path). Left out: the Kryo
   * registrations ({@code domsim.kernel.kryo}), the wire format's class list, which every module extends and
   * which no result depends on; and where the run ran ({@code domsim.cluster}, a node's {@code member}), so that
   * a run over several JVMs reports what the same run in one JVM reports.
   */
  record Provenance(String version, int schema, String configJson, String digest) {
    /** Bumped when a field changes meaning or goes away (added fields do not bump it). */
    static final int SCHEMA = 2;

    static Provenance of(com.typesafe.config.Config settings) {
      String json = withoutDeployment(settings).root().render(com.typesafe.config.ConfigRenderOptions.concise());
      try {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
        return new Provenance(Main.VERSION, SCHEMA, json, "sha256:" + java.util.HexFormat.of().formatHex(hash));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }
  }

  private static com.typesafe.config.Config withoutDeployment(com.typesafe.config.Config settings) {
    com.typesafe.config.Config c = settings.withoutPath("kernel.kryo").withoutPath("cluster");
    for (String list : List.of("nodes", "node-groups")) {
      if (c.hasPath(list) && c.getValue(list) instanceof com.typesafe.config.ConfigList entries) {
        List<com.typesafe.config.ConfigValue> kept = entries.stream()
            .map(e -> e instanceof com.typesafe.config.ConfigObject o ? o.withoutKey("member") : e).toList();
        c = c.withValue(list, com.typesafe.config.ConfigValueFactory.fromIterable(kept));
      }
    }
    return c;
  }

  private ReportWriter() {}

  /** Streams the report, then a line break, to {@code out}. */
  static void write(OutputStream out, RunResult r, double wallSeconds) throws IOException {
    write(out, r, wallSeconds, null);
  }

  /** Streams the report with what produced it ({@code provenance}; null leaves it out), then a line break. */
  static void write(OutputStream out, RunResult r, double wallSeconds, Provenance provenance) throws IOException {
    JSON.writeValue(out, new Report(provenance == null ? null : provenance.version(),
        provenance == null ? null : provenance.schema(), r.seed(), r.clock(), r.simulatedSeconds(), wallSeconds,
        r.maxWallLagSeconds(), r.simulatedEvents(), r.summary(), r.nodes(), r.guests(), r.migrations(),
        r.operations(), provenance == null ? null : provenance.digest(),
        provenance == null ? null : Json.mapper().readTree(provenance.configJson())));
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
