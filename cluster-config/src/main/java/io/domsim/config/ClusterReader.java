package io.domsim.config;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.PluginParameter;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads the whole {@code domsim} object into a {@link ClusterSpec}; the small sections are read here. */
final class ClusterReader {

  private static final String HOST_TIMEOUT = "host-timeout";

  private ClusterReader() {}

  /**
   * The cluster, or null when anything was wrong (the problems are in the section's collector).
   *
   * @param maxHeapBytes the heap the run may use, which the counts of nodes and guests must fit
   */
  static ClusterSpec read(String source, Section domsim, Config settings, PluginCatalog catalog, long maxHeapBytes) {
    SimulationSpec simulation = simulation(domsim.section("simulation"));
    NetworkSpec network = network(domsim.section("network"));
    SchedulerSpec scheduler = scheduler(domsim.section("scheduler"), catalog);
    boolean timely = latencyWithinHostTimeout(domsim.section("network"), domsim.section("scheduler"),
        network == null ? null : network.latency());
    MigrationSpec migration = migration(domsim.section("migration"), catalog);
    MetricsSpec metrics = metrics(domsim.section("metrics"));
    if (!HeapEstimate.fits(domsim, maxHeapBytes)) {
      return null; // expanding the groups alone could take minutes and the heap
    }
    NodeReader.Nodes nodes = NodeReader.read(domsim);
    boolean onePool = poolOfTypeOneHosts(domsim.section("scheduler"), scheduler, nodes);
    MembersSpec members = MembersReader.read(domsim, nodes, metrics);
    long overhead = domainOverhead(domsim);
    GuestReader.Guests guests = GuestReader.read(domsim, nodes, overhead);
    Map<String, GuestType> types = new TreeMap<>();
    guests.specs().forEach(g -> types.put(g.name(), g.type()));
    Map<GuestType, Duration> shutdown = shutdownTimes(domsim);
    List<ScenarioAction> scenario = ScenarioReader.read(domsim, nodes.names(), new ScenarioReader.Guests(
        guests.names(), types, entry -> GuestReader.one(domsim, entry, nodes, overhead), shutdown::get), catalog,
        network == null ? null : network.latency());
    boolean logsFit = scenario == null
        || HeapEstimate.pageLogsFit(domsim, nodes.specs().size(), withCreated(guests.specs(), scenario), scenario,
            maxHeapBytes);
    if (simulation == null || network == null || scheduler == null || migration == null || metrics == null
        || scenario == null || !timely || !logsFit || !onePool || members == null) {
      return null;
    }
    // Incomplete node or guest lists have problems reported; the caller throws before using this.
    return new ClusterSpec(source, simulation, network, nodes.specs(), scheduler, migration, guests.specs(),
        scenario, metrics, settings, members);
  }

  private static SimulationSpec simulation(Section s) {
    ClockMode clock = s.choice("clock", "a clock", ClockMode.values(), ClockMode::configName);
    Double speed = s.decimal("speed", d -> d >= Limits.MIN_SPEED,
        "a number of at least 0.001, such as 1.0 (simulated seconds per wall-clock second)");
    Duration duration = s.duration("duration", false, Limits.MAX_DURATION,
        "a duration greater than 0 and at most 365d, such as 10m");
    Long seed = s.wholeNumber("seed", "a whole number such as 42");
    Duration sampleInterval = s.duration("sample-interval", Limits.MIN_SAMPLE_INTERVAL, Limits.MAX_DURATION,
        "a duration of at least 1ms, such as 1s");
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
    if (duration != null && sampleInterval != null
        && duration.toNanos() / sampleInterval.toNanos() > Limits.MAX_SAMPLES) {
      // Each node samples its meters every interval: a run's cost grows with the count, not the duration.
      Duration shortest = Duration.ofNanos(-Math.floorDiv(-duration.toNanos(), Limits.MAX_SAMPLES));
      s.report(s.field("sample-interval"), Units.formatDuration(sampleInterval) + " over "
          + Units.formatDuration(duration) + " is " + duration.toNanos() / sampleInterval.toNanos()
          + " samples per node, more than " + Limits.MAX_SAMPLES + "; use a sample-interval of at least "
          + Units.formatDuration(shortest) + " or a shorter duration");
      return null;
    }
    if (clock == null || speed == null || duration == null || seed == null || sampleInterval == null) {
      return null;
    }
    return new SimulationSpec(clock, speed, duration, seed, sampleInterval);
  }

