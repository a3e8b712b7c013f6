package io.domsim.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.config.GuestOp;
import io.domsim.config.ScenarioAction;
import io.domsim.config.Units;
import io.domsim.config.plugin.PluginKind;
import io.domsim.node.ClusterRun;
import io.domsim.node.OperationRefused;
import io.domsim.node.Plugins;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The live control API of {@code domsim launch}, on an {@link HttpService}:
 * <ul>
 *   <li>{@code GET /status}</li>
 *   <li>{@code GET /console}: nodes, domains and migrations as the console shows them (list, info, top,
 *       migrate --wait)</li>
 *   <li>{@code POST /create} {@code {"guest": HOCON}}: a guest object as a scenario's create takes it</li>
 *   <li>{@code POST /migrate} {@code {"guest": G, "to": N, "algorithm": A, "policy": P}} (the last two optional)</li>
 *   <li>{@code POST /fail} {@code {"node": N}}</li>
 *   <li>{@code POST /recover} {@code {"node": N}}</li>
 *   <li>{@code POST /partition} {@code {"node": N, "duration": D}} (duration optional)</li>
 *   <li>{@code POST /degrade-link} {@code {"node": N, "bandwidth": B, "latency": L, "duration": D}} (all but node
 *       optional, one of bandwidth and latency needed)</li>
 *   <li>{@code POST /destroy}, {@code /pause}, {@code /unpause}, {@code /shutdown} {@code {"guest": G}}</li>
 *   <li>{@code POST /stop} {@code {}}</li>
 * </ul>
 * A POST carries {@code Content-Type: application/json} and a JSON object (an empty body counts as
 * {@code {}}): a web page on another site cannot send that without the browser asking first, and nobody
 * answers the asking. Answers are JSON: 200 with what was done; 400 and a sentence for a request naming
 * something that does not exist or malformed; 409 and the sentence (and the migration's id) for an
 * operation the cluster refused at once.
 *
 * <p>The server is bound before the cluster starts (so that a busy port or a missing token stops the
 * launch before anything runs) and answers 503 until {@link #attach} gives it the run.
 */
final class ControlServer implements AutoCloseable {
  static final int DEFAULT_PORT = 9465;

  private static final ObjectMapper JSON = Json.mapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final HttpService http;
  private final Plugins plugins = Plugins.onClassPath();
  private volatile ClusterRun run;
  /** Reads a created guest as the scenario's create action does (see {@link #start}). */
  private final CreatedGuest createdGuest;

  /** A guest object (HOCON) read with the launch's configuration as a scenario's create reads it. */
  interface CreatedGuest {
    /** The guest; IllegalArgumentException with one sentence when it is not one. */
    io.domsim.config.GuestSpec read(String hocon);
  }

  private ControlServer(InetAddress address, String hostAsWritten, int port, String token, CreatedGuest createdGuest)
      throws IOException {
    this.createdGuest = createdGuest;
    this.http = HttpService.start("domsim-api", address, port, new RequestGuard(hostAsWritten, address, token),
        List.of(new HttpService.Route(HttpService.Method.GET, "/status", body -> withRun(this::status)),
            new HttpService.Route(HttpService.Method.POST, "/migrate",
                body -> withFields(body, "/migrate", List.of("guest", "to"), List.of("algorithm", "policy"),
                    f -> withRun(r -> migrate(r, f)))),
            new HttpService.Route(HttpService.Method.POST, "/fail",
                body -> withFields(body, "/fail", List.of("node"), List.of(), f -> withRun(r -> fail(r, f)))),
            new HttpService.Route(HttpService.Method.POST, "/recover",
                body -> withFields(body, "/recover", List.of("node"), List.of(), f -> withRun(r -> operate(r,
                    new ScenarioAction.Recover(Duration.ofNanos(r.now()), f.get("node")), "recovered")))),
            new HttpService.Route(HttpService.Method.POST, "/power-off",
                body -> withFields(body, "/power-off", List.of("node"), List.of(), f -> withRun(r -> operate(r,
                    new ScenarioAction.PowerOff(Duration.ofNanos(r.now()), f.get("node")), "switched off")))),
            new HttpService.Route(HttpService.Method.POST, "/power-on",
                body -> withFields(body, "/power-on", List.of("node"), List.of(), f -> withRun(r -> operate(r,
                    new ScenarioAction.PowerOn(Duration.ofNanos(r.now()), f.get("node")), "switched on")))),
            new HttpService.Route(HttpService.Method.POST, "/partition",
                body -> withFields(body, "/partition", List.of("node"), List.of("duration"),
                    f -> withRun(r -> partition(r, f)))),
            new HttpService.Route(HttpService.Method.POST, "/degrade-link",
                body -> withFields(body, "/degrade-link", List.of("node"), List.of("bandwidth", "latency", "duration"),
                    f -> withRun(r -> degradeLink(r, f)))),
            new HttpService.Route(HttpService.Method.POST, "/network-faults",
                body -> withFields(body, "/network-faults", List.of(), List.of("loss", "duplicate", "reorder"),
                    f -> withRun(r -> networkFaults(r, f)))),
            verb(GuestOp.DESTROY), verb(GuestOp.PAUSE), verb(GuestOp.UNPAUSE), verb(GuestOp.SHUTDOWN),
            new HttpService.Route(HttpService.Method.GET, "/console",
                body -> withRun(r -> r.inspect().thenApply(v -> HttpService.Answer.json(200, v)))),
            new HttpService.Route(HttpService.Method.POST, "/create",
                body -> withFields(body, "/create", List.of("guest"), List.of(), f -> withRun(r -> create(r, f)))),
            new HttpService.Route(HttpService.Method.POST, "/stop",
                body -> withFields(body, "/stop", List.of(), List.of(), f -> withRun(ControlServer::stop)))));
  }

  /** {@code POST /destroy} (and /pause, /unpause, /shutdown) {@code {"guest": G}}: a toolstack verb, now. */
  private HttpService.Route verb(GuestOp op) {
    String route = "/" + op.configName();
    return new HttpService.Route(HttpService.Method.POST, route,
        body -> withFields(body, route, List.of("guest"), List.of(), f -> withRun(r -> operate(r,
            new ScenarioAction.GuestAction(Duration.ofNanos(r.now()), op, f.get("guest")), "done"))));
  }

  /**
   * Binds the API; requests get 503 until {@link #attach}.
   *
   * @param token the bearer token every request must carry, or null for none (loopback only)
   */
  static ControlServer start(InetAddress address, String hostAsWritten, int port, String token,
      CreatedGuest createdGuest) throws IOException {
    return new ControlServer(address, hostAsWritten, port, token, createdGuest);
  }

  /** From now on, requests act on {@code run}. */
  void attach(ClusterRun run) {
    this.run = run;
  }

  int port() {
    return http.port();
  }

  /** Stops, letting answers in progress finish (up to a second). */
  @Override
  public void close() {
    http.close();
  }

  private CompletableFuture<HttpService.Answer> withRun(
      Function<ClusterRun, CompletableFuture<HttpService.Answer>> action) {
    ClusterRun r = run;
    if (r == null) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(503, "the cluster is still starting; try"
          + " again in a moment"));
    }
    return action.apply(r);
  }

  private CompletableFuture<HttpService.Answer> status(ClusterRun r) {
    return r.status().thenApply(s -> HttpService.Answer.json(200, s));
  }

  private CompletableFuture<HttpService.Answer> migrate(ClusterRun r, Map<String, String> f) {
    ScenarioAction.Migrate action;
    try {
      action = new ScenarioAction.Migrate(Duration.ofNanos(r.now()), f.get("guest"), f.get("to"),
          Optional.ofNullable(f.get("algorithm")).map(a -> named(PluginKind.MIGRATION_ALGORITHM, a)),
          Optional.ofNullable(f.get("policy")).map(p -> named(PluginKind.STOP_RULE, p)));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(400, e.getMessage()));
    }
    return operate(r, action, "id");
  }

  /** {@code xl create}: read as the scenario's create reads a guest, then the same operator path. */
  private CompletableFuture<HttpService.Answer> create(ClusterRun r, Map<String, String> f) {
    io.domsim.config.GuestSpec guest;
    try {
      guest = createdGuest.read(f.get("guest"));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(400, e.getMessage()));
    }
    return operate(r, new ScenarioAction.Create(Duration.ofNanos(r.now()), guest), "created");
  }

  private CompletableFuture<HttpService.Answer> fail(ClusterRun r, Map<String, String> f) {
    return operate(r, new ScenarioAction.Fail(Duration.ofNanos(r.now()), f.get("node")), "failed");
  }

  private CompletableFuture<HttpService.Answer> partition(ClusterRun r, Map<String, String> f) {
    try {
      return operate(r, new ScenarioAction.Partition(Duration.ofNanos(r.now()), f.get("node"),
          positiveDuration(f, "duration")), "partitioned");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(400, e.getMessage()));
    }
  }

  private CompletableFuture<HttpService.Answer> degradeLink(ClusterRun r, Map<String, String> f) {
    try {
      Optional<Long> bandwidth = Optional.ofNullable(f.get("bandwidth")).map(b -> parsed("bandwidth", b,
          Units::parseBitsPerSecond, "a bandwidth such as 100Mbps"));
      Optional<Duration> latency = positiveDuration(f, "latency");
      if (bandwidth.isEmpty() && latency.isEmpty()) {
        throw new IllegalArgumentException("/degrade-link needs a bandwidth, a latency or both, such as"
            + " {\"node\": \"n1\", \"bandwidth\": \"100Mbps\"}");
      }
      if (bandwidth.isPresent() && bandwidth.get() <= 0) {
        throw new IllegalArgumentException("bandwidth must be greater than 0, such as 100Mbps");
      }
      return operate(r, new ScenarioAction.DegradeLink(Duration.ofNanos(r.now()), f.get("node"), bandwidth, latency,
          positiveDuration(f, "duration")), "degraded");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(400, e.getMessage()));
    }
  }

  private CompletableFuture<HttpService.Answer> networkFaults(ClusterRun r, Map<String, String> f) {
    try {
      Optional<Double> loss = Optional.ofNullable(f.get("loss")).map(v -> fraction("loss", v, false));
      Optional<Double> duplicate = Optional.ofNullable(f.get("duplicate")).map(v -> fraction("duplicate", v, true));
      Optional<Boolean> reorder = Optional.ofNullable(f.get("reorder")).map(v -> {
        if (!v.equals("true") && !v.equals("false")) {
          throw new IllegalArgumentException("reorder \"" + v + "\" is not true or false");
        }
        return Boolean.valueOf(v);
      });
      if (loss.isEmpty() && duplicate.isEmpty() && reorder.isEmpty()) {
        throw new IllegalArgumentException("/network-faults needs a loss, a duplicate or a reorder, such as"
            + " {\"loss\": \"0.01\"}");
      }
      return operate(r, new ScenarioAction.NetworkFaults(Duration.ofNanos(r.now()), loss, duplicate, reorder),
          "network");
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(400, e.getMessage()));
    }
  }

  /** A fraction from 0 to below 1 (or to 1 when {@code oneAllowed}). */
  private static double fraction(String field, String value, boolean oneAllowed) {
    double d = parsed(field, value, Double::parseDouble, "a fraction such as 0.01");
    if (!(d >= 0 && (oneAllowed ? d <= 1 : d < 1))) {
      throw new IllegalArgumentException(field + " must be from 0 to " + (oneAllowed ? "1" : "below 1") + ", was "
          + value);
    }
    return d;
  }

  /** An optional duration field, greater than 0 when present. */
  private static Optional<Duration> positiveDuration(Map<String, String> f, String field) {
    Optional<Duration> d = Optional.ofNullable(f.get(field)).map(v -> parsed(field, v, Units::parseDuration,
        "a duration such as 30s"));
    if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
      throw new IllegalArgumentException(field + " must be greater than 0, such as 30s");
    }
    return d;
  }

  private static <T> T parsed(String field, String value, Function<String, T> parse, String example) {
    try {
      return parse.apply(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + " \"" + value + "\" is not " + example);
    }
  }

  /** Answers first: stopping ends the run, and with it this server. */
  private static CompletableFuture<HttpService.Answer> stop(ClusterRun r) {
    return CompletableFuture.completedFuture(HttpService.Answer.json(200, Map.of("stopping", true)).then(r::stop));
  }

  /**
   * Has the cluster carry out the operator's action now and answers {@code {key: what the cluster said}},
   * 400 with the sentence for an unknown name, or 409 with the refusal.
   */
  private static CompletableFuture<HttpService.Answer> operate(ClusterRun r, ScenarioAction action, String key) {
    return r.operate(action).handle((answer, failure) -> {
      if (failure == null) {
        return HttpService.Answer.json(200, Map.of(key, answer));
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
          : failure;
      if (cause instanceof OperationRefused refused) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", refused.getMessage());
        if (refused.id() != null) {
          body.put("id", refused.id());
        }
        return HttpService.Answer.json(409, body);
      }
      if (cause instanceof IllegalArgumentException) {
        return HttpService.Answer.error(400, cause.getMessage());
      }
      throw new CompletionException(cause);
    });
  }

  /**
   * Reads a POST's body as an object of strings with exactly these fields (required and optional), then
   * acts on it; 400 with a sentence otherwise.
   */
  static CompletableFuture<HttpService.Answer> withFields(byte[] body, String route, List<String> required,
      List<String> optional, Function<Map<String, String>, CompletableFuture<HttpService.Answer>> then) {
    try {
      return then.apply(fields(body, route, required, optional));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(HttpService.Answer.error(400, e.getMessage()));
    }
  }

  /** The body's fields, checked; IllegalArgumentException with the sentence that says what is wrong. */
  static Map<String, String> fields(byte[] body, String route, List<String> required, List<String> optional) {
    String takes = required.isEmpty() && optional.isEmpty() ? route + " takes {}"
        : route + " takes a JSON object with " + describe(required, optional);
    JsonNode tree;
    try {
      tree = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON (" + HttpService.cut(e.getOriginalMessage())
          + "); " + takes);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not JSON; " + takes);
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("the body is not a JSON object; " + takes);
    }
    Set<String> known = new TreeSet<>(required);
    known.addAll(optional);
    Map<String, String> fields = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : tree.properties()) {
      if (!known.contains(e.getKey())) {
        throw new IllegalArgumentException("unknown field \"" + HttpService.cut(e.getKey()) + "\"; " + takes);
      }
      if (e.getValue().isNull()) {
        continue;
      }
      if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
        throw new IllegalArgumentException("field " + e.getKey() + " must be a non-empty string; " + takes);
      }
      fields.put(e.getKey(), e.getValue().asText());
    }
    for (String r : required) {
      if (!fields.containsKey(r)) {
        throw new IllegalArgumentException("missing field " + r + "; " + takes);
      }
    }
    return fields;
  }

  private static String describe(List<String> required, List<String> optional) {
    String s = String.join(", ", required.stream().map(f -> "\"" + f + "\"").toList());
    if (!optional.isEmpty()) {
      s += (s.isEmpty() ? "" : " and optionally ")
          + String.join(", ", optional.stream().map(f -> "\"" + f + "\"").toList());
    }
    return s;
  }

  /** {@code name} if the run knows a plug-in of {@code kind} by it; else a sentence listing the names. */
  private String named(PluginKind kind, String name) {
    if (plugins.names(kind).contains(name)) {
      return name;
    }
    throw new IllegalArgumentException("\"" + HttpService.cut(name) + "\" is not " + kind.noun() + "; use one of "
        + String.join(", ", plugins.names(kind)));
  }
}
