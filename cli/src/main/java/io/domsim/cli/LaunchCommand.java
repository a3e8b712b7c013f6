package io.domsim.cli;

import io.domsim.node.ClusterRun;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code domsim launch}: a long-running cluster on the real clock (paced by {@code speed}) that an
 * operator steers live through the control API ({@code domsim migrate}, {@code domsim fail},
 * {@code domsim status}). It ends at the configured duration, on {@code domsim stop} or on Ctrl-C, and then
 * writes the same table and report.json as {@code run}.
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
    description = "Run a cluster on the real clock and steer it live: domsim migrate, fail, status, stop.")
final class LaunchCommand extends RunCommand {

  @Option(names = "--api-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address of the control API. Default: ${DEFAULT-VALUE}.")
  String apiHost;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "" + ControlServer.DEFAULT_PORT,
      description = "Port of the control API (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int apiPort;

  @Override
  String defaultClock() {
    return "real";
  }

  @Override
  Runnable goLive(ClusterRun run, PrintWriter err) {
    ControlServer control;
    try {
      control = ControlServer.start(apiHost, apiPort, run);
    } catch (IOException e) {
      err.println("domsim: cannot serve the control API on " + apiHost + ":" + apiPort + " (" + e.getMessage()
          + "); choose another with --api-port PORT.");
      err.flush();
      return null;
    }
    String url = "http://" + apiHost + ":" + control.port();
    err.println("domsim: control API at " + url + " (domsim migrate GUEST --to NODE --api " + url
        + "; domsim stop --api " + url + ")");
    err.flush();
    // Ctrl-C ends the run at the current simulated time, with its report.
    Thread hook = new Thread(() -> {
      run.stop();
      try {
        reported.await(30, java.util.concurrent.TimeUnit.SECONDS); // let the report be written
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "domsim-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      control.stop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already stopping: the hook has run
      }
    };
  }
}