  private static NetworkSpec network(Section s) {
    // Not 0: every message between nodes takes at least one latency (the lookahead of a multi-JVM run).
    Duration latency = s.duration("latency", false, Limits.MAX_LATENCY,
        "a duration greater than 0 and at most 1s, such as 100us");
    Section f = s.section("faults");
    Double loss = f.decimal("loss", d -> d >= 0 && d < 1,
        "a fraction from 0 to below 1, such as 0.001 (1 would lose every message: use a partition)");
    Double duplicate = f.decimal("duplicate", d -> d >= 0 && d <= 1, "a fraction from 0 to 1, such as 0.001");
    Boolean reorder = f.bool("reorder");
    Integer mtu = s.integer("mtu", NetworkSpec.MIN_MTU, NetworkSpec.MAX_MTU,
        "a number of bytes from " + NetworkSpec.MIN_MTU + " to " + NetworkSpec.MAX_MTU + ", such as 1500 or 9000");
    if (latency == null || loss == null || duplicate == null || reorder == null || mtu == null) {
      return null;
    }
    return new NetworkSpec(latency, new NetworkSpec.Faults(loss, duplicate, reorder), mtu);
  }

  private static SchedulerSpec scheduler(Section s, PluginCatalog catalog) {
    String placement = s.pluginName("placement", PluginKind.PLACEMENT, catalog);
    ConsolidationSpec consolidation = consolidation(s, catalog);
    return placement == null || consolidation == null ? null : new SchedulerSpec(placement, consolidation);
  }

  private static ConsolidationSpec consolidation(Section scheduler, PluginCatalog catalog) {
    Section.Field field = scheduler.field("consolidation");
    if (!field.missing() && field.value().valueType() == ConfigValueType.STRING) {
      // The form before consolidation had settings of its own: say where the name goes now.
      scheduler.report(field, Section.render(field.value()) + " is not an object; use consolidation { policy = "
          + Section.render(field.value()) + " }");
      return null;
    }
    Section c = scheduler.section("consolidation");
    String policy = c.pluginName("policy", PluginKind.CONSOLIDATION, catalog);
    OptionalDouble parameter = policy == null ? null : parameter(c, policy, catalog);
    String selection = c.pluginName("selection", PluginKind.GUEST_SELECTION, catalog);
    String placement = c.pluginName("placement", PluginKind.CONSOLIDATION_PLACEMENT, catalog);
    Boolean switchOffIdle = c.bool("switch-off-idle");
    Duration interval = c.duration("interval", Limits.MIN_CONSOLIDATION_INTERVAL, Limits.MAX_DURATION,
        "a duration from 1s to 365d, such as 5m");
    if (parameter == null || selection == null || placement == null || switchOffIdle == null || interval == null) {
      return null;
    }
    return new ConsolidationSpec(policy, parameter, selection, placement, switchOffIdle, interval);
  }

  /**
   * Consolidation moves guests between the hosts of one pool, and a guest cannot move between a type-1 and a
   * type-2 node (another hypervisor, another device model and state format): a run that consolidates has
   * type-1 nodes only. False (reported) when it has a type-2 node.
   */
  private static boolean poolOfTypeOneHosts(Section scheduler, SchedulerSpec spec, NodeReader.Nodes nodes) {
    if (spec == null || spec.consolidation().policy().equals("none") && !spec.consolidation().switchOffIdle()) {
      return true;
    }
    for (NodeSpec n : nodes.specs()) {
      if (n.hypervisor().hosted()) {
        Section c = scheduler.section("consolidation");
        Section.Field field = c.field(spec.consolidation().policy().equals("none") ? "switch-off-idle" : "policy");
        c.report(field, "consolidation moves guests within a pool of type-1 (Xen) hosts and " + n.name()
            + " is type-2, whose guests cannot migrate to them; consolidate a cluster of type-1 nodes only, or"
            + " set policy = none and switch-off-idle = false");
        return false;
      }
    }
    return true;
  }

