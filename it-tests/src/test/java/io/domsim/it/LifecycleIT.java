package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.domsim.cli.Main;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest lifecycle in the scenario (create, pause, unpause, shutdown, destroy) through {@code domsim run}
 * and {@code domsim validate}: what report.json says of each guest and each verb.
 */
class LifecycleIT {

  @TempDir
  static Path tmp;

  static Cli.Outcome run;
  static JsonNode report;

  @BeforeAll
  static void runOnce() {
    run = Cli.run("run", Cli.config("lifecycle.conf").toString(), "--out", tmp.resolve("out").toString());
    assertEquals(0, run.code(), run.err());
    report = Cli.report(tmp.resolve("out"));
  }

  static double cpu(String guest) {
    return Cli.guest(report, guest).get("cpu_seconds").asDouble();
  }

  static String s(JsonNode n, String field) {
    return n.get(field).isNull() ? null : n.get(field).asText();
  }

  /** {@code guest}'s CPU seconds are those of a guest that ran for {@code seconds} of the 200 s run. */
  static void ranFor(String guest, double seconds) {
    double expected = cpu("steady") * seconds / 200;
    assertEquals(expected, cpu(guest), 0.01 * expected, () -> guest + " ran for " + seconds + " s: "
        + Cli.guest(report, guest));
  }

  @Test
  void eachGuestEndsAsItsVerbsLeftIt() {
    List<String> names = new ArrayList<>();
    report.get("guests").forEach(g -> names.add(s(g, "name")));
    assertEquals(List.of("steady", "napper", "killed", "stopped", "moving", "big-early", "big-late", "pinned-new"),
        names, "created guests after the configured ones, in creation order");
    JsonNode killed = Cli.guest(report, "killed");
    assertEquals("destroyed", s(killed, "state_end"));
    assertEquals("destroyed on b at 50s (xl destroy)", s(killed, "reason"));
    assertEquals(50.0, killed.get("ended_at_s").asDouble());
    assertTrue(killed.get("node_end").isNull(), killed::toString);
    JsonNode stopped = Cli.guest(report, "stopped");
    assertEquals("shut-down", s(stopped, "state_end"));
    assertEquals(50.0, stopped.get("ended_at_s").asDouble(), "asked at 30 s, an HVM guest takes 20 s");
    assertEquals("shut down on a at 50s (xl shutdown asked at 30s)", s(stopped, "reason"));
    assertEquals("running", s(Cli.guest(report, "napper"), "state_end"));
    JsonNode moving = Cli.guest(report, "moving");
    assertEquals("running", s(moving, "state_end"), "the destroy during its migration was refused");
    assertEquals("b", s(moving, "node_end"));
    JsonNode early = Cli.guest(report, "big-early");
    assertEquals("not-started", s(early, "state_end"));
    assertTrue(s(early, "reason").startsWith("no node has room for guest big-early"), early::toString);
    assertEquals(10.0, early.get("created_at_s").asDouble());
    JsonNode late = Cli.guest(report, "big-late");
    assertEquals("running", s(late, "state_end"));
    assertEquals("b", s(late, "node_start"), "placed where killed's memory was freed");
    assertEquals(60.0, late.get("created_at_s").asDouble());
    assertEquals("destroyed", s(Cli.guest(report, "pinned-new"), "state_end"));
    assertFalse(Cli.guest(report, "steady").has("created_at_s"), "configured guests have no such field");
    assertFalse(Cli.guest(report, "steady").has("ended_at_s"));
  }

  @Test
  void cpuStopsWithTheDomainAndPausesWhileItIsPaused() {
    ranFor("killed", 50);
    ranFor("stopped", 50);
    ranFor("napper", 200 - 60);
    ranFor("pinned-new", 50);
    ranFor("big-late", 140);
    assertEquals(0.0, cpu("big-early"));
    assertEquals(100, cpu("steady"), 1, "half a vCPU for 200 s");
  }

  @Test
  void everyVerbIsListedWithItsOutcome() {
    JsonNode ops = report.get("operations");
    assertEquals(9, ops.size(), ops::toString);
    List<String> lines = new ArrayList<>();
    ops.forEach(o -> lines.add(o.get("at_s").asDouble() + " " + s(o, "action") + " " + s(o, "guest") + " "
        + s(o, "node") + " " + s(o, "outcome")));
    ops.forEach(o -> assertEquals("scenario", s(o, "requested_by"), o.toString()));
    assertEquals(List.of(
        "10.0 create big-early null refused",
        "20.0 pause napper a completed",
        "30.0 shutdown stopped a completed",
        "40.0 destroy moving a refused",
        "50.0 destroy killed b completed",
        "60.0 create big-late b completed",
        "80.0 unpause napper a completed",
        "100.0 create pinned-new a completed",
        "150.0 destroy pinned-new a completed"), lines);
    assertEquals(50.0, ops.get(2).get("finished_at_s").asDouble(), "a shutdown ends when the domain is gone");
    assertTrue(s(ops.get(3), "reason").startsWith("guest moving is migrating (m1, a -> b), so its domain is busy"),
        ops.get(3)::toString);
  }

  @Test
  void freedMemoryIsFreeOnTheNodes() {
    JsonNode a = Cli.node(report, "a");
    JsonNode b = Cli.node(report, "b");
    assertEquals(2, a.get("guests_end").asInt(), "steady and napper: stopped and pinned-new are gone");
    assertEquals(2, b.get("guests_end").asInt(), "moving and big-late: killed is gone");
    long gib = 1L << 30;
    long overhead = 20_000; // hypervisor.costs.domain-overhead, per domain (Dom0's too)
    assertEquals(4 * gib + 2 * gib + 3 * overhead, a.get("memory_used_bytes_end").asLong());
    assertEquals(4 * gib + 11 * gib + 3 * overhead, b.get("memory_used_bytes_end").asLong());
  }

