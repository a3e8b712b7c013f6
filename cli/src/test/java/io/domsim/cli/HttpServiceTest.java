package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP endpoints' server on its own, with stand-in routes: half-open connections, exact routes,
 * content type, body limit and malformed requests, spoken as raw HTTP so that every byte is the test's.
 */
@Timeout(60)
class HttpServiceTest {
  private HttpService http;
  private final CountDownLatch afterSent = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    http = HttpService.start("test-http", loopback, 0, new RequestGuard("127.0.0.1", loopback, null), List.of(
        new HttpService.Route(HttpService.Method.GET, "/status",
            body -> CompletableFuture.completedFuture(HttpService.Answer.json(200, Map.of("ok", true)))),
        new HttpService.Route(HttpService.Method.POST, "/stop",
            body -> CompletableFuture.completedFuture(HttpService.Answer.json(200,
                Map.of("body", new String(body, StandardCharsets.UTF_8))).then(afterSent::countDown)))));
  }

  @AfterEach
  void stop() {
    http.close();
  }

  /** Sends {@code request} as it is and reads the answer to the end (the request says Connection: close). */
  private String raw(String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", http.port())) {
      s.setSoTimeout(15_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private String get(String path) throws IOException {
    return raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + http.port() + "\r\nConnection: close\r\n\r\n");
  }

  private String post(String path, String contentType, String body) throws IOException {
    return raw("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + http.port() + "\r\nConnection: close\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
  }

  private static void assertJsonError(int expected, String response, String phrase) {
    assertEquals(expected, status(response), response);
    assertTrue(response.contains("Content-Type: application/json"), response);
    assertTrue(response.contains("\"error\" : \"") && response.contains(phrase), response);
  }

  @Test
  void halfOpenConnectionsDoNotStallOtherClients() throws Exception {
    // More half-sent requests than the pool has threads: none of them may hold one.
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * HttpService.WORKERS; i++) {
        Socket s = new Socket("127.0.0.1", http.port());
        s.getOutputStream().write(("GET /status HTTP/1.1\r\nHost: 127.0.0.1:" + http.port() + "\r\nX-Wait")
            .getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        stalled.add(s);
      }
      Socket bodyless = new Socket("127.0.0.1", http.port());
      bodyless.getOutputStream().write(("POST /stop HTTP/1.1\r\nHost: 127.0.0.1:" + http.port()
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
      stalled.add(bodyless);
      long start = System.nanoTime();
      String answer = get("/status");
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(200, status(answer), answer);
      assertTrue(tookMs < 1000, "/status took " + tookMs + " ms beside " + stalled.size() + " half-open connections");

      // And they do not stay forever: the server closes a connection silent for the idle timeout.
      Socket first = stalled.get(0);
      first.setSoTimeout((int) HttpService.IDLE_TIMEOUT.toMillis() + 5_000);
      InputStream in = first.getInputStream();
      byte[] rest = in.readAllBytes();
      assertTrue(rest.length == 0 || new String(rest, StandardCharsets.UTF_8).startsWith("HTTP/1.1 4"),
          "closed, at most with a refusal: " + new String(rest, StandardCharsets.UTF_8));
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
  }

  @Test
  void routesAreExactAndMethodsChecked() throws IOException {
    assertEquals(200, status(get("/status")));
    assertJsonError(404, get("/statusx"), "no route /statusx; the routes are GET /status, POST /stop");
    assertJsonError(404, get("/status/"), "no route /status/");
    assertJsonError(404, post("/stopwatch", "application/json", "{}"), "no route /stopwatch");
    assertEquals(1, afterSent.getCount(), "/stopwatch did not reach /stop");
    String wrong = post("/status", "application/json", "{}");
    assertJsonError(405, wrong, "use GET for /status");
    assertTrue(wrong.contains("Allow: GET"), wrong);
    assertJsonError(400, get("/status?verbose=1"), "GET /status takes no query parameters");
  }

  @Test
  void aPostMustBeJsonAndSmall() throws Exception {
    assertJsonError(415, post("/stop", null, ""), "POST /stop takes Content-Type: application/json");
    assertJsonError(415, post("/stop", "text/plain", "{}"), "Content-Type: application/json");
    assertJsonError(415, post("/stop", "application/x-www-form-urlencoded", "a=b"), "Content-Type: application/json");
    assertJsonError(413, post("/stop", "application/json", "x".repeat(HttpService.MAX_BODY_BYTES + 1)),
        "larger than " + HttpService.MAX_BODY_BYTES + " bytes");
    String chunk = "x".repeat(3000);
    String chunked = raw("POST /stop HTTP/1.1\r\nHost: 127.0.0.1:" + http.port() + "\r\nConnection: close\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
        + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n");
    assertJsonError(413, chunked, "larger than");
    String ok = post("/stop", "application/json; charset=utf-8", "{}");
    assertEquals(200, status(ok), ok);
    assertTrue(afterSent.await(5, TimeUnit.SECONDS), "the after-sent action ran");
  }

  @Test
  void malformedRequestsGetAJsonError() throws IOException {
    assertJsonError(400, raw("GARBAGE\r\n\r\n"), "malformed request");
    assertJsonError(400, raw("GET /status HTTP/1.0\r\n\r\n"), "no Host header");
    assertJsonError(431, raw("GET /status HTTP/1.1\r\nHost: 127.0.0.1:" + http.port() + "\r\nX-Big: "
        + "a".repeat(HttpService.MAX_HEADER_BYTES) + "\r\nConnection: close\r\n\r\n"), "431");
    assertJsonError(403, raw("GET /status HTTP/1.1\r\nHost: rebound.example:" + http.port()
        + "\r\nConnection: close\r\n\r\n"), "is not this endpoint's address");
    assertJsonError(403, raw("POST /stop HTTP/1.1\r\nHost: 127.0.0.1:" + http.port() + "\r\nOrigin: http://evil.example"
        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"), "web pages");
    assertEquals(1, afterSent.getCount(), "the refused /stop did nothing");
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws IOException {
    try (Socket s = new Socket("127.0.0.1", http.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int i = 0; i < 3; i++) {
        out.write(("GET /status HTTP/1.1\r\nHost: localhost:" + http.port() + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        String answer = new String(buf, 0, n, StandardCharsets.UTF_8);
        assertEquals(200, status(answer), answer);
      }
    }
  }
}
