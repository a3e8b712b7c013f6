package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2: `domsim run` end to end, through the real command line. */
class RunCommandIT {

  @TempDir
  Path tmp;

  @Test
  void validateFoldsIdenticalNodesAsTheRunTableDoes() {
    Cli.Outcome o = Cli.run("validate");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().lines().anyMatch(l -> l.startsWith("rack-a-1..40 (40 nodes) ")), o.out());
    assertTrue(o.out().lines().anyMatch(l -> l.startsWith("node-3 ")), o.out()); // 64 GiB: unlike node-1..2
    Cli.Outcome all = Cli.run("validate", "--all-nodes");
    assertEquals(0, all.code(), all.err());
    assertTrue(all.out().lines().anyMatch(l -> l.startsWith("rack-a-40 ")), all.out());
    assertTrue(all.out().lines().noneMatch(l -> l.contains("(40 nodes)")), all.out());
  }

  @Test
  void bundledExampleRunsAndPrintsThePerNodeTable() {
    Cli.Outcome o = Cli.run("run", "--out", tmp.toString(), "--duration", "2m", "--no-progress");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("NODE"), o.out());
    // The 40 identical idle rack-a nodes share a row; --all-nodes gives each its own.
    assertTrue(o.out().lines().anyMatch(l -> l.startsWith("rack-a-1..40 (40 nodes) ")), o.out());
    assertTrue(o.out().lines().noneMatch(l -> l.startsWith("rack-a-40 ")), o.out());
    Cli.Outcome all = Cli.run("run", "--out", tmp.resolve("all").toString(), "--duration", "2m", "--no-progress",
        "--all-nodes");
    assertTrue(all.out().lines().anyMatch(l -> l.startsWith("rack-a-40 ")), all.out());
    JsonNode r = Cli.report(tmp);
    assertEquals(42, r.get("seed").asLong());
    assertEquals("virtual", r.get("clock").asText());
    assertEquals(120.0, r.get("simulated_seconds").asDouble(), 1e-9);
    assertEquals(44, r.get("nodes").size());
    for (String field : List.of("name", "cores", "memory_bytes", "hvm_support", "cpu_utilization_avg",
        "dom0_cpu_utilization_avg", "memory_used_bytes_end", "guests_end", "hypercalls", "vm_exits",
        "energy_joules")) {
      assertTrue(r.get("nodes").get(0).has(field), "node field " + field);
    }
    for (String field : List.of("name", "type", "vcpus", "memory_bytes", "node_start", "node_end", "state_end",
        "cpu_seconds", "io_completed")) {
      assertTrue(r.get("guests").get(0).has(field), "guest field " + field);
    }
    assertTrue(r.has("migrations") && r.get("migrations").isArray());
    // The summary adds up the nodes: energy in kWh, nodes up on average (all 44, the whole run).
    double joules = 0;
    for (JsonNode n : r.get("nodes")) {
      joules += n.get("energy_joules").asDouble();
      assertEquals(120.0, n.get("active_seconds").asDouble(), 1e-9, n.toString());
    }
    JsonNode summary = r.get("summary");
    assertEquals(joules / 3.6e6, summary.get("energy_kwh").asDouble(), 1e-12);
    assertEquals(44.0, summary.get("nodes_active_avg").asDouble(), 1e-9);
    int completed = 0;
    for (JsonNode m : r.get("migrations")) {
      completed += m.get("outcome").asText().equals("completed") ? 1 : 0;
    }
    assertEquals(completed, summary.get("migrations").asInt());
    assertTrue(o.out().contains("kWh"), o.out());
    JsonNode db = Cli.guest(r, "db-1");
    assertEquals("node-2", db.get("node_start").asText(), "db-1 is pinned to node-2");
    assertEquals("running", db.get("state_end").asText());
    assertTrue(db.get("cpu_seconds").asDouble() > 0);
  }

  @Test
  void theContractConfigRunsUnchanged() throws IOException {
    Path contract = Cli.example("cluster.conf");
    Path shared = Path.of("..", "..", "shared", "contract", "cluster.conf");
    if (Files.exists(shared)) {
      assertEquals(Files.readString(shared), Files.readString(contract),
          "examples/cluster.conf must be a verbatim copy of the public contract");
    }
    Cli.Outcome o = Cli.run("run", contract.toString(), "--out", tmp.toString(), "--no-progress");
    assertEquals(0, o.code(), o.err());
    JsonNode r = Cli.report(tmp);
    assertEquals(600.0, r.get("simulated_seconds").asDouble(), 1e-9);
    for (JsonNode g : r.get("guests")) {
      assertEquals("running", g.get("state_end").asText(), g.toString());
    }
    for (JsonNode n : r.get("nodes")) {
      assertTrue(n.get("memory_used_bytes_end").asLong() <= n.get("memory_bytes").asLong(), n.toString());
    }
  }

  @Test
  void sameSeedSameReportDifferentSeedDifferentFigures() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    String conf = Cli.config("varied-load.conf").toString();
    assertEquals(0, Cli.run("run", conf, "--out", a.toString(), "--no-progress").code());
    assertEquals(0, Cli.run("run", conf, "--out", b.toString(), "--no-progress").code());
    assertEquals(0, Cli.run("run", conf, "--out", c.toString(), "--seed", "7", "--no-progress").code());
    assertEquals(withoutWallTime(a), withoutWallTime(b), "same config and seed: byte-identical report");
    JsonNode ra = Cli.report(a);
    JsonNode rc = Cli.report(c);
    assertNotEquals(Cli.guest(ra, "web-1").get("cpu_seconds").asDouble(),
        Cli.guest(rc, "web-1").get("cpu_seconds").asDouble(), "another seed changes the workload");
    assertNotEquals(Cli.guest(ra, "db-1").get("io_completed").asLong(),
        Cli.guest(rc, "db-1").get("io_completed").asLong());
  }

  @Test
  void migrationsAndFailuresAreDeterministicToo() throws IOException {
    Path a = tmp.resolve("ma");
    Path b = tmp.resolve("mb");
    // The migration example plus a crash of dst-2 in the middle of a stop-and-copy towards it.
    Path conf = tmp.resolve("migration-with-failure.conf");
    Files.writeString(conf, Files.readString(Cli.example("migration.conf"))
        .replace("scenario = [", "scenario = [\n    { at = 690s, action = fail, node = dst-2 }"));
    assertEquals(0, Cli.run("run", conf.toString(), "--out", a.toString(), "--no-progress").code());
    assertEquals(0, Cli.run("run", conf.toString(), "--out", b.toString(), "--no-progress").code());
    assertEquals(withoutWallTime(a), withoutWallTime(b), "same config and seed: byte-identical report");
    JsonNode r = Cli.report(a);
    assertTrue(r.get("migrations").size() >= 8, r.get("migrations").toString());
    assertTrue(r.get("migrations").findValuesAsText("outcome").contains("aborted"),
        "the failure of dst-2 aborts the stop-and-copy of batch-pv: " + r.get("migrations"));
  }

  @Test
  void theProgressBarShowsSimulatedTimeOutOfTheDuration() {
    Cli.Outcome o = Cli.run("run", Cli.config("varied-load.conf").toString(), "--out", tmp.toString(), "--progress");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.err().contains("100.0%  10m0s / 10m0s simulated"), "the last draw shows the end: " + o.err());
    assertTrue(o.err().contains("[##############################]"), o.err());
    assertFalse(o.out().contains("simulated /"), "the bar stays on stderr");
  }

  /** The report's bytes with the wall_seconds line taken out. */
  private static String withoutWallTime(Path dir) throws IOException {
    String json = Files.readString(dir.resolve("report.json"));
    assertTrue(json.contains("\"wall_seconds\""));
    return json.replaceAll("\"wall_seconds\" : [0-9.Ee-]+,", "");
  }

  @Test
  void aGuestThatFitsNowhereIsReportedAndTheRestRuns() {
    Cli.Outcome o = Cli.run("run", Cli.config("overfull.conf").toString(), "--out", tmp.toString(),
        "--no-progress");
    assertEquals(0, o.code(), o.err());
    JsonNode r = Cli.report(tmp);
    int notStarted = 0;
    for (JsonNode g : r.get("guests")) {
      if (g.get("state_end").asText().equals("not-started")) {
        notStarted++;
        assertTrue(g.get("reason").asText().contains("no node has room"), g.toString());
        assertTrue(g.get("node_start").isNull());
      } else {
        assertEquals("running", g.get("state_end").asText());
      }
    }
    // Two 12 GiB nodes with 2 GiB for Dom0 each hold two 5000 MiB guests each: 4 run, 2 do not.
    assertEquals(2, notStarted, o.out());
    for (JsonNode n : r.get("nodes")) {
      assertTrue(n.get("memory_used_bytes_end").asLong() <= n.get("memory_bytes").asLong(), n.toString());
      assertEquals(2, n.get("guests_end").asInt(), n.toString());
    }
    assertTrue(o.out().contains("not-started"), o.out());
  }

  @Test
  void placementPoliciesSpreadOrPack() {
    Path first = tmp.resolve("first");
    Path worst = tmp.resolve("worst");
    String conf = Cli.config("placement.conf").toString();
    assertEquals(0, Cli.run("run", conf, "--out", first.toString(), "--no-progress",
        "--set", "scheduler.placement=first-fit").code());
    assertEquals(0, Cli.run("run", conf, "--out", worst.toString(), "--no-progress",
        "--set", "scheduler.placement=worst-fit").code());
    JsonNode f = Cli.report(first);
    JsonNode w = Cli.report(worst);
    assertEquals(4, Cli.node(f, "n1").get("guests_end").asInt(), "first-fit packs the first node");
    assertEquals(0, Cli.node(f, "n2").get("guests_end").asInt());
    assertEquals(2, Cli.node(w, "n1").get("guests_end").asInt(), "worst-fit spreads");
    assertEquals(2, Cli.node(w, "n2").get("guests_end").asInt());
  }

  @Test
  void reportFieldsAreInTheDocumentedOrder() throws IOException {
    assertEquals(0, Cli.run("run", Cli.config("placement.conf").toString(), "--out", tmp.toString(),
        "--no-progress").code());
    ObjectNode r = (ObjectNode) Cli.report(tmp);
    List<String> top = new java.util.ArrayList<>();
    r.fieldNames().forEachRemaining(top::add);
    assertEquals(List.of("domsim_version", "schema_version", "seed", "clock", "simulated_seconds", "wall_seconds",
        "simulated_events", "summary", "nodes", "guests", "migrations", "config_digest", "config"), top);
  }

  @Test
  void theReportSaysWhichDomsimAndWhichSettingsMadeIt() throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Path c = tmp.resolve("c");
    String conf = Cli.config("placement.conf").toString();
    assertEquals(0, Cli.run("run", conf, "--out", a.toString(), "--no-progress").code());
    assertEquals(0, Cli.run("run", conf, "--out", b.toString(), "--no-progress").code());
    assertEquals(0, Cli.run("run", conf, "--out", c.toString(), "--no-progress", "--set",
        "scheduler.placement=worst-fit").code());
    JsonNode ra = Cli.report(a);
    JsonNode rc = Cli.report(c);
    assertEquals("0.1.0", ra.get("domsim_version").asText());
    assertEquals(2, ra.get("schema_version").asInt());
    assertTrue(ra.get("config_digest").asText().matches("sha256:[0-9a-f]{64}"), ra.get("config_digest").asText());
    assertEquals(ra.get("config_digest"), Cli.report(b).get("config_digest"), "same settings, same digest");
    assertNotEquals(ra.get("config_digest"), rc.get("config_digest"));
    assertEquals("worst-fit", rc.get("config").get("scheduler").get("placement").asText(), "the override is in it");
    // Defaults are there too: the effective configuration, not only the file.
    assertEquals("1s", ra.get("config").get("simulation").get("sample-interval").asText());
  }
}
