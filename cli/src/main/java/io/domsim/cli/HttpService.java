package io.domsim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One of domsim's HTTP endpoints (the control API, /metrics), on Jetty.
 *
 * <p>Why Jetty and not the JDK's HttpServer: the JDK server reads a request on the thread that will
 * handle it, so a client that sends half a request and waits holds that thread (with the default
 * executor, the only one: every other client waited 45 s and more); it has no per-connection timeout of
 * its own and no limit on headers. Jetty waits for a request's bytes without holding any thread (NIO),
 * closes a connection silent for {@link #IDLE_TIMEOUT}, caps the headers ({@link #MAX_HEADER_BYTES}, 431),
 * runs handlers on a bounded pool ({@link #WORKERS} threads) and holds at most {@link #MAX_CONNECTIONS}
 * connections (beyond that new ones wait in the kernel's accept queue; each connection has at most one
 * request in progress, so the pool's job queue is bounded by it too). Endpoints never block a thread:
 * they answer with a future.
 *
 * <p>What every request goes through, in this order: the {@link RequestGuard} (Host, Origin, token: 400,
 * 403, 401); an exact route (404 for an unknown path, 405 with {@code Allow} for a wrong method); for a
 * POST, {@code Content-Type: application/json} (415); a body of at most {@link #MAX_BODY_BYTES} (413),
 * read without holding a thread; then the route's endpoint, whose answer must come within
 * {@link #ANSWER_TIMEOUT} (503). Every answer, Jetty's own errors included, is JSON ({"error": sentence})
 * except what an endpoint chooses otherwise (/metrics).
 */
final class HttpService implements AutoCloseable {
  /** A connection silent this long, mid-request or between requests, is closed. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
  /** How long an endpoint may take to answer (the simulation answers in milliseconds). */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
  /** Threads of the pool (the acceptor and the selector included). */
  static final int WORKERS = 16;
  /** Open connections at most; at the limit, idle ones get {@link #IDLE_TIMEOUT_AT_LIMIT}. */
  static final int MAX_CONNECTIONS = 2048;
  static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofSeconds(1);
  /** Request line and headers together; more gets 431. */
  static final int MAX_HEADER_BYTES = 8 * 1024;
  /** A request body; more gets 413. Every body domsim takes is a small JSON object. */
  static final int MAX_BODY_BYTES = 4 * 1024;

  private static final ObjectMapper JSON = Json.mapper();
  private static final String JSON_TYPE = "application/json";

  enum Method { GET, POST }

  /** What a route does: answers now or later, never blocking a thread to wait. */
  interface Endpoint {
    CompletableFuture<Answer> answer(byte[] body);
  }

  record Route(Method method, String path, Endpoint endpoint) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /**
   * A response. A JSON body is kept as the object and written out only when sent, on the pool: the
   * status comes back on the simulation's thread, which should not spend its time on JSON.
   * {@code afterSent} runs once the response has gone out (the control API's stop does its work then).
   */
  record Answer(int status, String contentType, Object body, Map<String, String> headers, Runnable afterSent) {

    static Answer json(int status, Object body) {
      return new Answer(status, JSON_TYPE, body, Map.of(), () -> { });
    }

    static Answer error(int status, String sentence) {
      return json(status, Map.of("error", sentence));
    }

    static Answer text(String contentType, String body) {
      return new Answer(200, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of(), () -> { });
    }

    Answer withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Answer(status, contentType, body, h, afterSent);
    }

    Answer then(Runnable after) {
      return new Answer(status, contentType, body, headers, after);
    }

    byte[] bytes() throws JsonProcessingException {
      return body instanceof byte[] b ? b : JSON.writeValueAsBytes(body);
    }
  }

  private final Server server;
  private final ServerConnector connector;

  private HttpService(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Binds and starts serving {@code routes} on {@code address:port}.
   *
   * @param name names the threads (domsim-api, domsim-metrics)
   * @param guard who may call
   * @throws IOException when the address cannot be bound (in use, not this machine's)
   */
  static HttpService start(String name, InetAddress address, int port, RequestGuard guard, List<Route> routes)
      throws IOException {
    QueuedThreadPool pool = new QueuedThreadPool(WORKERS, 2);
    pool.setName(name);
    pool.setDaemon(true);
    Server server = new Server(pool);
    HttpConfiguration config = new HttpConfiguration();
    config.setRequestHeaderSize(MAX_HEADER_BYTES);
    config.setSendServerVersion(false);
    config.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
    connector.setHost(address.getHostAddress());
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, server);
    limit.setEndPointIdleTimeout(IDLE_TIMEOUT_AT_LIMIT.toMillis());
    server.addBean(limit);
    server.setErrorHandler(new JsonErrors());
    server.setHandler(new Dispatch(guard, routes, pool));
    server.setStopTimeout(1000);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // it never started: nothing to stop
      }
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    return new HttpService(server, connector);
  }

  int port() {
    return connector.getLocalPort();
  }

  /** Stops, letting answers in progress finish (up to a second). */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // the run is over; a server slow to stop is not the user's problem
    }
  }

  /** Every request: guard, route, content type, body, endpoint, answer. */
  private static final class Dispatch extends Handler.Abstract {
    private final RequestGuard guard;
    private final List<Route> routes;
    private final Executor pool;

    Dispatch(RequestGuard guard, List<Route> routes, Executor pool) {
      this.guard = guard;
      this.routes = List.copyOf(routes);
      this.pool = pool;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      CompletableFuture<Answer> answer;
      try {
        answer = answer(request);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          // The endpoint may answer on the simulation's thread: write the response from the pool instead.
          .whenCompleteAsync((a, failure) -> {
            try {
              send(response, callback, a != null ? a : failed(failure));
            } catch (RuntimeException e) {
              callback.failed(e); // the connection is gone or the response was already under way
            }
          }, pool);
      return true;
    }

    private CompletableFuture<Answer> answer(Request request) {
      HttpFields h = request.getHeaders();
      Optional<RequestGuard.Refusal> refused = guard.check(h.get(HttpHeader.HOST), h.get(HttpHeader.ORIGIN),
          h.get(HttpHeader.AUTHORIZATION), Request.getLocalPort(request));
      if (refused.isPresent()) {
        Answer a = Answer.error(refused.get().status(), refused.get().sentence());
        return done(a.status() == 401 ? a.withHeader("WWW-Authenticate", "Bearer realm=\"domsim\"") : a);
      }
      String path = request.getHttpURI().getPath();
      List<Route> here = routes.stream().filter(r -> r.path().equals(path)).toList();
      if (here.isEmpty()) {
        return done(Answer.error(404, "no route " + cut(path) + "; the routes are "
            + String.join(", ", routes.stream().map(Route::toString).toList())));
      }
      Optional<Route> route = here.stream().filter(r -> r.method().name().equals(request.getMethod())).findFirst();
      if (route.isEmpty()) {
        String allow = String.join(", ", here.stream().map(r -> r.method().name()).toList());
        return done(Answer.error(405, "use " + allow + " for " + path).withHeader("Allow", allow));
      }
      Route r = route.get();
      String query = request.getHttpURI().getQuery();
      if (query != null && !query.isEmpty()) {
        return done(Answer.error(400, r + " takes no query parameters"
            + (r.method() == Method.POST ? "; send them as a JSON object in the body" : "")));
      }
      if (r.method() == Method.POST) {
        String type = h.get(HttpHeader.CONTENT_TYPE);
        if (type == null || !MimeTypes.getBase(type).toLowerCase(Locale.ROOT).equals(JSON_TYPE)) {
          return done(Answer.error(415, r + " takes Content-Type: " + JSON_TYPE + " and a JSON object ({} for none)"));
        }
      }
      if (request.getLength() > MAX_BODY_BYTES) {
        return done(tooLarge());
      }
      CompletableFuture<byte[]> body = new CompletableFuture<>();
      new BodyReader(request, body).read();
      return body.handleAsync((bytes, failure) -> failure == null ? r.endpoint().answer(bytes) : done(unread(failure)),
          pool).thenCompose(answer -> answer);
    }

    private static Answer tooLarge() {
      return Answer.error(413, "the request body is larger than " + MAX_BODY_BYTES + " bytes");
    }

    /** The body could not be read: too large, or the connection failed before it was whole. */
    private static Answer unread(Throwable failure) {
      if (failure instanceof TooLarge) {
        return tooLarge();
      }
      return Answer.error(400, "the request body did not arrive whole (" + cut(String.valueOf(failure)) + ")");
    }

    private static Answer failed(Throwable failure) {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
          : failure;
      if (cause instanceof TimeoutException) {
        return Answer.error(503, "the simulation did not answer within " + ANSWER_TIMEOUT.toSeconds()
            + " s; try again");
      }
      return Answer.error(500, "internal failure: " + cause);
    }

    private static void send(Response response, Callback callback, Answer a) {
      byte[] body;
      try {
        body = a.bytes();
        response.setStatus(a.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, a.contentType());
      } catch (JsonProcessingException e) {
        body = errorJson("internal failure: cannot write the answer as JSON (" + cut(e.getOriginalMessage()) + ")");
        response.setStatus(500);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
      }
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      a.headers().forEach((k, v) -> response.getHeaders().put(k, v));
      Runnable after = a.afterSent();
      response.write(true, ByteBuffer.wrap(body), Callback.from(() -> {
        callback.succeeded();
        after.run();
      }, callback::failed));
    }
  }

  /** {"error": sentence}, as bytes (a map of one string always serializes). */
  private static byte[] errorJson(String sentence) {
    try {
      return JSON.writeValueAsBytes(Map.of("error", sentence));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A body over {@link #MAX_BODY_BYTES}. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  /**
   * Reads a request's body as its chunks arrive, holding no thread while it waits for them (Jetty calls
   * back on demand); completes with the bytes, or fails with {@link TooLarge} as soon as they exceed the
   * limit, or with the connection's failure (an idle timeout, a client gone).
   */
  private static final class BodyReader {
    private final Request request;
    private final CompletableFuture<byte[]> result;
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    BodyReader(Request request, CompletableFuture<byte[]> result) {
      this.request = request;
      this.result = result;
    }

    void read() {
      while (true) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          request.demand(this::read);
          return;
        }
        if (Content.Chunk.isFailure(chunk)) {
          result.completeExceptionally(chunk.getFailure());
          return;
        }
        ByteBuffer buffer = chunk.getByteBuffer();
        int n = buffer.remaining();
        if (bytes.size() + n > MAX_BODY_BYTES) {
          chunk.release();
          result.completeExceptionally(new TooLarge());
          return;
        }
        byte[] copy = new byte[n];
        buffer.get(copy);
        bytes.writeBytes(copy);
        boolean last = chunk.isLast();
        chunk.release();
        if (last) {
          result.complete(bytes.toByteArray());
          return;
        }
      }
    }
  }

  private static CompletableFuture<Answer> done(Answer a) {
    return CompletableFuture.completedFuture(a);
  }

  /**
   * The address to listen on, from a name or an address as the user wrote it (a name is looked up once,
   * here; an address literal needs no lookup).
   */
  static InetAddress resolve(String host) throws UnknownHostException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.isBlank() || h.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new UnknownHostException(host);
    }
    return InetAddress.getByName(h);
  }

  /** {@code host:port} as a URL has it (an IPv6 address in brackets). */
  static String authority(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /** Why binding failed, in the operating system's words (Jetty wraps them). */
  static String reason(IOException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** A request's text echoed in an answer, cut to a readable length. */
  static String cut(String s) {
    if (s == null) {
      return "";
    }
    String flat = s.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
    return flat.length() <= 80 ? flat : flat.substring(0, 77) + "...";
  }

  /** Jetty's own refusals (a malformed request line, headers too large) as JSON, like every other answer. */
  private static final class JsonErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
        Callback callback) {
      byte[] body = body(code, message);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
      response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static byte[] body(int code, String message) {
      String what = code == 400 ? "malformed request" : "request refused (" + code + ")";
      return errorJson(message == null || message.isBlank() ? what : what + ": " + cut(message));
    }
  }
}
