package io.domsim.it;

import static io.domsim.it.MigrationRuns.d;
import static io.domsim.it.MigrationRuns.migration;
import static io.domsim.it.MigrationRuns.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.domsim.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7, the recover action: a failed node boots again, empty, through the real entry points (the scenario
 * of {@code domsim run}, and {@code domsim recover} on a launched cluster).
 */
class RecoverIT {

  @TempDir
  Path tmp;

  /** g (idle, 1 GiB) runs on a; h runs on b, which fails at 2 s and boots again at 5 s; g moves to b at 8 s. */
  private static MigrationRuns.Conf failRecoverMigrate(String type) {
    return new MigrationRuns.Conf().duration("30s").nodes("a", "b", "c").idleGuest("g", type, "1GiB", "a")
        .idleGuest("h", "pv", "1GiB", "b").fail("2s", "b").recover("5s", "b").migrate("8s", "g", "b");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void aGuestMigratesToARecoveredNodeAndRunsThere(String type) {
    JsonNode r = MigrationRuns.run(tmp, "recover-" + type, failRecoverMigrate(type));
    JsonNode m = migration(r, "g");
    assertEquals("completed", s(m, "outcome"), m.toString());
    JsonNode g = Cli.guest(r, "g");
    assertEquals("running", s(g, "state_end"));
    assertEquals("b", s(g, "node_end"));
    JsonNode h = Cli.guest(r, "h");
    assertEquals("lost", s(h, "state_end"), "booting again does not bring the guest back: " + h);
    assertEquals("its node failed", s(h, "reason"));
    JsonNode b = Cli.node(r, "b");
    assertFalse(b.get("failed").asBoolean(), b.toString());
    assertEquals(1, b.get("guests_end").asInt());
    JsonNode outages = b.get("outages");
    assertEquals(1, outages.size(), b.toString());
    assertEquals(2.0, d(outages.get(0), "failed_at_s"));
    assertEquals(5.0, d(outages.get(0), "recovered_at_s"));
    assertFalse(Cli.node(r, "a").has("outages"), "a node that never failed lists none");
    // g ran on b from its handover to the end: b counts the guest's CPU time (useful work on b is g's).
    assertTrue(d(b, "cpu_utilization_avg") > 0 && d(b, "energy_joules") > 0, b.toString());
  }

  @Test
  void aNodeThatFailsForGoodListsNoOutagesAndARecoveredOneRunsDom0AgainAtIdlePowerAndMore() {
    MigrationRuns.Conf base = new MigrationRuns.Conf().duration("30s").nodes("a", "b")
        .idleGuest("h", "pv", "1GiB", "b").fail("10s", "b");
    JsonNode down = MigrationRuns.run(tmp, "down", base);
    JsonNode back = MigrationRuns.run(tmp, "back", base.recover("20s", "b"));
    JsonNode downB = Cli.node(down, "b");
    JsonNode backB = Cli.node(back, "b");
    assertTrue(downB.get("failed").asBoolean());
    assertFalse(downB.has("outages"), "report.json of a run without recover is as it was: " + downB);
    // Up to 20 s the runs are the same; from 20 s to 30 s the rebooted b runs its Dom0 (1 vCPU of 4 cores).
    double dom0Cores = (d(backB, "dom0_cpu_utilization_avg") - d(downB, "dom0_cpu_utilization_avg")) * 1 * 30 / 10;
    assertTrue(dom0Cores > 0 && dom0Cores <= 1, "Dom0 runs again: " + dom0Cores);
    double watts = 120 + (300 - 120) * dom0Cores / 4; // the reference power model, linear in utilisation
    double after = d(backB, "energy_joules") - d(downB, "energy_joules");
    assertEquals(watts * 10, after, 1e-6 * after, "10 s at idle power plus Dom0's load, nothing while down");
    assertEquals(d(backB, "energy_joules") / 30, d(backB, "power_watts_avg"), 1e-9, "averaged over the whole run");
    assertEquals(0, backB.get("guests_end").asInt());
  }

  @Test
  void theSameConfigAndSeedGiveTheSameReport() {
    JsonNode first = MigrationRuns.run(tmp, "first", failRecoverMigrate("hvm"));
    JsonNode second = MigrationRuns.run(tmp, "second", failRecoverMigrate("hvm"));
    ((ObjectNode) first).remove("wall_seconds");
    ((ObjectNode) second).remove("wall_seconds");
    assertEquals(first, second);
  }

  @Test
  void recoveringANodeThatHasNotFailedIsAConfigError() throws Exception {
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, new MigrationRuns.Conf().nodes("a", "b").idleGuest("g", "pv", "1GiB", "a")
        .recover("5s", "b").text());
    for (String command : new String[] {"validate", "run"}) {
      Cli.Outcome o = command.equals("run") ? Cli.run("run", conf.toString(), "--out", tmp.resolve("out").toString())
          : Cli.run("validate", conf.toString());
      assertEquals(2, o.code(), command + ": " + o.err());
      assertTrue(o.err().contains(conf + ":") && o.err().contains("domsim.scenario[0].node: node b is not failed at 5s"),
          command + ": " + o.err());
    }
  }

