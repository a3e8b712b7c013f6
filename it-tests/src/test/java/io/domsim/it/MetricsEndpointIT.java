package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 2: with metrics.prometheus.enabled, /metrics serves the per-node meters during the run. */
class MetricsEndpointIT {

  @TempDir
  Path tmp;

  @Test
  @Timeout(60)
  void prometheusEndpointServesPerNodeMetersDuringTheRun() throws Exception {
    Path conf = tmp.resolve("metrics.conf");
    // A real-clock run at 20x: 60 simulated seconds last about 3 wall seconds, time enough to scrape.
    Files.writeString(conf, """
        domsim {
          simulation { clock = real, speed = 20, duration = 60s }
          nodes = [ { name = n1 }, { name = n2 } ]
          guests = [ { name = pv-1, type = pv, node = n1, workload { io-rate = 500 } }
                     { name = hvm-1, type = hvm, node = n2, workload { io-rate = 500 } } ]
          metrics.prometheus { enabled = true, host = "127.0.0.1", port = 0 }
        }
        """);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
        new PrintWriter(err, true), "run", conf.toString(), "--out", tmp.toString(), "--no-progress"));
    String url = awaitUrl(err, run);
    HttpClient http = HttpClient.newHttpClient();
    String body = null;
    // Wait for at least a couple of samples (1 s simulated each, 50 ms wall at 20x).
    for (int attempt = 0; attempt < 100 && !run.isDone(); attempt++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      body = response.body();
      // Samples of the two nodes come one after the other: wait until both have counted something.
      if (sampleValue(body, "domsim_node_vmexits_total", "n2") > 0
          && sampleValue(body, "domsim_node_hypercalls_total", "n1") > 0) {
        break;
      }
      Thread.sleep(100);
    }
    assertNotNull(body, "scraped at least once while the run was going");
    assertTrue(sampleValue(body, "domsim_node_vmexits_total", "n2") > 0, body);
    assertTrue(sampleValue(body, "domsim_node_hypercalls_total", "n1") > 0, body);
    assertTrue(sampleValue(body, "domsim_node_memory_used_bytes", "n1") > 4e9, "Dom0 alone holds 4 GiB");
    assertTrue(body.contains("domsim_node_cpu_utilization_ratio{node=\"n1\"}"), body);
    assertTrue(body.contains("domsim_node_power_watts{node=\"n2\"}"), body);
    assertTrue(body.contains("domsim_node_guests{node=\"n1\"}"), body);
    assertEquals(0, run.get().intValue(), err.toString());
  }

  private static String awaitUrl(StringWriter err, CompletableFuture<Integer> run) throws InterruptedException {
    Pattern p = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/metrics)");
    for (int i = 0; i < 300; i++) {
      Matcher m = p.matcher(err.toString());
      if (m.find()) {
        return m.group(1);
      }
      if (run.isDone()) {
        throw new AssertionError("the run ended before announcing its metrics endpoint: " + err);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no metrics endpoint announced: " + err);
  }

  /** The value of a sample line {@code NAME{node="NODE"} VALUE}, or -1 when absent. */
  private static double sampleValue(String body, String name, String node) throws IOException {
    Matcher m = Pattern.compile("^" + Pattern.quote(name + "{node=\"" + node + "\"}") + " (\\S+)$",
        Pattern.MULTILINE).matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
