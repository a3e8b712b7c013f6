package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, item 3: a real Prometheus (Debian's package) scrapes a launched cluster, and every query of
 * the shipped Grafana dashboard returns series. Prometheus runs on a free loopback port of its own, with
 * a generated config and a temporary store, so a system Prometheus the package may have started does not
 * matter.
 */
class PrometheusIT {
  private static final Path DASHBOARD = Path.of("..", "grafana", "dashboards", "domsim.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  Path tmp;

  @Test
  @Timeout(60)
  void everyDashboardQueryReturnsSeriesFromARealPrometheus() throws Exception {
    Path prometheus = prometheusBinary();
    Path conf = tmp.resolve("observed.conf");
    // At speed 10 a node samples ten times per wall second; an hour is far more than the test needs.
    Files.writeString(conf, """
        domsim {
          simulation { speed = 10, duration = 1h, sample-interval = 1s }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b }, { name = c } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a, workload { dirty-rate = 1000, working-set = 64MiB, io-rate = 200 } }
                     { name = db, type = hvm, memory = 1GiB, node = b, workload { cpu = 0.5, io-rate = 300 } }
                     { name = app, type = pv, memory = 1GiB, node = c } ]
          metrics.prometheus { enabled = true, host = "127.0.0.1", port = 0 }
        }
        """);
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> Main.execute(
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "launch", conf.toString(),
        "--out", tmp.resolve("out").toString(), "--api-port", "0", "--no-progress"));
    Process server = null;
    String api = null;
    try {
      api = Cli.awaitApi(err, launch);
      Matcher m = Pattern.compile("serving Prometheus metrics at http://(127\\.0\\.0\\.1:\\d+)/metrics")
          .matcher(err.toString());
      assertTrue(m.find(), err.toString());
      int port = freePort();
      Path config = tmp.resolve("prometheus.yml");
      Files.writeString(config, """
          global: { scrape_interval: 1s, evaluation_interval: 1s }
          scrape_configs:
            - job_name: domsim
              static_configs: [ { targets: ["%s"] } ]
          """.formatted(m.group(1)));
      server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
          "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
      String base = "http://127.0.0.1:" + port;
      awaitReady(base, server);

      Cli.Outcome migrate = Cli.run("migrate", "web", "--to", "b", "--api", api);
      assertEquals(0, migrate.code(), migrate.err());
      await(base, "domsim_migrations_total{outcome=\"completed\"} == 1", r -> r.size() == 1, "the migration's end");
      assertEquals(0, Cli.run("fail", "c", "--api", api).code());
      await(base, "domsim_node_state{node=\"c\",state=\"failed\"} == 1", r -> r.size() == 1, "c's failure");
      // Three more scrapes, so that every rate window holds a few samples after the events.
      Thread.sleep(3000);

      TreeSet<String> nodes = new TreeSet<>();
      get(base + "/api/v1/label/node/values?match[]=" + enc("domsim_node_up")).get("data")
          .forEach(n -> nodes.add(n.asText()));
      assertEquals(new TreeSet<>(List.of("a", "b", "c")), nodes, "the dashboard's node variable");

      List<String> queries = dashboardQueries();
      assertTrue(queries.size() >= 20, "queries: " + queries);
      List<String> empty = new ArrayList<>();
      for (String q : queries) {
        String expr = q.replace("$node", "a").replace("$__rate_interval", "10s").replace("$__interval", "10s");
        JsonNode answer = get(base + "/api/v1/query?query=" + enc(expr));
        assertEquals("success", answer.path("status").asText(), expr + ": " + answer);
        if (answer.path("data").path("result").isEmpty()) {
          empty.add(expr);
        }
      }
      assertEquals(List.of(), empty, "dashboard queries without series (Prometheus log: "
          + tmp.resolve("prometheus.log") + ")");
    } finally {
      if (api != null && !launch.isDone()) {
        Cli.run("stop", "--api", api);
      }
      if (server != null) {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
    assertEquals(0, launch.get(30, TimeUnit.SECONDS).intValue(), err.toString());
  }

  /** Debian's prometheus: .ci/run installs it; without it the test fails, it is not skipped. */
  private static Path prometheusBinary() {
    Path usual = Path.of("/usr/bin/prometheus");
    if (Files.isExecutable(usual)) {
      return usual;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, "prometheus");
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p;
      }
    }
    return fail("prometheus is not installed (no /usr/bin/prometheus, none on PATH); .ci/run installs it"
        + " (apt-get install prometheus), or install Debian's package prometheus yourself.");
  }

  /** Every {@code expr} of every panel of the shipped dashboard, in panel order. */
  private static List<String> dashboardQueries() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : JSON.readTree(Files.readString(DASHBOARD)).get("panels")) {
      panel.path("panels").forEach(inner -> inner.path("targets").forEach(t -> out.add(t.get("expr").asText())));
      panel.path("targets").forEach(t -> out.add(t.get("expr").asText()));
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private void awaitReady(String base, Process server) throws Exception {
    for (int i = 0; i < 150; i++) {
      if (!server.isAlive()) {
        fail("prometheus exited with " + server.exitValue() + ": " + Files.readString(tmp.resolve("prometheus.log")));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("prometheus was not ready within 15 s: " + Files.readString(tmp.resolve("prometheus.log")));
  }

  /** Polls an instant query until its result satisfies {@code done} (about 20 s at most). */
  private void await(String base, String query, Predicate<JsonNode> done, String what) throws Exception {
    JsonNode result = null;
    for (int i = 0; i < 100; i++) {
      result = get(base + "/api/v1/query?query=" + enc(query)).path("data").path("result");
      if (done.test(result)) {
        return;
      }
      Thread.sleep(200);
    }
    fail("Prometheus never saw " + what + " (" + query + "): " + result);
  }
}
