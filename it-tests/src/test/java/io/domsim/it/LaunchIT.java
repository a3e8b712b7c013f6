package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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

/** `domsim launch` on the real clock, steered live with `domsim migrate`, `status`, `fail` and `stop`. */
class LaunchIT {

  @TempDir
  Path tmp;

  @Test
  @Timeout(90)
  void aLaunchedClusterIsSteeredLiveAndReportsWhatHappened() throws Exception {
    Path conf = tmp.resolve("live.conf");
    // At speed 50, an hour of simulated time would take 72 s: the test stops it long before.
    Files.writeString(conf, """
        domsim {
          simulation { speed = 50, duration = 1h }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b }, { name = c } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a, workload { dirty-rate = 1000, working-set = 64MiB } }
                     { name = db, type = hvm, memory = 1GiB, node = b } ]
        }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path report = tmp.resolve("out");
    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
        new PrintWriter(err, true), "launch", conf.toString(), "--out", report.toString(), "--api-port", "0",
        "--no-progress"));
    String api = Cli.awaitApi(err, launch);

    Cli.Outcome migrate = Cli.run("migrate", "web", "--to", "c", "--api", api);
    assertEquals(0, migrate.code(), migrate.err());
    assertTrue(migrate.out().contains("\"id\" : \"m1\""), migrate.out());

    Cli.Outcome unknown = Cli.run("migrate", "nobody", "--to", "c", "--api", api);
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("no guest nobody"), unknown.err());
    Cli.Outcome badAlgorithm = Cli.run("migrate", "web", "--to", "b", "--algorithm", "teleport", "--api", api);
    assertEquals(2, badAlgorithm.code());
    assertTrue(badAlgorithm.err().contains("\"teleport\" is not a migration algorithm; use one of post-copy, pre-copy, stop-and-copy"), badAlgorithm.err());

    // A 1 GiB guest over 10 Gbit/s takes about a simulated second: wait for it in the status.
    JsonNode status = null;
    for (int i = 0; i < 100; i++) {
      Cli.Outcome s = Cli.run("status", "--api", api);
      assertEquals(0, s.code(), s.err());
      status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s.out());
      if (status.get("guest_locations").path("web").asText().equals("c")) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("c", status.get("guest_locations").get("web").asText(), status.toPrettyString());

    assertEquals(0, Cli.run("fail", "b", "--api", api).code());
    assertEquals(0, Cli.run("stop", "--api", api).code());
    assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());

    JsonNode r = Cli.report(report);
    assertEquals("real", r.get("clock").asText());
    assertTrue(r.get("simulated_seconds").asDouble() < 3600, "stopped early");
    JsonNode m = r.get("migrations").get(0);
    assertEquals("completed", m.get("outcome").asText(), m.toString());
    assertEquals("c", Cli.guest(r, "web").get("node_end").asText());
    assertEquals("lost", Cli.guest(r, "db").get("state_end").asText());

    Cli.Outcome gone = Cli.run("status", "--api", api);
    assertEquals(2, gone.code());
    assertTrue(gone.err().contains("no domsim launch answers"), gone.err());
  }

  @Test
  @Timeout(90)
  void linkFaultsAreCommandsTooAndARefusalSaysWhy() throws Exception {
    Path conf = tmp.resolve("faults.conf");
    Files.writeString(conf, """
        domsim {
          simulation { speed = 20, duration = 1h }
          network.latency = 1ms
          node-defaults { memory = 16GiB, nic = 1Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a } ]
        }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path report = tmp.resolve("out-faults");
    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
        new PrintWriter(err, true), "launch", conf.toString(), "--out", report.toString(), "--api-port", "0",
        "--no-progress"));
    String api = Cli.awaitApi(err, launch);

    // b is cut off for a simulated minute: the migration stalls, and completes once the cut heals.
    Cli.Outcome cut = Cli.run("partition", "b", "--duration", "1m", "--api", api);
    assertEquals(0, cut.code(), cut.err());
    assertTrue(cut.out().contains("\"partitioned\" : \"b\""), cut.out());
    Cli.Outcome again = Cli.run("partition", "b", "--api", api);
    assertEquals(2, again.code());
    assertTrue(again.err().contains("node b is already cut off; wait until that partition heals"), again.err());
    assertEquals(0, Cli.run("migrate", "web", "--to", "b", "--api", api).code());

    Cli.Outcome nothing = Cli.run("degrade-link", "a", "--api", api);
    assertEquals(2, nothing.code());
    assertTrue(nothing.err().contains("needs a bandwidth, a latency or both"), nothing.err());
    Cli.Outcome fast = Cli.run("degrade-link", "a", "--latency", "10us", "--api", api);
    assertEquals(2, fast.code());
    assertTrue(fast.err().contains("no faster than the network"), fast.err());
    Cli.Outcome slow = Cli.run("degrade-link", "a", "--bandwidth", "500Mbps", "--api", api);
    assertEquals(0, slow.code(), slow.err());
    Cli.Outcome bad = Cli.run("degrade-link", "a", "--bandwidth", "fast", "--api", api);
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("bandwidth \"fast\" is not a bandwidth such as 100Mbps"), bad.err());

    Cli.Outcome lossy = Cli.run("network-faults", "--loss", "0.1", "--reorder", "true", "--api", api);
    assertEquals(0, lossy.code(), lossy.err());
    assertTrue(lossy.out().contains("loss 0.1, duplicate 0.0, reorder true"), lossy.out());
    Cli.Outcome all = Cli.run("network-faults", "--loss", "1", "--api", api);
    assertEquals(2, all.code());
    assertTrue(all.err().contains("loss must be from 0 to below 1, was 1"), all.err());
    assertEquals(2, Cli.run("network-faults", "--api", api).code());
    assertEquals(0, Cli.run("network-faults", "--loss", "0", "--api", api).code());

    JsonNode status = null;
    for (int i = 0; i < 300; i++) { // 1 min simulated at speed 20: 3 s, then about 20 s of stream
      status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Cli.run("status", "--api", api).out());
      if (status.get("guest_locations").path("web").asText().equals("b")) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("b", status.get("guest_locations").get("web").asText(), status.toPrettyString());
    assertEquals(0, Cli.run("stop", "--api", api).code());
    assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());
    JsonNode m = Cli.report(report).get("migrations").get(0);
    assertEquals("completed", m.get("outcome").asText(), m.toString());
    // Prepare waited for the cut to heal; then 1 GiB at the degraded 500 Mbit/s, 94.1% of it data: 18.3 s.
    assertTrue(m.get("finished_at_s").asDouble() - m.get("requested_at_s").asDouble() > 50, m.toString());
    assertEquals(8.0 * (1L << 30) / (500e6 * MigrationRuns.DATA_PER_LINE_BYTE),
        m.get("round_log").get(0).get("duration_s").asDouble(), 0.01);
  }

}