  @Test
  void theTableListsCreatedGuestsAndTheVerbs() {
    assertTrue(run.out().contains("  big-late (pv): created at 1m0s, running on b"), run.out());
    assertTrue(run.out().contains("  killed (pv): destroyed - destroyed on b at 50s (xl destroy)"), run.out());
    assertTrue(run.out().contains("40s       destroy   moving         a              refused"), run.out());
  }

  @Test
  void validateRefusesATimelineThatCannotBeCarriedOut() throws IOException {
    assertEquals(0, Cli.run("validate", Cli.config("lifecycle.conf").toString()).code());
    String text = Files.readString(Cli.config("lifecycle.conf")).replace(
        "{ at = 80s, action = unpause, guest = napper }", "{ at = 80s, action = pause, guest = napper }");
    Path bad = tmp.resolve("bad.conf");
    Files.writeString(bad, text);
    Cli.Outcome v = Cli.run("validate", bad.toString());
    assertEquals(2, v.code(), v.err());
    int line = text.lines().toList().indexOf("    { at = 80s, action = pause, guest = napper }") + 1;
    assertTrue(v.err().contains(bad + ":" + line + ": domsim.scenario[7].guest: guest napper is paused at 80s (since"
        + " 20s) already; remove this pause, or unpause it before"), v.err());
    Cli.Outcome r = Cli.run("run", bad.toString(), "--out", tmp.resolve("bad-out").toString());
    assertEquals(2, r.code(), "run refuses what validate refuses");
  }

  @Test
  @Timeout(90)
  void aLaunchedClusterTakesTheVerbsLive() throws Exception {
    Path conf = tmp.resolve("live.conf");
    Files.writeString(conf, """
        domsim {
          simulation { speed = 50, duration = 1h }
          node-defaults { memory = 16GiB, dom0 { memory = 1GiB } }
          nodes = [ { name = a } ]
          guests = [ { name = web, memory = 1GiB, node = a }, { name = db, type = hvm, memory = 1GiB, node = a } ]
        }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path report = tmp.resolve("live-out");
    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
        new PrintWriter(err, true), "launch", conf.toString(), "--out", report.toString(), "--api-port", "0",
        "--no-progress"));
    String api = Cli.awaitApi(err, launch);
    try {
      Cli.Outcome paused = Cli.run("pause", "web", "--api", api);
      assertEquals(0, paused.code(), paused.err());
      assertTrue(paused.out().contains("\"done\" : \"web paused on a\""), paused.out());
      Cli.Outcome again = Cli.run("pause", "web", "--api", api);
      assertEquals(2, again.code());
      assertTrue(again.err().contains("guest web is already paused"), again.err());
      assertEquals(0, Cli.run("unpause", "web", "--api", api).code());
      Cli.Outcome unknown = Cli.run("destroy", "nobody", "--api", api);
      assertEquals(2, unknown.code());
      assertTrue(unknown.err().contains("no guest nobody in this cluster"), unknown.err());
      Cli.Outcome shutdown = Cli.run("shutdown", "db", "--api", api);
      assertEquals(0, shutdown.code(), shutdown.err());
      assertTrue(shutdown.out().contains("db is shutting down on a; gone at "), shutdown.out());
      Cli.Outcome destroyed = Cli.run("destroy", "web", "--api", api);
      assertEquals(0, destroyed.code(), destroyed.err());
      assertTrue(destroyed.out().contains("web destroyed on a"), destroyed.out());
    } finally {
      Cli.run("stop", "--api", api);
    }
    assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());
    JsonNode r = Cli.report(report);
    assertEquals("destroyed", s(Cli.guest(r, "web"), "state_end"));
    List<String> verbs = new ArrayList<>();
    r.get("operations").forEach(o -> verbs.add(s(o, "action") + " " + s(o, "guest") + " " + s(o, "outcome")));
    assertEquals(List.of("pause web completed", "pause web refused", "unpause web completed", "shutdown db "
        + (s(Cli.guest(r, "db"), "state_end").equals("shut-down") ? "completed" : "in-progress"),
        "destroy web completed"), verbs, "an unknown guest is no operation");
  }

  @Test
  void theBundledExampleTellsItsStory() {
    Cli.Outcome o = Cli.run("run", Cli.example("lifecycle.conf").toString(), "--out", tmp.resolve("example").toString());
    assertEquals(0, o.code(), o.err());
    JsonNode r = Cli.report(tmp.resolve("example"));
    assertEquals("not-started", s(Cli.guest(r, "report-1"), "state_end"), "7 GiB fits nowhere at 2m30s");
    assertEquals("node-b", s(Cli.guest(r, "report-2"), "node_start"), "where db's memory was freed");
    assertEquals("shut-down", s(Cli.guest(r, "db"), "state_end"));
    assertEquals("running", s(Cli.guest(r, "cache"), "state_end"), "its destroy came while it migrated");
    assertEquals("destroyed", s(Cli.guest(r, "web"), "state_end"));
    assertEquals("node-a", s(Cli.guest(r, "pinned"), "node_start"));
    List<String> outcomes = new ArrayList<>();
    r.get("operations").forEach(op -> outcomes.add(s(op, "outcome")));
    assertEquals(List.of("completed", "completed", "refused", "completed", "completed", "refused", "completed",
        "completed"), outcomes);
  }
}
