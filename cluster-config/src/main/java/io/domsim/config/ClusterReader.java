package io.domsim.config;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/** Reads the whole {@code domsim} object into a {@link ClusterSpec}; the small sections are read here. */
final class ClusterReader {

  private ClusterReader() {}

  /** The cluster, or null when anything was wrong (the problems are in the section's collector). */
  static ClusterSpec read(String source, Section domsim, Config settings, PluginCatalog catalog) {
    SimulationSpec simulation = simulation(domsim.section("simulation"));
    NetworkSpec network = network(domsim.section("network"));
    SchedulerSpec scheduler = scheduler(domsim.section("scheduler"), catalog);
    MigrationSpec migration = migration(domsim.section("migration"), catalog);
    MetricsSpec metrics = metrics(domsim.section("metrics"));
    NodeReader.Nodes nodes = NodeReader.read(domsim);
    GuestReader.Guests guests = GuestReader.read(domsim, nodes);
    List<ScenarioAction> scenario = ScenarioReader.read(domsim, nodes.names(), guests.names(), catalog,
        network == null ? null : network.latency());
    if (simulation == null || network == null || scheduler == null || migration == null || metrics == null
        || scenario == null) {
      return null;
    }
    // Incomplete node or guest lists have problems reported; the caller throws before using this.
    return new ClusterSpec(source, simulation, network, nodes.specs(), scheduler, migration, guests.specs(),
        scenario, metrics, settings);
  }

  private static SimulationSpec simulation(Section s) {
    ClockMode clock = s.choice("clock", "a clock", ClockMode.values(), ClockMode::configName);
    Double speed = s.decimal("speed", d -> d > 0,
        "a number greater than 0, such as 1.0 (simulated seconds per wall-clock second)");
    Duration duration = s.duration("duration", false, "a duration greater than 0, such as 10m");
    Long seed = s.wholeNumber("seed", "a whole number such as 42");
    Duration sampleInterval = s.duration("sample-interval", false, "a duration greater than 0, such as 1s");
    if (duration != null && sampleInterval != null && sampleInterval.compareTo(duration) > 0) {
      // Blame whichever the user wrote; a default they never saw is not where they would look.
      Section.Field interval = s.field("sample-interval");
      if (interval.userWritten() || !s.field("duration").userWritten()) {
        s.report(interval, Units.formatDuration(sampleInterval) + " is longer than simulation.duration ("
            + Units.formatDuration(duration) + "); use at most " + Units.formatDuration(duration));
      } else {
        s.report(s.field("duration"), Units.formatDuration(duration) + " is shorter than simulation.sample-interval ("
            + Units.formatDuration(sampleInterval) + "); use at least " + Units.formatDuration(sampleInterval)
            + " or a shorter sample-interval");
      }
      return null;
    }
    if (clock == null || speed == null || duration == null || seed == null || sampleInterval == null) {
      return null;
    }
    return new SimulationSpec(clock, speed, duration, seed, sampleInterval);
  }

  private static NetworkSpec network(Section s) {
    Duration latency = s.duration("latency", true, "a duration of at least 0, such as 100us");
    Section f = s.section("faults");
    Double loss = f.decimal("loss", d -> d >= 0 && d < 1,
        "a fraction from 0 to below 1, such as 0.001 (1 would lose every message: use a partition)");
    Double duplicate = f.decimal("duplicate", d -> d >= 0 && d <= 1, "a fraction from 0 to 1, such as 0.001");
    Boolean reorder = f.bool("reorder");
    if (latency == null || loss == null || duplicate == null || reorder == null) {
      return null;
    }
    return new NetworkSpec(latency, new NetworkSpec.Faults(loss, duplicate, reorder));
  }

  private static SchedulerSpec scheduler(Section s, PluginCatalog catalog) {
    String placement = s.pluginName("placement", PluginKind.PLACEMENT, catalog);
    String consolidation = s.pluginName("consolidation", PluginKind.CONSOLIDATION, catalog);
    return placement == null || consolidation == null ? null : new SchedulerSpec(placement, consolidation);
  }

  private static MigrationSpec migration(Section s, PluginCatalog catalog) {
    String algorithm = s.pluginName("algorithm", PluginKind.MIGRATION_ALGORITHM, catalog);
    String policy = s.pluginName("policy", PluginKind.STOP_RULE, catalog);
    Duration downtimeLimit = s.duration("downtime-limit", false, "a duration greater than 0, such as 300ms");
    Boolean autoConverge = s.bool("auto-converge");
    Long bandwidth = s.bitsPerSecond("bandwidth", true, "a bandwidth such as 1Gbps or 125MB/s, or 0 for no cap");
    Duration timeout = s.duration("timeout", false, "a duration greater than 0, such as 15m");
    if (algorithm == null || policy == null || downtimeLimit == null || autoConverge == null
        || bandwidth == null || timeout == null) {
      return null;
    }
    return new MigrationSpec(algorithm, policy, downtimeLimit, autoConverge, bandwidth, timeout);
  }

  /** An IPv4 or IPv6 address, or a DNS host name (RFC 1123 labels): syntax only, no lookup. */
  private static final java.util.regex.Pattern LISTEN_HOST = java.util.regex.Pattern.compile(
      "\\d{1,3}(\\.\\d{1,3}){3}|\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]?"
          + "|(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private static MetricsSpec metrics(Section s) {
    Section prometheus = s.section("prometheus");
    Boolean enabled = prometheus.bool("enabled");
    String host = prometheus.name("host", "an address to listen on, such as 127.0.0.1 or 0.0.0.0");
    if (host != null && !LISTEN_HOST.matcher(host).matches()) {
      // Whether it resolves and can be bound is the run's to find out, before anything starts.
      prometheus.report(prometheus.field("host"), Section.render(prometheus.field("host").value())
          + " is not an address or a host name; use an address to listen on, such as 127.0.0.1 or 0.0.0.0");
      host = null;
    }
    Integer port = prometheus.integer("port", 0, 65535, "a whole number from 0 to 65535 (0 picks a free port)");
    if (enabled == null || host == null || port == null) {
      return null;
    }
    return new MetricsSpec(new MetricsSpec.PrometheusSpec(enabled, host, port));
  }
}
