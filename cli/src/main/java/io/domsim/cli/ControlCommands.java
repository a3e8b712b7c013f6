package io.domsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator's commands for a running {@code domsim launch}: they talk to its control API. */
final class ControlCommands {
  private ControlCommands() {}

  /** What every control command shares: where the launch listens, and how to call it. */
  abstract static class ControlCommand implements Callable<Integer> {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:" + ControlServer.DEFAULT_PORT,
        description = "The control API of the running domsim launch. Default: ${DEFAULT-VALUE}.")
    String api;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Calls the API; prints the answer; 0 when it was done, 2 when the request was refused or nobody listens. */
    int call(String method, String path, Map<String, String> params) {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      StringBuilder uri = new StringBuilder(api.replaceAll("/+$", "")).append(path);
      String sep = "?";
      for (Map.Entry<String, String> p : params.entrySet()) {
        if (p.getValue() != null) {
          uri.append(sep).append(p.getKey()).append('=').append(URLEncoder.encode(p.getValue(), StandardCharsets.UTF_8));
          sep = "&";
        }
      }
      try {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(Duration.ofSeconds(15))
            .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        if (response.statusCode() != 200) {
          err.println("domsim: " + (body.has("error") ? body.get("error").asText() : response.body()));
          return Main.BAD_INPUT;
        }
        out.println(body.toPrettyString());
        return Main.OK;
      } catch (ConnectException e) {
        err.println("domsim: no domsim launch answers at " + api + "; start one with domsim launch, or give its"
            + " address with --api URL.");
        return Main.BAD_INPUT;
      } catch (IllegalArgumentException e) {
        err.println("domsim: " + api + " is not a URL (" + e.getMessage() + "); use e.g. --api http://127.0.0.1:9465");
        return Main.BAD_INPUT;
      } catch (IOException e) {
        err.println("domsim: the control API at " + api + " failed: " + e.getMessage());
        return Main.BAD_INPUT;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Main.INTERNAL_FAILURE;
      }
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Live-migrate a guest of a running domsim launch to another node, now.")
  static final class Migrate extends ControlCommand {
    @Parameters(index = "0", paramLabel = "GUEST", description = "The guest to migrate.")
    String guest;

    @Option(names = "--to", required = true, paramLabel = "NODE", description = "The destination node.")
    String to;

    @Option(names = "--algorithm", paramLabel = "A", description = "pre-copy, post-copy or stop-and-copy.")
    String algorithm;

    @Option(names = "--policy", paramLabel = "P", description = "Pre-copy stop rule: xen, xen-legacy or qemu.")
    String policy;

    @Override
    public Integer call() {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("guest", guest);
      params.put("to", to);
      params.put("algorithm", algorithm);
      params.put("policy", policy);
      return call("POST", "/migrate", params);
    }
  }

  @Command(name = "fail", mixinStandardHelpOptions = true,
      description = "Crash a node of a running domsim launch, now.")
  static final class Fail extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The node to crash.")
    String node;

    @Override
    public Integer call() {
      return call("POST", "/fail", Map.of("node", node));
    }
  }

  @Command(name = "recover", mixinStandardHelpOptions = true,
      description = "Boot a failed node of a running domsim launch again, now, empty: its lost guests stay lost;"
          + " guests may migrate to it again.")
  static final class Recover extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The failed node to boot again.")
    String node;

    @Override
    public Integer call() {
      return call("POST", "/recover", Map.of("node", node));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show a running domsim launch: simulated time, where guests run, migrations.")
  static final class Status extends ControlCommand {
    @Override
    public Integer call() {
      return call("GET", "/status", Map.of());
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "End a running domsim launch now; it writes its report.")
  static final class Stop extends ControlCommand {
    @Override
    public Integer call() {
      return call("POST", "/stop", Map.of());
    }
  }
}
