package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control API of a real `domsim launch` (and its /metrics), on loopback: a half-open connection
 * blocks nobody, a burst of 1,000 concurrent requests is served, routes are exact, a browser cannot
 * drive it, malformed requests get a JSON 400, and a refused operation answers with its refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class ControlApiIT {
  @TempDir
  static Path tmp;

  private CompletableFuture<Integer> launch;
  private final StringWriter err = new StringWriter();
  private String api;
  private String metrics;
  private int apiPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  void launch() throws Exception {
    Path conf = tmp.resolve("live.conf");
    // At speed 50 the hour would take 72 s; the last test stops it.
    Files.writeString(conf, """
        domsim {
          simulation { speed = 50, duration = 1h }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b }, { name = c } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a, workload { dirty-rate = 1000, working-set = 64MiB } }
                     { name = db, type = hvm, memory = 1GiB, node = b } ]
          metrics.prometheus { enabled = true, host = "127.0.0.1", port = 0 }
        }
        """);
    launch = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true), "launch", conf.toString(), "--out", tmp.resolve("out").toString(),
        "--api-port", "0", "--no-progress"));
    api = await(Pattern.compile("control API at (http://127\\.0\\.0\\.1:(\\d+))"), 1);
    apiPort = Integer.parseInt(api.substring(api.lastIndexOf(':') + 1));
    metrics = await(Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/metrics)"), 1);
  }

  @AfterAll
  void stop() throws Exception {
    if (!launch.isDone()) {
      Cli.run("stop", "--api", api);
    }
    assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());
  }

  private String await(Pattern p, int group) throws InterruptedException {
    for (int i = 0; i < 1000; i++) {
      Matcher m = p.matcher(err.toString());
      if (m.find()) {
        return m.group(group);
      }
      if (launch.isDone()) {
        throw new AssertionError("the launch ended early: " + err);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not announced: " + p + " in " + err);
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Raw HTTP, for what the JDK's client will not send (another Host). */
  private String raw(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String error(HttpResponse<String> r) throws IOException {
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.toString());
    return new ObjectMapper().readTree(r.body()).get("error").asText();
  }

  private JsonNode status() throws Exception {
    HttpResponse<String> r = get(api + "/status");
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  @Test
  @Order(1)
  void aHalfOpenConnectionBlocksNeitherStatusNorMetrics() throws Exception {
    List<Socket> halfOpen = new ArrayList<>();
    try {
      for (int port : new int[] {apiPort, Integer.parseInt(metrics.replaceAll(".*:(\\d+)/metrics", "$1"))}) {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write("GET /status HTTP/1.1\r\nHost: 127.0.0.1".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        halfOpen.add(s);
      }
      long start = System.nanoTime();
      assertEquals(200, get(api + "/status").statusCode());
      assertEquals(200, get(metrics).statusCode());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < 1000, "/status and /metrics took " + ms + " ms beside half-open connections");
    } finally {
      for (Socket s : halfOpen) {
        s.close();
      }
    }
  }

  @Test
  @Order(2)
  void aBurstOfAThousandConcurrentRequestsIsServed() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      burst.add(http.sendAsync(HttpRequest.newBuilder(URI.create(api + "/status")).timeout(Duration.ofSeconds(60))
          .build(), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    for (CompletableFuture<HttpResponse<String>> f : burst) {
      assertEquals(200, f.join().statusCode(), f.join().body());
    }
  }

  @Test
  @Order(3)
  void routesAreExact() throws Exception {
    HttpResponse<String> stopwatch = post("/stopwatch", "application/json", "{}");
    assertEquals(404, stopwatch.statusCode());
    assertTrue(error(stopwatch).startsWith("no route /stopwatch; the routes are GET /status, POST /migrate"),
        stopwatch.body());
    HttpResponse<String> failover = post("/failover", "application/json", "{\"node\": \"a\"}");
    assertEquals(404, failover.statusCode());
    assertEquals(405, get(api + "/stop").statusCode());
    Thread.sleep(200);
    assertFalse(launch.isDone(), "/stopwatch did not stop the run");
    assertEquals("a", status().get("guest_locations").path("web").asText(), "/failover did not fail web's node");
  }

  @Test
  @Order(4)
  void aBrowserCannotDriveIt() throws Exception {
    // DNS rebinding: the page's own name, now pointing at 127.0.0.1, arrives as Host.
    String rebound = raw(apiPort, "POST /stop HTTP/1.1\r\nHost: attacker.example:" + apiPort + "\r\nContent-Type:"
        + " application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
    // A page on another site: its Origin.
    HttpResponse<String> crossSite = http.send(HttpRequest.newBuilder(URI.create(api + "/stop"))
        .header("Origin", "http://attacker.example").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, crossSite.statusCode());
    // What a form or a no-cors fetch can send without asking the server first.
    for (String simple : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
      HttpResponse<String> r = post("/stop", simple, "{}");
      assertEquals(415, r.statusCode(), simple);
      assertTrue(error(r).contains("Content-Type: application/json"), r.body());
    }
    assertEquals(415, post("/stop", null, "").statusCode(), "no content type at all");
    Thread.sleep(200);
    assertFalse(launch.isDone(), "none of them stopped the run");
  }

  @Test
  @Order(5)
  void malformedAndOversizedRequestsGetAJsonError() throws Exception {
    HttpResponse<String> notJson = post("/migrate", "application/json", "{\"guest\": \"web\", ");
    assertEquals(400, notJson.statusCode());
    assertTrue(error(notJson).startsWith("the body is not JSON"), notJson.body());
    HttpResponse<String> missing = post("/migrate", "application/json", "{\"guest\": \"web\"}");
    assertEquals(400, missing.statusCode());
    assertTrue(error(missing).startsWith("missing field to"), missing.body());
    HttpResponse<String> huge = post("/fail", "application/json", "{\"node\": \"" + "x".repeat(100_000) + "\"}");
    assertEquals(413, huge.statusCode());
    assertTrue(error(huge).contains("larger than"), huge.body());
    String garbage = raw(apiPort, "\u0001\u0002 not http\r\n\r\n");
    assertTrue(garbage.startsWith("HTTP/1.1 400"), garbage);
    assertTrue(garbage.contains("\"error\""), garbage);
  }

  @Test
  @Order(6)
  void aRefusedOperationAnswersWithTheRefusalAndExit2() throws Exception {
    Cli.Outcome own = Cli.run("migrate", "web", "--to", "a", "--api", api);
    assertEquals(2, own.code(), own.out());
    assertTrue(own.err().startsWith("domsim: guest web already runs on a; choose another node (m"), own.err());

    Cli.Outcome first = Cli.run("migrate", "web", "--to", "c", "--api", api);
    assertEquals(0, first.code(), first.err());
    Cli.Outcome again = Cli.run("migrate", "web", "--to", "b", "--api", api);
    if (again.code() == 2) {
      assertTrue(again.err().contains("already migrating"), again.err());
    } // else the first one had already finished: then the second is a migration like any other

    HttpResponse<String> unknown = post("/migrate", "application/json", "{\"guest\": \"web\", \"to\": \"zz\"}");
    assertEquals(400, unknown.statusCode());
    assertTrue(error(unknown).startsWith("no node zz in this cluster"), unknown.body());

    assertEquals(0, Cli.run("fail", "b", "--api", api).code());
    HttpResponse<String> toFailed = post("/migrate", "application/json", "{\"guest\": \"db\", \"to\": \"b\"}");
    assertEquals(409, toFailed.statusCode(), toFailed.body());
    JsonNode refusal = new ObjectMapper().readTree(toFailed.body());
    assertTrue(refusal.get("error").asText().startsWith("guest db is not running"), toFailed.body());
    assertTrue(refusal.get("id").asText().matches("m\\d+"), toFailed.body());
  }

  @Test
  @Order(7)
  void stopEndsTheRunWithItsReport() throws Exception {
    Cli.Outcome stop = Cli.run("stop", "--api", api);
    assertEquals(0, stop.code(), stop.err());
    assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());
    JsonNode r = Cli.report(tmp.resolve("out"));
    assertTrue(r.get("migrations").size() >= 3, r.get("migrations").toString());
  }
}