  @Test
  @Timeout(90)
  void aLaunchedClusterRecoversAFailedNodeAndRefusesToRecoverALiveOne() throws Exception {
    Path conf = tmp.resolve("live.conf");
    Files.writeString(conf, """
        domsim {
          simulation { speed = 50, duration = 1h }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = web, type = hvm, memory = 1GiB, node = a }
                     { name = db, type = pv, memory = 1GiB, node = b } ]
        }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path report = tmp.resolve("out");
    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
        new PrintWriter(err, true), "launch", conf.toString(), "--out", report.toString(), "--api-port", "0",
        "--no-progress"));
    String api = Cli.awaitApi(err, launch);
    try {
      Cli.Outcome live = Cli.run("recover", "b", "--api", api);
      assertEquals(2, live.code(), live.out());
      assertTrue(live.err().contains("node b has not failed, so it cannot recover"), live.err());
      Cli.Outcome unknown = Cli.run("recover", "z", "--api", api);
      assertEquals(2, unknown.code());
      assertTrue(unknown.err().contains("no node z in this cluster"), unknown.err());

      assertEquals(0, Cli.run("fail", "b", "--api", api).code());
      Cli.Outcome recovered = Cli.run("recover", "b", "--api", api);
      assertEquals(0, recovered.code(), recovered.err());
      assertTrue(recovered.out().contains("\"recovered\" : \"b\""), recovered.out());
      Cli.Outcome again = Cli.run("recover", "b", "--api", api);
      assertEquals(2, again.code(), "b runs again");

      assertEquals(0, Cli.run("migrate", "web", "--to", "b", "--api", api).code());
      JsonNode status = null;
      for (int i = 0; i < 100; i++) {
        Cli.Outcome st = Cli.run("status", "--api", api);
        assertEquals(0, st.code(), st.err());
        status = new ObjectMapper().readTree(st.out());
        if (status.get("guest_locations").path("web").asText().equals("b")) {
          break;
        }
        Thread.sleep(100);
      }
      assertEquals("b", status.get("guest_locations").get("web").asText(), status.toPrettyString());
    } finally {
      Cli.run("stop", "--api", api);
    }
    assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());
    JsonNode r = Cli.report(report);
    JsonNode b = Cli.node(r, "b");
    assertFalse(b.get("failed").asBoolean(), b.toString());
    assertEquals(1, b.get("outages").size(), b.toString());
    assertEquals("b", Cli.guest(r, "web").get("node_end").asText());
    assertEquals("lost", Cli.guest(r, "db").get("state_end").asText());
    assertEquals("completed", r.get("migrations").get(0).get("outcome").asText());
  }

}
