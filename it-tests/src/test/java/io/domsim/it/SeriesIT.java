package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10, item 1: the time series a run leaves under --out DIR/series, read against its report.json. */
class SeriesIT {

  @TempDir
  Path tmp;

  @Test
  void theMigrationExamplesSeriesAddUpToItsReport() throws IOException {
    Cli.Outcome o = Cli.run("run", Cli.example("migration.conf").toString(), "--out", tmp.toString(), "--no-progress");
    assertEquals(0, o.code(), o.err());
    JsonNode report = Cli.report(tmp);
    assertFalse(Files.exists(tmp.resolve("series/guests.csv.gz")), "guests are off by default");

    List<CSVRecord> nodes = read(tmp.resolve("series/nodes.csv.gz"));
    Map<String, Double> energy = new TreeMap<>();
    Map<String, Double> last = new TreeMap<>();
    for (CSVRecord r : nodes) {
      String node = r.get("node");
      assertEquals("up", r.get("state"), r.toString());
      double t = Double.parseDouble(r.get("time_s"));
      assertTrue(t >= last.getOrDefault(node, 0.0), "rows of a node in time order: " + r);
      last.put(node, t);
      energy.merge(node, Double.parseDouble(r.get("power_watts")) * Double.parseDouble(r.get("period_s")), Double::sum);
      assertEquals(64L << 30, Long.parseLong(r.get("memory_total_bytes")));
    }
    // 900 s of 1 s samples, for each of the 5 nodes; their power integrates to each node's energy.
    assertEquals(5 * 900, nodes.size());
    for (JsonNode n : report.get("nodes")) {
      String name = n.get("name").asText();
      assertEquals(n.get("energy_joules").asDouble(), energy.get(name), 1e-6 * n.get("energy_joules").asDouble(), name);
      assertEquals(900.0, last.get(name), 1e-9, name);
    }

    List<CSVRecord> rounds = read(tmp.resolve("series/rounds.csv.gz"));
    JsonNode migrations = report.get("migrations");
    for (int i = 0; i < migrations.size(); i++) {
      JsonNode m = migrations.get(i);
      String id = "m" + (i + 1);
      List<CSVRecord> mine = rounds.stream().filter(r -> r.get("migration").equals(id)).toList();
      long bytes = 0;
      List<CSVRecord> live = new ArrayList<>();
      CSVRecord suspended = null;
      for (CSVRecord r : mine) {
        assertEquals(m.get("guest").asText(), r.get("guest"));
        assertEquals(m.get("from").asText(), r.get("from"));
        assertEquals(m.get("to").asText(), r.get("to"));
        assertEquals(m.get("type").asText(), r.get("type"));
        assertTrue(Double.parseDouble(r.get("end_s")) >= Double.parseDouble(r.get("start_s")), r.toString());
        bytes += Long.parseLong(r.get("bytes"));
        if (r.get("kind").equals("round")) {
          live.add(r);
        } else if (r.get("kind").equals("stop-and-copy") || r.get("kind").equals("device-state")) {
          suspended = r;
        }
      }
      assertEquals(m.get("bytes_transferred").asLong(), bytes, id + ": its streams add up to its bytes");
      assertEquals(m.get("rounds").asInt(), live.size(), id);
      for (int k = 0; k < live.size(); k++) {
        JsonNode logged = m.get("round_log").get(k);
        assertEquals(logged.get("round").asInt(), Integer.parseInt(live.get(k).get("round")), id);
        assertEquals(logged.get("pages_sent").asLong(), Long.parseLong(live.get(k).get("pages_sent")), id);
        assertEquals(logged.get("pages_dirtied").asLong(), Long.parseLong(live.get(k).get("pages_dirtied")), id);
        double start = Double.parseDouble(live.get(k).get("start_s"));
        double end = Double.parseDouble(live.get(k).get("end_s"));
        assertEquals(logged.get("duration_s").asDouble(), end - start, 1e-6, id);
      }
      if (m.get("outcome").asText().equals("completed")) {
        assertTrue(suspended != null, id + ": a completed migration copied the suspended guest");
        assertEquals(m.get("downtime_s").asDouble(), Double.parseDouble(suspended.get("downtime_s")), 1e-12, id);
      } else {
        assertTrue(mine.isEmpty(), id + " was refused: it sent nothing");
      }
    }
    assertTrue(Files.exists(tmp.resolve("report.html")));
  }

