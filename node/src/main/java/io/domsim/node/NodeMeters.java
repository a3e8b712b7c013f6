package io.domsim.node;

import io.domsim.config.NodeSpec;
import io.domsim.dom0.MigrationObserver;
import io.domsim.hypervisor.NodeSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * A node's Micrometer meters, tagged {@code node}, in base units: what it has (cores, core frequency,
 * memory), how it is (state, up), what it did in the last sampling period (gauges) and since the run began
 * (counters, in simulated time: divide a rate by {@code domsim_speed} for per-simulated-second rates).
 * Written on the simulation thread, read by a scrape on another thread, hence the volatile fields. The
 * registry holds the gauges' objects strongly (Micrometer's default is weakly), so that the last values
 * stay readable once the run's actors are gone.
 * Migrations are counted by outcome once for the cluster ({@link ClusterMeters}); the node keeps its
 * migration streams' bytes and the downtime of the migrations it completed.
 */
public final class NodeMeters implements NodeSample.Sink, MigrationObserver {
  public static final String CPU = "domsim.node.cpu.utilization";
  public static final String DOM0_CPU = "domsim.node.dom0.cpu.utilization";
  public static final String MEMORY_USED = "domsim.node.memory.used";
  public static final String MEMORY_TOTAL = "domsim.node.memory.total";
  public static final String CORES = "domsim.node.cores";
  public static final String CORE_FREQUENCY = "domsim.node.core.frequency";
  public static final String HYPERVISOR = "domsim.node.hypervisor";
  public static final String POWER = "domsim.node.power";
  public static final String GUESTS = "domsim.node.guests";
  public static final String UP = "domsim.node.up";
  public static final String STATE = "domsim.node.state";
  public static final String HYPERCALLS = "domsim.node.hypercalls";
  public static final String VM_EXITS = "domsim.node.vmexits";
  public static final String ENERGY = "domsim.node.energy";
  public static final String MIGRATION_BYTES_SENT = "domsim.node.migration.sent";
  public static final String MIGRATION_BYTES_RECEIVED = "domsim.node.migration.received";
  public static final String MIGRATION_DOWNTIME = "domsim.node.migration.downtime";

  /** Downtime buckets from a millisecond (a small PV guest on a fast link) to ten seconds (stop-and-copy). */
  static final Duration[] DOWNTIME_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  /** Where a node stands, as its {@code state} tag spells it. Only {@code ON} runs a Dom0 (is up). */
  public enum State {
    ON, BOOTING, SHUTTING_DOWN, OFF, FAILED;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private volatile double cpu;
  private volatile double dom0Cpu;
  private volatile double memoryUsed;
  private volatile double watts;
  private volatile double guests;
  private volatile State state = State.ON;
  private final Counter hypercalls;
  private final Counter vmExits;
  private final Counter energy;
  private final Counter migrationBytesSent;
  private final Counter migrationBytesReceived;
  private final Timer migrationDowntime;
  /** Samples count fractions of events (averaged rates): the counters count whole ones and carry the rest. */
  private double hypercallsCarry;
  private double vmExitsCarry;

  /** A counter of this node's, in {@code unit} (null: a plain count). */
  private static Counter counter(MeterRegistry registry, String node, String name, String unit, String description) {
    return Counter.builder(name).tag("node", node).baseUnit(unit).description(description).register(registry);
  }

