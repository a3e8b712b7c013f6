package io.domsim.cli;

import io.domsim.node.ClusterRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code domsim launch}: a long-running cluster on the real clock (paced by {@code speed}) that an
 * operator steers live through the control API ({@code domsim migrate}, {@code domsim fail},
 * {@code domsim status}). It ends at the configured duration, on {@code domsim stop} or on Ctrl-C, and then
 * writes the same table and report.json as {@code run}.
 *
 * <p>The API listens on loopback unless told otherwise; anywhere else it needs a token, which every
 * request must then carry. Its options are checked, and its port bound, before the cluster starts.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
    description = "Run a cluster on the real clock and steer it live: domsim migrate, fail, status, stop.")
final class LaunchCommand extends RunCommand {

  @Option(names = "--api-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address of the control API. Default: ${DEFAULT-VALUE}. Any address but loopback needs"
          + " --api-token.")
  String apiHost;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "" + ControlServer.DEFAULT_PORT,
      description = "Port of the control API (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int apiPort;

  @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:DOMSIM_API_TOKEN}",
      description = "A secret of at least " + RequestGuard.MIN_TOKEN_LENGTH + " printable characters that every"
          + " request must carry (Authorization: Bearer TOKEN). Default: the environment variable"
          + " DOMSIM_API_TOKEN, which keeps it out of the process list.")
  String apiToken;

  @Option(names = "--quiet", description = "Do not log the cluster's events (migrations, node failures and power,"
      + " guest lifecycle) on stderr.")
  boolean quiet;

  @Override
  String defaultClock() {
    return "real";
  }

  @Override
  Live openLive() throws BadInput {
    if (apiPort < 0 || apiPort > 65535) {
      throw new BadInput("--api-port " + apiPort + " is not a port; use 0 to 65535 (0 picks a free port).");
    }
    InetAddress address;
    try {
      address = HttpService.resolve(apiHost);
    } catch (UnknownHostException e) {
      throw new BadInput("--api-host " + HttpService.cut(apiHost) + " is not an address of this machine (it does"
          + " not resolve); use 127.0.0.1 (the default) or an address of this machine.");
    }
    String token = apiToken == null || apiToken.isEmpty() ? null : apiToken;
    if (token != null) {
      Optional<String> problem = RequestGuard.tokenProblem(token);
      if (problem.isPresent()) {
        throw new BadInput(problem.get() + " (--api-token or DOMSIM_API_TOKEN).");
      }
    } else if (!address.isLoopbackAddress()) {
      throw new BadInput("--api-host " + apiHost + " makes the control API reachable from other machines; give it"
          + " a secret with --api-token TOKEN or DOMSIM_API_TOKEN (every request must then carry Authorization:"
          + " Bearer TOKEN), or keep the default 127.0.0.1.");
    }
    ControlServer control;
    try {
      control = ControlServer.start(address, apiHost, apiPort, token, this::createdGuest);
    } catch (IOException e) {
      throw new BadInput("cannot serve the control API on " + HttpService.authority(apiHost, apiPort) + " ("
          + HttpService.reason(e) + "); choose another with --api-port PORT (0 picks a free port).");
    }
    return new ControlLive(control);
  }

  /**
   * {@code domsim create}'s guest, read by the scenario's own create action: the launch's configuration is read
   * again with a scenario of that one action, so that the guest gets the same defaults and the same checks.
   */
  private io.domsim.config.GuestSpec createdGuest(String hocon) {
    List<String> extra = new java.util.ArrayList<>(List.of("simulation.clock=real"));
    extra.add("scenario=[{at=0s, action=create, guest=" + hocon + "}]");
    try {
      io.domsim.config.ClusterSpec spec = config.load(extra);
      return ((io.domsim.config.ScenarioAction.Create) spec.scenario().get(0)).guest();
    } catch (io.domsim.config.ConfigProblems problems) {
      io.domsim.config.ConfigProblem p = problems.problems().get(0);
      String where = p.path().replaceFirst("^domsim\\.scenario(\\[0]|\\.0)\\.guest\\.?", "");
      throw new IllegalArgumentException((where.isEmpty() ? "" : where + ": ") + p.message());
    }
  }

  /** The control API of one launch, and the Ctrl-C hook that ends the run with its report. */
  private final class ControlLive implements Live {
    private final ControlServer control;
    private Thread hook;

    ControlLive(ControlServer control) {
      this.control = control;
    }

    @Override
    public void attach(ClusterRun run, PrintWriter err) {
      control.attach(run);
      if (!quiet) {
        run.listen(line -> {
          err.println("domsim: " + line);
          err.flush();
        });
      }
      String url = "http://" + HttpService.authority(apiHost, control.port());
      err.println("domsim: control API at " + url + " (domsim list --api " + url + "; domsim migrate GUEST NODE --api "
          + url + "; domsim stop --api " + url + ")");
      err.flush();
      // Ctrl-C ends the run at the current simulated time, with its report.
      hook = new Thread(() -> {
        run.stop();
        try {
          reported.await(30, TimeUnit.SECONDS); // let the report be written
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "domsim-stop");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
      control.close();
      if (hook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the JVM is already stopping: the hook has run
        }
        hook = null;
      }
    }
  }
}