  /** Nodes that are down have rows too (a failed one draws nothing, an off one its standby power), and guests. */
  @Test
  void downNodesAndGuestsHaveRows() throws IOException {
    Cli.Outcome o = Cli.run("run", Cli.config("every-setting.conf").toString(), "--out", tmp.toString(),
        "--no-progress", "--set", "metrics.prometheus.enabled=false", "--set", "metrics.series.guests=true");
    assertEquals(0, o.code(), o.err());
    JsonNode report = Cli.report(tmp);
    double seconds = report.get("simulated_seconds").asDouble();
    Map<String, Double> energy = new TreeMap<>();
    Map<String, List<String>> states = new TreeMap<>();
    Map<String, Double> covered = new TreeMap<>();
    for (CSVRecord r : read(tmp.resolve("series/nodes.csv.gz"))) {
      String node = r.get("node");
      double period = Double.parseDouble(r.get("period_s"));
      energy.merge(node, Double.parseDouble(r.get("power_watts")) * period, Double::sum);
      covered.merge(node, period, Double::sum);
      List<String> s = states.computeIfAbsent(node, k -> new ArrayList<>());
      if (s.isEmpty() || !s.get(s.size() - 1).equals(r.get("state"))) {
        s.add(r.get("state"));
      }
    }
    assertEquals(List.of("failed"), states.get("c"), "c fails at 0 s and stays down");
    assertTrue(states.get("y").contains("off"), "y is switched off for a while: " + states.get("y"));
    for (JsonNode n : report.get("nodes")) {
      String name = n.get("name").asText();
      assertEquals(n.get("energy_joules").asDouble(), energy.get(name), 1e-6 * n.get("energy_joules").asDouble() + 1e-6,
          name);
      assertTrue(covered.get(name) >= seconds - 1.0 && covered.get(name) <= seconds + 1e-9,
          name + " has rows over the whole run: " + covered.get(name));
    }
    List<CSVRecord> guests = read(tmp.resolve("series/guests.csv.gz"));
    assertTrue(guests.stream().anyMatch(r -> r.get("guest").equals("web") && r.get("state").equals("running")));
    assertTrue(guests.stream().anyMatch(r -> r.get("type").equals("hvm")));
    for (CSVRecord r : guests) {
      assertTrue(Double.parseDouble(r.get("cpu_served_cores")) <= Double.parseDouble(r.get("cpu_demand_cores")) + 1e-9,
          "a guest gets at most what it asks: " + r);
    }
  }

  @Test
  void seriesOffLeavesNoSeriesAndAPreviousRunsAreRemoved() throws IOException {
    Cli.Outcome first = Cli.run("run", "--out", tmp.toString(), "--duration", "30s", "--no-progress");
    assertEquals(0, first.code(), first.err());
    assertTrue(Files.exists(tmp.resolve("series/nodes.csv.gz")));
    assertTrue(Files.exists(tmp.resolve("series/rounds.csv.gz")));
    Path killed = tmp.resolve(".series.12345.domsim-tmp"); // what a killed run leaves
    Files.createDirectories(killed);
    Files.writeString(killed.resolve("nodes.csv.gz"), "partial");
    Cli.Outcome off = Cli.run("run", "--out", tmp.toString(), "--duration", "30s", "--no-progress",
        "--set", "metrics.series.enabled=false");
    assertEquals(0, off.code(), off.err());
    assertFalse(Files.exists(tmp.resolve("series")), "no series directory when the series are off");
    assertFalse(Files.exists(killed), "a killed run's temporary series are removed");
    assertTrue(Files.exists(tmp.resolve("report.html")), "report.html all the same");
    assertTrue(Files.readString(tmp.resolve("report.html")).contains("metrics.series.enabled = false"));
  }

  @Test
  void aSettingThatIsNotABooleanIsRefused() {
    Cli.Outcome o = Cli.run("run", "--out", tmp.toString(), "--no-progress", "--set", "metrics.series.guests=maybe");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("metrics.series.guests"), o.err());
  }

  private static List<CSVRecord> read(Path gz) throws IOException {
    try (Reader in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8)) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
    }
  }
}