  public NodeMeters(MeterRegistry registry, NodeSpec spec) {
    String node = spec.name();
    Gauge.builder(CPU, this, m -> m.cpu).tag("node", node).baseUnit("ratio")
        .description("share of the node's cores busy over the last sampling period")
        .strongReference(true).register(registry);
    Gauge.builder(DOM0_CPU, this, m -> m.dom0Cpu).tag("node", node).baseUnit("ratio")
        .description("share of Dom0's vCPUs busy over the last sampling period")
        .strongReference(true).register(registry);
    Gauge.builder(MEMORY_USED, this, m -> m.memoryUsed).tag("node", node).baseUnit("bytes")
        .description("memory held by Dom0, guests, claims and the hypervisor at the last sample")
        .strongReference(true).register(registry);
    Gauge.builder(MEMORY_TOTAL, spec, NodeSpec::memoryBytes).tag("node", node).baseUnit("bytes")
        .description("the node's physical memory").strongReference(true).register(registry);
    Gauge.builder(CORES, spec, NodeSpec::cores).tag("node", node)
        .description("the node's physical cores").strongReference(true).register(registry);
    Gauge.builder(CORE_FREQUENCY, spec, s -> s.ghz() * 1e9).tag("node", node).baseUnit("hertz")
        .description("the clock frequency of each of the node's cores").strongReference(true).register(registry);
    Gauge.builder(HYPERVISOR, spec, s -> 1).tag("node", node).tag("kind", spec.hypervisor().configName())
        .description("1, tagged with what runs on the node's bare metal: type-1 (Xen and Dom0) or type-2 (a hosted VMM)")
        .strongReference(true).register(registry);
    Gauge.builder(POWER, this, m -> m.watts).tag("node", node).baseUnit("watts")
        .description("average power over the last sampling period").strongReference(true).register(registry);
    Gauge.builder(GUESTS, this, m -> m.guests).tag("node", node)
        .description("guest domains on the node at the last sample").strongReference(true).register(registry);
    Gauge.builder(UP, this, m -> m.state == State.ON ? 1 : 0).tag("node", node)
        .description("1 while the node is on and its Dom0 runs; 0 while it is failed, off, booting or shutting down")
        .strongReference(true).register(registry);
    for (State s : State.values()) {
      Gauge.builder(STATE, this, m -> m.state == s ? 1 : 0).tag("node", node).tag("state", s.tag())
          .description("1 for the state the node is in (on, booting, shutting-down, off, failed), 0 for the others")
          .strongReference(true).register(registry);
    }
    hypercalls = counter(registry, node, HYPERCALLS, null,
        "hypercalls made on the node, Dom0's included (whole calls, in simulated time)");
    vmExits = counter(registry, node, VM_EXITS, null,
        "VM exits taken by HVM guests on the node (whole exits, in simulated time)");
    energy = counter(registry, node, ENERGY, "joules",
        "energy drawn by the node");
    migrationBytesSent = counter(registry, node, MIGRATION_BYTES_SENT, "bytes",
        "bytes sent by migration streams from this node, counted as each round or push ends");
    migrationBytesReceived = counter(registry, node, MIGRATION_BYTES_RECEIVED, "bytes",
        "bytes received by migration streams on this node, counted as each round or push ends");
    migrationDowntime = Timer.builder(MIGRATION_DOWNTIME).tag("node", node)
        .serviceLevelObjectives(DOWNTIME_BUCKETS)
        .minimumExpectedValue(DOWNTIME_BUCKETS[0]).maximumExpectedValue(DOWNTIME_BUCKETS[DOWNTIME_BUCKETS.length - 1])
        .description("guest downtime (suspended at the source to running at the destination) of the migrations"
            + " from this node that completed; the destination's when the source failed after the handover")
        .register(registry);
  }

  /** The node's power or health changed. */
  void state(State now) {
    state = now;
  }

  State state() {
    return state;
  }

  @Override
  public void started() {
    // counted for the cluster, by outcome, from the operator's ledger (ClusterMeters)
  }

  @Override
  public void completed(long downtimeNanos) {
    migrationDowntime.record(Duration.ofNanos(downtimeNanos));
  }

  @Override
  public void aborted() {
    // counted for the cluster, by outcome, from the operator's ledger (ClusterMeters)
  }

  @Override
  public void bytesSent(long bytes) {
    migrationBytesSent.increment(bytes);
  }

  @Override
  public void bytesReceived(long bytes) {
    migrationBytesReceived.increment(bytes);
  }

  @Override
  public void accept(NodeSample s) {
    cpu = s.cpuUtilization();
    dom0Cpu = s.dom0CpuUtilization();
    memoryUsed = s.memoryUsedBytes();
    watts = s.watts();
    guests = s.guests();
    hypercallsCarry += s.hypercalls();
    double wholeCalls = Math.floor(hypercallsCarry);
    hypercallsCarry -= wholeCalls;
    hypercalls.increment(wholeCalls);
    vmExitsCarry += s.vmExits();
    double wholeExits = Math.floor(vmExitsCarry);
    vmExitsCarry -= wholeExits;
    vmExits.increment(wholeExits);
    energy.increment(s.energyJoules());
  }
}
