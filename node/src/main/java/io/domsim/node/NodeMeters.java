package io.domsim.node;

import io.domsim.hypervisor.NodeSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.domsim.dom0.MigrationObserver;
import java.time.Duration;

/**
 * A node's Micrometer meters, tagged {@code node}, in base units. Gauges show the last sampling period;
 * counters accumulate. Written on the simulation thread, read by a scrape on another thread, hence the
 * volatile fields.
 */
public final class NodeMeters implements NodeSample.Sink, MigrationObserver {
  public static final String CPU = "domsim.node.cpu.utilization";
  public static final String DOM0_CPU = "domsim.node.dom0.cpu.utilization";
  public static final String MEMORY_USED = "domsim.node.memory.used";
  public static final String POWER = "domsim.node.power";
  public static final String GUESTS = "domsim.node.guests";
  public static final String UP = "domsim.node.up";
  public static final String HYPERCALLS = "domsim.node.hypercalls";
  public static final String VM_EXITS = "domsim.node.vmexits";
  public static final String ENERGY = "domsim.node.energy";
  public static final String MIGRATIONS_STARTED = "domsim.node.migrations.started";
  public static final String MIGRATIONS_COMPLETED = "domsim.node.migrations.completed";
  public static final String MIGRATIONS_ABORTED = "domsim.node.migrations.aborted";
  public static final String MIGRATION_BYTES_SENT = "domsim.node.migration.sent";
  public static final String MIGRATION_BYTES_RECEIVED = "domsim.node.migration.received";
  public static final String MIGRATION_DOWNTIME = "domsim.node.migration.downtime";

  private volatile double cpu;
  private volatile double dom0Cpu;
  private volatile double memoryUsed;
  private volatile double watts;
  private volatile double guests;
  private volatile double up = 1;
  private final Counter hypercalls;
  private final Counter vmExits;
  private final Counter energy;
  private final Counter migrationsStarted;
  private final Counter migrationsCompleted;
  private final Counter migrationsAborted;
  private final Counter migrationBytesSent;
  private final Counter migrationBytesReceived;
  private final Timer migrationDowntime;

  /** A counter of this node's, in {@code unit} (null: a plain count). */
  private static Counter counter(MeterRegistry registry, String node, String name, String unit, String description) {
    return Counter.builder(name).tag("node", node).baseUnit(unit).description(description).register(registry);
  }

  public NodeMeters(MeterRegistry registry, String node) {
    Gauge.builder(CPU, this, m -> m.cpu).tag("node", node).baseUnit("ratio")
        .description("share of the node's cores busy over the last sampling period").register(registry);
    Gauge.builder(DOM0_CPU, this, m -> m.dom0Cpu).tag("node", node).baseUnit("ratio")
        .description("share of Dom0's vCPUs busy over the last sampling period").register(registry);
    Gauge.builder(MEMORY_USED, this, m -> m.memoryUsed).tag("node", node).baseUnit("bytes")
        .description("memory held by Dom0, guests, claims and the hypervisor").register(registry);
    Gauge.builder(POWER, this, m -> m.watts).tag("node", node).baseUnit("watts")
        .description("average power over the last sampling period").register(registry);
    Gauge.builder(GUESTS, this, m -> m.guests).tag("node", node)
        .description("guest domains on the node").register(registry);
    Gauge.builder(UP, this, m -> m.up).tag("node", node)
        .description("1 while the node runs, 0 while it is down (failed and not recovered)").register(registry);
    hypercalls = counter(registry, node, HYPERCALLS, null,
        "hypercalls made on the node, Dom0's included");
    vmExits = counter(registry, node, VM_EXITS, null,
        "VM exits taken by HVM guests on the node");
    energy = counter(registry, node, ENERGY, "joules",
        "energy drawn by the node");
    migrationsStarted = counter(registry, node, MIGRATIONS_STARTED, null,
        "live migrations started from this node");
    migrationsCompleted = counter(registry, node, MIGRATIONS_COMPLETED, null,
        "live migrations from this node that completed");
    migrationsAborted = counter(registry, node, MIGRATIONS_ABORTED, null,
        "live migrations from this node that were aborted, failed or refused");
    migrationBytesSent = counter(registry, node, MIGRATION_BYTES_SENT, "bytes",
        "bytes sent by migration streams from this node");
    migrationBytesReceived = counter(registry, node, MIGRATION_BYTES_RECEIVED, "bytes",
        "bytes received by migration streams on this node");
    migrationDowntime = Timer.builder(MIGRATION_DOWNTIME).tag("node", node)
        .description("guest downtime of completed migrations from this node").register(registry);
  }

  /** The node crashed (false) or booted again (true). */
  void up(boolean running) {
    up = running ? 1 : 0;
  }

  @Override
  public void started() {
    migrationsStarted.increment();
  }

  @Override
  public void completed(long downtimeNanos) {
    migrationsCompleted.increment();
    migrationDowntime.record(Duration.ofNanos(downtimeNanos));
  }

  @Override
  public void aborted() {
    migrationsAborted.increment();
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
    hypercalls.increment(s.hypercalls());
    vmExits.increment(s.vmExits());
    energy.increment(s.energyJoules());
  }
}
