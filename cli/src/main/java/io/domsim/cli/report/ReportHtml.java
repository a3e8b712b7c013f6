package io.domsim.cli.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.domsim.node.RunResult;
import io.domsim.node.series.RoundRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * report.html: one self-contained page (it opens from disk, with no network) with the run's summary and its
 * charts, drawn in the browser by Apache ECharts, which is inlined from its webjar. The page's script reads
 * the run's figures from a JSON block; the series arrive already cut down ({@link SeriesDigest}), so the
 * file stays a little over ECharts' own megabyte whatever the run's size.
 */
public final class ReportHtml {
  /** The webjar's Maven coordinates, whose version names the directory of its files. */
  static final String ECHARTS_POM = "/META-INF/maven/org.webjars.npm/echarts/pom.properties";
  static final String TEMPLATE = "/io/domsim/cli/report/report.html";
  /** Migrations drawn one rounds chart each; the rest are listed, not drawn, so that the page stays light. */
  static final int MAX_ROUND_CHARTS = 24;
  /** Migrations on the timeline. */
  static final int MAX_TIMELINE = 400;
  /** Nodes in the page's table. */
  static final int MAX_NODE_ROWS = 25;

  /** What produced the run, for the page's header. */
  public record Origin(String version, String configDigest) {}

  private ReportHtml() {}

  /**
   * Writes the page.
   *
   * @param digest the node series cut down, or null when the run kept none (then the page says so)
   * @param rounds every migration's streams (empty without series)
   */
  public static void write(OutputStream out, RunResult result, Origin origin, SeriesDigest digest,
      List<RoundRow> rounds) throws IOException {
    String page = resource(TEMPLATE);
    // Every object's keys sorted, whatever map built it: Map.of's order is drawn anew in each JVM, and the same
    // run must write the same page (ReportHtmlDataTest).
    String data = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
        .writeValueAsString(data(result, origin, digest, rounds))
        .replace("</", "<\\/"); // the JSON sits in a <script> block
    int at = page.indexOf("/*ECHARTS*/");
    String head = page.substring(0, at);
    String tail = page.substring(at + "/*ECHARTS*/".length())
        .replace("{{TITLE}}", escape("domsim run, seed " + result.seed()))
        .replace("/*DATA*/", data);
    out.write(head.replace("{{TITLE}}", escape("domsim run, seed " + result.seed())).getBytes(StandardCharsets.UTF_8));
    String echarts = echartsPath();
    try (InputStream js = ReportHtml.class.getResourceAsStream(echarts)) {
      if (js == null) {
        throw new IllegalStateException("ECharts is missing from the class path (" + echarts + ")");
      }
      js.transferTo(out);
    }
    out.write(tail.getBytes(StandardCharsets.UTF_8));
  }

  /** The minified ECharts build in the webjar on the class path, whichever version the build chose. */
  static String echartsPath() {
    java.util.Properties pom = new java.util.Properties();
    try (InputStream in = ReportHtml.class.getResourceAsStream(ECHARTS_POM)) {
      if (in == null) {
        throw new IllegalStateException("the ECharts webjar is missing from the class path (" + ECHARTS_POM + ")");
      }
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "/META-INF/resources/webjars/echarts/" + pom.getProperty("version").trim() + "/dist/echarts.min.js";
  }

  private static Map<String, Object> data(RunResult r, Origin origin, SeriesDigest digest, List<RoundRow> rounds) {
    Map<String, Object> d = new LinkedHashMap<>();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("version", origin.version());
    run.put("config_digest", origin.configDigest());
    run.put("seed", r.seed());
    run.put("clock", r.clock());
    run.put("simulated_seconds", r.simulatedSeconds());
    run.put("events", r.simulatedEvents());
    d.put("run", run);
    List<Object[]> summary = new ArrayList<>();
    for (RunResult.Summary.Figure f : r.summary().figures()) {
      summary.add(new Object[] {f.name(), f.value()});
    }
    d.put("summary", summary);
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (RunResult.NodeResult n : r.nodes().subList(0, Math.min(MAX_NODE_ROWS, r.nodes().size()))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", n.name());
      m.put("cores", n.cores());
      m.put("cpu", n.cpuUtilizationAvg());
      m.put("dom0", n.dom0CpuUtilizationAvg());
      m.put("guests", n.guestsEnd());
      m.put("energy_kj", n.energyJoules() / 1e3);
      m.put("failed", n.failed());
      nodes.add(m);
    }
    d.put("nodes", nodes);
    d.put("node_count", r.nodes().size());
    int guestsRunning = 0;
    for (RunResult.GuestResult g : r.guests()) {
      guestsRunning += g.stateEnd() == RunResult.GuestState.RUNNING ? 1 : 0;
    }
    d.put("guests", Map.of("total", r.guests().size(), "running", guestsRunning));
    if (digest != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("bucket_seconds", digest.bucketSeconds());
      s.put("group_size", digest.groupSize());
      s.put("times", digest.times());
      s.put("cpu", digest.clusterCpu());
      s.put("watts", digest.clusterWatts());
      s.put("rows", digest.rowLabels());
      s.put("heat", digest.heatmap());
      d.put("series", s);
    }
    Map<String, List<RoundRow>> byMigration = new TreeMap<>();
    rounds.forEach(x -> byMigration.computeIfAbsent(x.migration(), k -> new ArrayList<>()).add(x));
    List<Map<String, Object>> migrations = new ArrayList<>();
    for (int i = 0; i < r.migrations().size(); i++) {
      RunResult.MigrationResult m = r.migrations().get(i);
      String id = "m" + (i + 1); // migrations are numbered in request order, as report.json lists them
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("id", id);
      x.put("guest", m.guest());
      x.put("type", m.type() == null ? null : m.type().configName());
      x.put("from", m.from());
      x.put("to", m.to());
      x.put("algorithm", m.algorithm() + (m.policy() == null ? "" : " (" + m.policy() + ")"));
      x.put("requested", m.requestedAtS());
      x.put("start", m.startedAtS());
      x.put("end", m.finishedAtS());
      x.put("outcome", m.outcome().reportName());
      x.put("downtime", m.downtimeS());
      x.put("bytes", m.bytesTransferred());
      x.put("reason", m.reason());
      List<Map<String, Object>> rs = new ArrayList<>();
      for (RoundRow row : byMigration.getOrDefault(id, List.of())) {
        Map<String, Object> y = new LinkedHashMap<>();
        y.put("round", row.round());
        y.put("kind", row.kind().seriesName());
        y.put("sent", row.pagesSent());
        y.put("dirtied", row.pagesDirtied());
        y.put("bytes", row.bytes());
        y.put("start", row.startSeconds());
        y.put("end", row.endSeconds());
        y.put("downtime", row.downtimeSeconds());
        rs.add(y);
      }
      x.put("rounds", rs);
      migrations.add(x);
    }
    d.put("migrations", migrations);
    d.put("limits", Map.of("round_charts", MAX_ROUND_CHARTS, "timeline", MAX_TIMELINE, "node_rows", MAX_NODE_ROWS));
    return d;
  }

  private static String resource(String path) {
    try (InputStream in = ReportHtml.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
