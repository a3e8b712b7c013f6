package io.domsim.cli;

import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.node.ClusterRun;
import io.domsim.node.RunResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code domsim run}: simulate a cluster to the end, print the per-node table, write report.json. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run a cluster for its configured duration and write DIR/report.json.")
class RunCommand implements Callable<Integer> {

  /** The clocks, spelled as in the configuration. */
  enum Clock { virtual, real }

  @Mixin
  ConfigOptions config = new ConfigOptions();

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out",
      description = "Directory for report.json (created if missing). Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (overrides simulation.seed).")
  Long seed;

  @Option(names = "--duration", paramLabel = "D", description = "Simulated time to run, e.g. 10m, 1h, 30s.")
  String duration;

  @Option(names = "--clock", paramLabel = "CLOCK", description = "virtual (as fast as possible) or real (paced).")
  Clock clock;

  @Option(names = "--speed", paramLabel = "X", description = "Real clock: simulated seconds per wall second.")
  Double speed;

  @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
  boolean noProgress;

  @Option(names = "--progress",
      description = "Draw the progress bar even when stderr is not a terminal (it is drawn on terminals anyway).")
  boolean progress;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Counted down once the report is written (a launch's Ctrl-C waits for it). */
  final java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);

  /** The meters when Prometheus is off. A seam for tests (whose meters may fail inside the simulation). */
  Supplier<MeterRegistry> localRegistry = SimpleMeterRegistry::new;

  @Override
  public Integer call() throws InterruptedException {
    long wallStart = System.nanoTime();
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outWriter = spec.commandLine().getOut();
    ClusterSpec cluster;
    try {
      cluster = config.load(overrides());
    } catch (ConfigProblems problems) {
      problems.problems().forEach(p -> err.println(p));
      err.println("domsim: " + problems.problems().size() + " problem(s) in the configuration; nothing was run.");
      return Main.BAD_INPUT;
    }
    Path report = out.resolve("report.json");
    RunLog log;
    try {
      Files.createDirectories(out);
      log = RunLog.open(out);
    } catch (IOException e) {
      err.println("domsim: cannot create the output directory " + out + " (" + e.getMessage()
          + "); choose another with --out DIR.");
      return Main.BAD_INPUT;
    }
    MeterRegistry registry;
    MetricsServer server = null;
    var prometheus = cluster.metrics().prometheus();
    if (prometheus.enabled()) {
      PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try {
        server = MetricsServer.start(prometheus.host(), prometheus.port(), p);
      } catch (IOException e) {
        err.println("domsim: cannot serve metrics on " + prometheus.host() + ":" + prometheus.port() + " ("
            + e.getMessage() + "); set metrics.prometheus.port to a free port or disable it.");
        log.close();
        return Main.BAD_INPUT;
      }
      err.println("domsim: serving Prometheus metrics at http://" + prometheus.host() + ":" + server.port()
          + "/metrics");
      registry = p;
    } else {
      registry = localRegistry.get();
    }
    ProgressBar bar = new ProgressBar(err, SimTime.of(cluster.simulation().duration()), !noProgress, progress);
    try {
      RunResult result;
      try (ClusterRun run = ClusterRun.start(cluster, registry)) {
        Runnable live = goLive(run, err);
        if (live == null && this instanceof LaunchCommand) {
          return Main.BAD_INPUT;
        }
        try {
          result = run.awaitEnd(bar::update);
        } finally {
          if (live != null) {
            live.run();
          }
        }
      }
      bar.finish();
      double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
      ReportWriter.write(report, result, wallSeconds);
      RunTable.print(outWriter, result, wallSeconds);
      outWriter.println("report: " + report);
      outWriter.flush();
      reported.countDown();
      return Main.OK;
    } catch (SimulationFailedException e) {
      // The model failed, not the user: one line here, the stack trace in the run's log.
      bar.finish();
      err.println("domsim: " + e.failure().describe() + " (stack trace in " + log.file() + ")");
      return Main.INTERNAL_FAILURE;
    } catch (IOException e) {
      err.println("domsim: cannot write " + report + " (" + e.getMessage() + "); choose another --out DIR.");
      return Main.BAD_INPUT;
    } finally {
      if (server != null) {
        server.stop();
      }
      registry.close();
      log.close();
      err.flush();
    }
  }

  /**
   * What a live run adds once the cluster runs (the control API); answers how to take it down again,
   * or null: for {@code run}, which nobody steers, or for a launch that cannot go live (after saying why).
   */
  Runnable goLive(ClusterRun run, PrintWriter err) {
    return null;
  }

  /** The clock when the command line names none: the cluster file's own for run. */
  String defaultClock() {
    return null;
  }

  /** The dedicated options are overrides like any --set, so that validation treats them alike. */
  private List<String> overrides() {
    List<String> extra = new ArrayList<>();
    if (clock == null && defaultClock() != null) {
      extra.add("simulation.clock=" + defaultClock());
    }
    if (seed != null) {
      extra.add("simulation.seed=" + seed);
    }
    if (duration != null) {
      extra.add("simulation.duration=\"" + duration.replace("\"", "") + "\"");
    }
    if (clock != null) {
      extra.add("simulation.clock=" + clock.name());
    }
    if (speed != null) {
      extra.add("simulation.speed=" + speed);
    }
    return extra;
  }
}