  /** The policy's number: as written if the policy takes one and it is in its range, else its default. */
  private static OptionalDouble parameter(Section c, String policy, PluginCatalog catalog) {
    Optional<PluginParameter> declared = catalog.parameter(PluginKind.CONSOLIDATION, policy);
    if (!c.has("parameter")) {
      return declared.map(p -> OptionalDouble.of(p.defaultValue())).orElse(OptionalDouble.empty());
    }
    if (declared.isEmpty()) {
      c.report(c.field("parameter"), "the consolidation policy " + policy + " takes no parameter; remove it, or"
          + " choose a policy that takes one");
      return null;
    }
    PluginParameter p = declared.get();
    Double value = c.decimal("parameter", p::accepts, p.range() + " (" + policy + "'s " + p.meaning() + ")");
    return value == null ? null : OptionalDouble.of(value);
  }

  /**
   * The pool master takes a host that has not answered within scheduler.host-timeout as down; every request
   * and its answer take two latencies, so at 2 × latency ≥ host-timeout no host ever counts as up and no
   * unpinned guest starts (at equality, which message comes first depends on the nodes' names). The timeout
   * is the scheduler module's setting; without that module on the class path there is nothing to check.
   */
  private static boolean latencyWithinHostTimeout(Section network, Section scheduler, Duration latency) {
    if (latency == null || !scheduler.has(HOST_TIMEOUT)) {
      return true;
    }
    Duration timeout = scheduler.duration(HOST_TIMEOUT, false, Limits.MAX_HOST_TIMEOUT,
        "a duration greater than 0 and at most 1h, such as 2s");
    if (timeout == null) {
      return false;
    }
    if (latency.multipliedBy(2).compareTo(timeout) < 0) {
      return true;
    }
    Section.Field latencyField = network.field("latency");
    Section.Field timeoutField = scheduler.field(HOST_TIMEOUT);
    String why = "a request to a host and its answer take " + Units.formatDuration(latency.multipliedBy(2))
        + ", not less than scheduler.host-timeout (" + Units.formatDuration(timeout) + "), so the pool master"
        + " would take every host as down and start no unpinned guest";
    if (latencyField.userWritten() || !timeoutField.userWritten()) {
      network.report(latencyField, Units.formatDuration(latency) + " is too long: " + why + "; use a latency below "
          + Units.formatDuration(timeout.dividedBy(2)) + " or a longer host-timeout");
    } else {
      scheduler.report(timeoutField, Units.formatDuration(timeout) + " is too short: " + why
          + "; use more than " + Units.formatDuration(latency.multipliedBy(2)));
    }
    return false;
  }

  /**
   * The memory the hypervisor takes per domain, which decides whether a guest fits exactly as in a run; it is
   * the hypervisor module's setting (0 without that module on the class path).
   */
  private static long domainOverhead(Section domsim) {
    if (!domsim.has("hypervisor") || !domsim.section("hypervisor").has("costs")
        || !domsim.section("hypervisor").section("costs").has("domain-overhead")) {
      return 0;
    }
    Long overhead = domsim.section("hypervisor").section("costs").bytes("domain-overhead", 1, 0, Limits.MAX_BYTES,
        "a size of at least 0, such as 20kB");
    return overhead == null ? 0 : overhead;
  }

