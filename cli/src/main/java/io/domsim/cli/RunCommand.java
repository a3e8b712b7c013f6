package io.domsim.cli;

import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.cli.report.ReportHtml;
import io.domsim.cli.report.SeriesDigest;
import io.domsim.cli.report.SeriesFiles;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.node.ClusterRun;
import io.domsim.node.RunResult;
import io.domsim.node.series.RoundRow;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code domsim run}: simulate a cluster to the end, print the per-node table, write report.json, the time
 * series (DIR/series, unless {@code metrics.series.enabled} is off) and report.html.
 */
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

  @Option(names = "--all-nodes", description = "In the end-of-run table, one row per node (by default a run of"
      + " identical idle nodes shares one row: rack-a-1..40 (40 nodes)).")
  boolean allNodes;

  @Option(names = "--member", paramLabel = "NAME", description = "With domsim.cluster.members: the member this"
      + " process is (start one process per member; the first listed drives the run and writes the report).")
  String member;

  @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
  boolean noProgress;

  @Option(names = "--progress",
      description = "Draw the progress bar even when stderr is not a terminal (it is drawn on terminals anyway).")
  boolean progress;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Counted down once the command is done, report written or not (a launch's Ctrl-C waits for it). */
  final java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);

  /**
   * The meters when Prometheus is off: none (null), since nobody can read them. A seam for tests (whose
   * meters may fail inside the simulation).
   */
  Supplier<MeterRegistry> localRegistry = () -> null;

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
    io.domsim.config.MemberSpec me;
    try {
      me = Members.choose(cluster, member);
    } catch (BadInput e) {
      err.println("domsim: " + e.getMessage());
      err.flush();
      reported.countDown();
      return Main.BAD_INPUT;
    }
    if (me != null && !Members.drives(cluster, me)) {
      try {
        return Members.serve(cluster, me, err);
      } finally {
        reported.countDown();
      }
    }
    // Whatever can be refused is refused before the cluster starts: the live API and the metrics bound,
    // the output directory ready (and the previous run's results gone).
    Live live = null;
    MetricsServer metrics = null;
    PrometheusMeterRegistry prometheus = null;
    OutputDir dir;
    try {
      live = openLive();
      var endpoint = cluster.metrics().prometheus();
      if (endpoint.enabled()) {
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = me == null ? startMetrics(endpoint.host(), endpoint.port(), prometheus, "metrics.prometheus.port")
            : Members.startMetrics(cluster, me, prometheus);
      }
      dir = OutputDir.prepare(out);
    } catch (BadInput | OutputDir.Unusable e) {
      closeAll(metrics, live, prometheus == null ? null : prometheus::close);
      err.println("domsim: " + e.getMessage());
      err.flush();
      reported.countDown();
      return Main.BAD_INPUT;
    }
    if (metrics != null) {
      err.println("domsim: serving Prometheus metrics at http://" + HttpService.authority(
          cluster.metrics().prometheus().host(), metrics.port()) + "/metrics" + (me == null ? ""
          : " (" + me.name() + "'s nodes and the cluster's; every member serves its own nodes' meters)"));
    }
    MeterRegistry registry = prometheus != null ? prometheus : localRegistry.get();
    SeriesDigest digest = null;
    SeriesFiles series = null;
    if (cluster.metrics().series().enabled()) {
      digest = new SeriesDigest(cluster.nodes(), SimTime.of(cluster.simulation().sampleInterval()));
      try {
        series = new SeriesFiles(dir.resolve(SeriesFiles.DIR), cluster.metrics().series().guests(), digest);
      } catch (IOException e) {
        closeAll(metrics, live, registry == null ? null : registry::close);
        err.println("domsim: cannot write the time series in " + dir.resolve(SeriesFiles.DIR) + " (" + e.getMessage()
            + "); choose another --out DIR, or set metrics.series.enabled = false.");
        err.flush();
        reported.countDown();
        return Main.BAD_INPUT;
      }
    }
    RunLog log = RunLog.open(dir.dir());
    ProgressBar bar = new ProgressBar(err, SimTime.of(cluster.simulation().duration()), !noProgress, progress);
    Path report = dir.resolve(OutputDir.REPORT);
    try {
      RunResult result;
      try (ClusterRun run = me == null ? ClusterRun.start(cluster, registry, series)
          : Members.startDriving(cluster, me, registry, series, err)) {
        if (live != null) {
          live.attach(run, err);
        }
        try {
          result = run.awaitEnd(bar::update);
          if (run.overMembers()) {
            // What the members' protocol cost: a window is one round trip through the driver.
            err.println("domsim: " + run.windowsSummary() + "; " + me.name() + "'s process: "
                + io.domsim.node.members.ProcessCost.describe());
          }
        } finally {
          if (live != null) {
            live.close();
          }
        }
      }
      bar.finish();
      double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
      ReportWriter.Provenance provenance = ReportWriter.Provenance.of(cluster.settings());
      dir.write(OutputDir.REPORT, stream -> ReportWriter.write(stream, result, wallSeconds, provenance));
      List<RoundRow> rounds = List.of();
      if (series != null) {
        SeriesFiles done = series;
        series = null; // closed here, whatever happens
        done.close();
        rounds = done.roundRows();
      }
      SeriesDigest drawn = digest;
      List<RoundRow> drawnRounds = rounds;
      dir.write(OutputDir.HTML, stream -> ReportHtml.write(stream, result,
          new ReportHtml.Origin(provenance.version(), provenance.digest()), drawn, drawnRounds));
      RunTable.print(outWriter, result, wallSeconds, allNodes);
      outWriter.println("report: " + report);
      outWriter.println("charts: " + dir.resolve(OutputDir.HTML)
          + (digest == null ? "" : "; series: " + dir.resolve(SeriesFiles.DIR)));
      outWriter.flush();
      return Main.OK;
    } catch (io.domsim.node.members.MembersMissing e) {
      bar.finish();
      err.println("domsim: " + e.getMessage() + "; nothing was run.");
      return Main.BAD_INPUT;
    } catch (Members.CannotListen e) {
      bar.finish();
      err.println("domsim: " + e.getMessage());
      return Main.BAD_INPUT;
    } catch (SimulationFailedException e) {
      // The model failed, not the user: one line here, the stack trace in the run's log.
      bar.finish();
      err.println("domsim: " + e.failure().describe() + " (stack trace in " + log.file() + ")");
      return Main.INTERNAL_FAILURE;
    } catch (IOException e) {
      err.println("domsim: cannot write the results in " + dir.dir() + " (" + e.getMessage()
          + "); choose another --out DIR.");
      return Main.BAD_INPUT;
    } finally {
      if (series != null) {
        series.abort(); // the run did not end with a report: no series either
      }
      closeAll(metrics, live, registry == null ? null : registry::close);
      log.close();
      err.flush();
      reported.countDown();
    }
  }

  /** A command-line value that cannot work: the sentence that says so and names the fix. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String sentence) {
      super(sentence, null, false, false);
    }
  }

  /** What a live run serves besides the run itself: bound before the cluster starts, attached once it runs. */
  interface Live extends AutoCloseable {
    /** The cluster runs: serve it, and say where. */
    void attach(ClusterRun run, PrintWriter err);

    /** Take it down again (closing twice is harmless). */
    @Override
    void close();
  }

  /** Null for run, which nobody steers; launch checks its options and binds its control API here. */
  Live openLive() throws BadInput {
    return null;
  }

  /** Serves {@code registry} at {@code host:port}; {@code portSetting} names where the port is set, for the fix. */
  static MetricsServer startMetrics(String host, int port, PrometheusMeterRegistry registry, String portSetting)
      throws BadInput {
    InetAddress address;
    try {
      address = HttpService.resolve(host);
    } catch (UnknownHostException e) {
      throw new BadInput("metrics.prometheus.host \"" + HttpService.cut(host) + "\" is not an address of this machine ("
          + "it does not resolve); use 127.0.0.1 (the default), 0.0.0.0 for every address, or a name of this machine.");
    }
    try {
      return MetricsServer.start(address, host, port, registry);
    } catch (IOException e) {
      throw new BadInput("cannot serve metrics on " + HttpService.authority(host, port) + " (" + HttpService.reason(e)
          + "); set " + portSetting + " to a free port (0 picks one), metrics.prometheus.host to an address of"
          + " this machine, or disable the endpoint.");
    }
  }

  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception e) {
          // closing after the run: nothing more to say about it
        }
      }
    }
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
