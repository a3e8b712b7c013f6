package io.domsim.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.domsim.config.plugin.PluginKind;
import io.domsim.node.Plugins;
import io.domsim.config.ScenarioAction;
import io.domsim.node.ClusterRun;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The live control API of {@code domsim launch}, on the JDK's HTTP server:
 * {@code GET /status}, {@code POST /migrate?guest=G&to=N[&algorithm=A][&policy=P]},
 * {@code POST /fail?node=N}, {@code POST /recover?node=N}, {@code POST /stop}. Answers JSON; a request naming something that does not
 * exist gets 400 with a sentence saying so.
 */
final class ControlServer {
  static final int DEFAULT_PORT = 9465;

  private static final ObjectMapper JSON = Json.mapper();

  private final HttpServer server;

  private ControlServer(HttpServer server) {
    this.server = server;
  }

  static ControlServer start(String host, int port, ClusterRun run) throws IOException {
    Plugins plugins = Plugins.onClassPath();
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/status", ex -> {
      if (!method(ex, "GET")) {
        return;
      }
      respond(ex, 200, answer(() -> run.status().get(10, TimeUnit.SECONDS)));
    });
    server.createContext("/migrate", ex -> {
      if (method(ex, "POST")) {
        operate(ex, run, q -> new ScenarioAction.Migrate(Duration.ofNanos(run.now()), required(q, "guest"),
            required(q, "to"),
            Optional.ofNullable(q.get("algorithm")).map(a -> named(plugins, PluginKind.MIGRATION_ALGORITHM, a)),
            Optional.ofNullable(q.get("policy")).map(p -> named(plugins, PluginKind.STOP_RULE, p))), "id");
      }
    });
    server.createContext("/fail", ex -> {
      if (method(ex, "POST")) {
        operate(ex, run, q -> new ScenarioAction.Fail(Duration.ofNanos(run.now()), required(q, "node")), "failed");
      }
    });
    server.createContext("/recover", ex -> {
      if (method(ex, "POST")) {
        operate(ex, run, q -> new ScenarioAction.Recover(Duration.ofNanos(run.now()), required(q, "node")),
            "recovered");
      }
    });
    server.createContext("/stop", ex -> {
      if (!method(ex, "POST")) {
        return;
      }
      // Answer first: stopping ends the run, and with it this server.
      respond(ex, 200, Map.of("stopping", true));
      run.stop();
    });
    server.start();
    return new ControlServer(server);
  }

  /**
   * Builds the operator's action from the query, has the cluster carry it out now, and answers
   * {@code {key: what the cluster said}}, or 400 with the sentence that says what is wrong.
   */
  private static void operate(HttpExchange ex, ClusterRun run,
      java.util.function.Function<Map<String, String>, ScenarioAction> action, String key) throws IOException {
    try {
      String answer = run.operate(action.apply(query(ex))).get(10, TimeUnit.SECONDS);
      respond(ex, 200, Map.of(key, answer));
    } catch (IllegalArgumentException e) {
      respond(ex, 400, Map.of("error", e.getMessage()));
    } catch (ExecutionException e) {
      respond(ex, 400, Map.of("error", e.getCause().getMessage()));
    } catch (InterruptedException | TimeoutException e) {
      respond(ex, 503, Map.of("error", "the simulation did not answer in time"));
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Stops, letting exchanges in progress finish (up to a second). */
  void stop() {
    server.stop(1);
  }

  private interface Call {
    Object get() throws Exception;
  }

  private static Object answer(Call call) {
    try {
      return call.get();
    } catch (Exception e) {
      return Map.of("error", String.valueOf(e.getMessage()));
    }
  }

  private static boolean method(HttpExchange ex, String expected) throws IOException {
    if (!ex.getRequestMethod().equals(expected)) {
      respond(ex, 405, Map.of("error", "use " + expected + " for " + ex.getRequestURI().getPath()));
      return false;
    }
    return true;
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return v;
  }

  /** {@code name} if the run knows a plug-in of {@code kind} by it; else a sentence listing the names. */
  static String named(Plugins plugins, PluginKind kind, String name) {
    if (plugins.names(kind).contains(name)) {
      return name;
    }
    throw new IllegalArgumentException("\"" + name + "\" is not " + kind.noun() + "; use one of "
        + String.join(", ", plugins.names(kind)));
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = ex.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return q;
  }

  private static void respond(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}
