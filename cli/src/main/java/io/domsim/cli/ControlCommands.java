package io.domsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private ControlCommands() {}

  /** What every control command shares: where the launch listens, and how to call it. */
  /** A request's fields from alternating names and values; a null value (an option not given) is left out. */
  static Map<String, String> fields(String... namesAndValues) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      if (namesAndValues[i + 1] != null) {
        fields.put(namesAndValues[i], namesAndValues[i + 1]);
      }
    }
    return fields;
  }

  abstract static class ControlCommand implements Callable<Integer> {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "http://127.0.0.1:" + ControlServer.DEFAULT_PORT,
        description = "The control API of the running domsim launch. Default: ${DEFAULT-VALUE}.")
    String api;

    @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:DOMSIM_API_TOKEN}",
        description = "The launch's token, if it has one. Default: the environment variable DOMSIM_API_TOKEN.")
    String apiToken;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Calls the API (a POST with its parameters as a JSON object, as the API wants); prints the answer.
     * Exit 0 when it was done; 2 when the request was refused (the sentence says why) or nobody listens;
     * 1 when the API failed inside.
     */
    int call(String method, String path, Map<String, String> params) {
      try {
        JsonNode body = request(method, path, params);
        spec.commandLine().getOut().println(body.toPrettyString());
        return Main.OK;
      } catch (Refused r) {
        return r.exit;
      }
    }

    /** The command's answer could not be had: the sentence is printed; {@code exit} is the command's code. */
    static final class Refused extends Exception {
      private static final long serialVersionUID = 1L;
      final int exit;

      Refused(int exit) {
        super(null, null, false, false);
        this.exit = exit;
      }
    }

    /** Calls the API and returns its JSON answer; prints the sentence and throws {@link Refused} otherwise. */
    JsonNode request(String method, String path, Map<String, String> params) throws Refused {
      PrintWriter err = spec.commandLine().getErr();
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.replaceAll("/+$", "") + path))
            .timeout(Duration.ofSeconds(15));
        if (method.equals("POST")) {
          request.header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(params)));
        } else {
          request.GET();
        }
        if (apiToken != null && !apiToken.isEmpty()) {
          request.header("Authorization", "Bearer " + apiToken);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
            HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
          body = JSON.readTree(response.body());
        } catch (IOException notJson) {
          body = null;
        }
        if (response.statusCode() != 200) {
          String why = body != null && body.has("error") ? body.get("error").asText()
              : "HTTP " + response.statusCode() + " " + HttpService.cut(response.body());
          err.println("domsim: " + why + (body != null && body.has("id") ? " (" + body.get("id").asText() + ")" : ""));
          err.flush();
          throw new Refused(response.statusCode() >= 500 ? Main.INTERNAL_FAILURE : Main.BAD_INPUT);
        }
        if (body == null) {
          err.println("domsim: the control API at " + api + " answered something that is not JSON: "
              + HttpService.cut(response.body()));
          throw new Refused(Main.INTERNAL_FAILURE);
        }
        return body;
      } catch (ConnectException e) {
        err.println("domsim: no domsim launch answers at " + api + "; start one with domsim launch, or give its"
            + " address with --api URL.");
        throw new Refused(Main.BAD_INPUT);
      } catch (IllegalArgumentException e) {
        err.println("domsim: " + api + " is not a URL (" + e.getMessage() + "); use e.g. --api http://127.0.0.1:9465");
        throw new Refused(Main.BAD_INPUT);
      } catch (IOException e) {
        err.println("domsim: the control API at " + api + " failed: " + e.getMessage());
        throw new Refused(Main.BAD_INPUT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Refused(Main.INTERNAL_FAILURE);
      }
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Live-migrate a guest of a running domsim launch to another node, now, as xl migrate GUEST HOST."
          + " Exit 2 when it is refused (by the operator or either Dom0); with --wait, 0 once it has completed and"
          + " 1 when it aborted or failed.")
  static final class Migrate extends ControlCommand {
    @Parameters(index = "0", paramLabel = "GUEST", description = "The guest to migrate.")
    String guest;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NODE", description = "The destination node.")
    String node;

    @Option(names = "--to", paramLabel = "NODE", description = "The destination node (the same as NODE).")
    String to;

    @Option(names = "--wait", description = "Follow the migration until it ends: phase, rounds, bytes sent and"
        + " remaining, dirty rate, expected downtime.")
    boolean waitForEnd;

    @Option(names = "--json", description = "With --wait: the migration's last state as JSON.")
    boolean json;

    @Option(names = "--algorithm", paramLabel = "A", description = "pre-copy, post-copy or stop-and-copy.")
    String algorithm;

    @Option(names = "--policy", paramLabel = "P", description = "Pre-copy stop rule: xen, xen-legacy or qemu.")
    String policy;

    @Override
    public Integer call() {
      if ((node == null) == (to == null)) {
        throw new CommandLine.ParameterException(spec.commandLine(), node == null
            ? "name the destination: domsim migrate GUEST NODE" : "give the destination once, as NODE or --to NODE");
      }
      String dest = node != null ? node : to;
      Map<String, String> f = fields("guest", guest, "to", dest, "algorithm", algorithm, "policy", policy);
      if (!waitForEnd) {
        return call("POST", "/migrate", f);
      }
      try {
        String id = request("POST", "/migrate", f).get("id").asText();
        return MigrationWatch.follow(this, id, json);
      } catch (Refused r) {
        return r.exit;
      }
    }
  }

  @Command(name = "fail", mixinStandardHelpOptions = true,
      description = "Crash a node of a running domsim launch, now.")
  static final class Fail extends NodeVerb {}

  @Command(name = "partition", mixinStandardHelpOptions = true,
      description = "Cut a node of a running domsim launch off the network, now: messages to and from it wait,"
          + " its streams stall, its guests keep running.")
  static final class Partition extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The node to cut off.")
    String node;

    @Option(names = "--duration", paramLabel = "D", description = "Heal after this long (e.g. 30s); default never.")
    String duration;

    @Override
    public Integer call() {
      return call("POST", "/partition", fields("node", node, "duration", duration));
    }
  }

  @Command(name = "degrade-link", mixinStandardHelpOptions = true,
      description = "Make a node's link of a running domsim launch slower, now.")
  static final class DegradeLink extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The node whose link degrades.")
    String node;

    @Option(names = "--bandwidth", paramLabel = "B", description = "What its NIC carries each way (e.g. 100Mbps).")
    String bandwidth;

    @Option(names = "--latency", paramLabel = "L", description = "How long a message to or from it takes (e.g. 20ms).")
    String latency;

    @Option(names = "--duration", paramLabel = "D", description = "Restore after this long; default never.")
    String duration;

    @Override
    public Integer call() {
      return call("POST", "/degrade-link", fields("node", node, "bandwidth", bandwidth, "latency", latency,
          "duration", duration));
    }
  }

  @Command(name = "network-faults", mixinStandardHelpOptions = true,
      description = "Change the message faults of a running domsim launch's network, now (what is not given keeps"
          + " its value).")
  static final class NetworkFaults extends ControlCommand {
    @Option(names = "--loss", paramLabel = "F", description = "Fraction of transmissions lost, 0 to below 1.")
    String loss;

    @Option(names = "--duplicate", paramLabel = "F", description = "Fraction of datagrams delivered twice, 0 to 1.")
    String duplicate;

    @Option(names = "--reorder", paramLabel = "B", description = "true: datagrams may overtake one another.")
    String reorder;

    @Override
    public Integer call() {
      return call("POST", "/network-faults", fields("loss", loss, "duplicate", duplicate, "reorder", reorder));
    }
  }

  @Command(name = "recover", mixinStandardHelpOptions = true,
      description = "Boot a failed node of a running domsim launch again, now, empty: its lost guests stay lost;"
          + " guests may migrate to it again.")
  static final class Recover extends NodeVerb {}

  /**
   * A toolstack verb on one guest of a running domsim launch (xl destroy, pause, unpause or shutdown): the
   * command's name is the API's route.
   */
  abstract static class GuestVerb extends ControlCommand {
    @Parameters(index = "0", paramLabel = "GUEST", description = "The guest.")
    String guest;

    @Override
    public Integer call() {
      return call("POST", "/" + spec.name(), fields("guest", guest));
    }
  }

  /** An operator's action on one node of a running domsim launch: the command's name is the API's route. */
  abstract static class NodeVerb extends ControlCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The node.")
    String node;

    @Override
    public Integer call() {
      return call("POST", "/" + spec.name(), fields("node", node));
    }
  }

  @Command(name = "destroy", mixinStandardHelpOptions = true,
      description = "Destroy a guest of a running domsim launch now, as xl destroy: at once, its memory free.")
  static final class Destroy extends GuestVerb {}

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause a guest of a running domsim launch now, as xl pause: it keeps its memory, gets no CPU.")
  static final class Pause extends GuestVerb {}

  @Command(name = "unpause", mixinStandardHelpOptions = true,
      description = "Unpause a paused guest of a running domsim launch now, as xl unpause.")
  static final class Unpause extends GuestVerb {}

  @Command(name = "shutdown", mixinStandardHelpOptions = true,
      description = "Shut a guest of a running domsim launch down, as xl shutdown: it runs on for its shutdown"
          + " time (dom0.guest-shutdown-time), then it is gone.")
  static final class Shutdown extends GuestVerb {}

  @Command(name = "power-off", mixinStandardHelpOptions = true,
      description = "Switch an empty node of a running domsim launch off, now: it takes no guests from now on, and"
          + " draws power.off once its power.shutdown-time is over. Refused while guests or migrations are on it.")
  static final class PowerOff extends NodeVerb {}

  @Command(name = "power-on", mixinStandardHelpOptions = true,
      description = "Switch a switched-off node of a running domsim launch on, now: it takes guests again after its"
          + " power.boot-time.")
  static final class PowerOn extends NodeVerb {}

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
