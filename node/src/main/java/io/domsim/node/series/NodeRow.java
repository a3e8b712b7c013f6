package io.domsim.node.series;

import io.domsim.hypervisor.NodeSample;

/**
 * One node at one sample: nodes.csv.gz's row. Averages over the period that ends at {@code atNanos}
 * ({@code periodSeconds} long; 0 for the gauges a node shows the instant it crashes, switches off or boots),
 * except the guests and the NIC traffic of the guests' I/O, which are as they stand at that instant.
 * Rates are per second of simulated time. Migration streams are counted whole in the period in which
 * their last byte crossed ({@code migrationTxBytes}, {@code migrationRxBytes}); rounds.csv.gz has their times.
 */
public record NodeRow(long atNanos, String node, NodeSample.State state, double cpuUtilization,
    double dom0CpuUtilization, long memoryUsedBytes, long memoryTotalBytes, int guests, double hypercallsPerSecond,
    double vmExitsPerSecond, double watts, double nicTxBytesPerSecond, double nicRxBytesPerSecond,
    long migrationTxBytes, long migrationRxBytes, double periodSeconds) implements SeriesRow {}