  /**
   * How long a guest of each type takes to shut down after {@code xl shutdown}: the dom0 module's setting
   * {@code dom0.guest-shutdown-time}, read here because whether a shut-down guest still exists at a later
   * action is the scenario's check (0, at once, without that module on the class path).
   */
  private static Map<GuestType, Duration> shutdownTimes(Section domsim) {
    Map<GuestType, Duration> times = new java.util.EnumMap<>(GuestType.class);
    for (GuestType t : GuestType.values()) {
      times.put(t, Duration.ZERO);
    }
    if (!domsim.has("dom0") || !domsim.section("dom0").has(GUEST_SHUTDOWN_TIME)) {
      return times;
    }
    Section s = domsim.section("dom0").section(GUEST_SHUTDOWN_TIME);
    for (GuestType t : GuestType.values()) {
      if (t.shutdownAs() != t) {
        continue; // read once, under the key of the type it shuts down as
      }
      Duration d = s.has(t.configName()) ? s.duration(t.configName(), true, Limits.MAX_DURATION,
          "a duration from 0 to 365d, such as 10s") : null;
      if (d != null) {
        times.put(t, d);
      }
    }
    for (GuestType t : GuestType.values()) {
      times.put(t, times.get(t.shutdownAs()));
    }
    return times;
  }

  private static final String GUEST_SHUTDOWN_TIME = "guest-shutdown-time";

  /** The configured guests and those the scenario creates (a created guest may be migrated too). */
  private static List<GuestSpec> withCreated(List<GuestSpec> configured, List<ScenarioAction> scenario) {
    List<GuestSpec> all = new java.util.ArrayList<>(configured);
    scenario.stream().filter(a -> a instanceof ScenarioAction.Create)
        .forEach(a -> all.add(((ScenarioAction.Create) a).guest()));
    return all;
  }

  private static MigrationSpec migration(Section s, PluginCatalog catalog) {
    String algorithm = s.pluginName("algorithm", PluginKind.MIGRATION_ALGORITHM, catalog);
    String policy = s.pluginName("policy", PluginKind.STOP_RULE, catalog);
    Duration downtimeLimit = s.duration("downtime-limit", false, Limits.MAX_DOWNTIME_LIMIT,
        "a duration greater than 0 and at most 2000s (QEMU's maximum), such as 300ms");
    Boolean autoConverge = s.bool("auto-converge");
    OptionalLong bandwidth = migrationBandwidth(s);
    Duration timeout = s.duration("timeout", false, Limits.MAX_DURATION,
        "a duration greater than 0 and at most 365d, such as 15m");
    if (algorithm == null || policy == null || downtimeLimit == null || autoConverge == null
        || bandwidth == null || timeout == null) {
      return null;
    }
    return new MigrationSpec(algorithm, policy, downtimeLimit, autoConverge, bandwidth, timeout);
  }

  /** The keyword of {@code migration.bandwidth} that leaves the cap to the stop rule. */
  static final String POLICY_DEFAULT = "default";

  /** {@code migration.bandwidth}: {@code default} (empty), 0 (no cap) or a cap; null when wrong. */
  private static OptionalLong migrationBandwidth(Section s) {
    Section.Field f = s.field("bandwidth");
    if (!f.missing() && f.value().valueType() == ConfigValueType.STRING
        && POLICY_DEFAULT.equals(((String) f.value().unwrapped()).strip())) {
      return OptionalLong.empty();
    }
    Long cap = s.bitsPerSecond("bandwidth", true, Limits.MAX_BITS_PER_SECOND, "default (the policy's own cap),"
        + " 0 for no cap, or a bandwidth of at most 1000Tbps such as 1Gbps or 125MB/s");
    return cap == null ? null : OptionalLong.of(cap);
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
    Section series = s.section("series");
    Boolean seriesEnabled = series.bool("enabled");
    Boolean seriesGuests = series.bool("guests");
    if (enabled == null || host == null || port == null || seriesEnabled == null || seriesGuests == null) {
      return null;
    }
    return new MetricsSpec(new MetricsSpec.PrometheusSpec(enabled, host, port),
        new MetricsSpec.SeriesSpec(seriesEnabled, seriesGuests));
  }
}
