package io.domsim.config;

import java.time.Duration;

/**
 * The ranges a cluster file's quantities must fall in, beyond "not negative". They keep a run finite and its
 * arithmetic inside 64 bits (a latency of a million days would wrap the clock; a sample every nanosecond
 * would take years of wall time); each is far beyond any real machine. reference.conf repeats them.
 */
final class Limits {

  /** simulation.duration, and the latest {@code at} of a scenario action. */
  static final Duration MAX_DURATION = Duration.ofDays(365);
  /** simulation.speed: the slowest real clock; a minute of simulated time then takes 17 wall-clock hours. */
  static final double MIN_SPEED = 0.001;
  /** simulation.sample-interval: the shortest. */
  static final Duration MIN_SAMPLE_INTERVAL = Duration.ofMillis(1);
  /** duration / sample-interval: samples per node in one run. */
  static final long MAX_SAMPLES = 100_000_000L;
  /** workload.phase-mean: the shortest. */
  static final Duration MIN_PHASE_MEAN = Duration.ofMillis(100);
  /** network.latency: the longest (and it must be under half of scheduler.host-timeout). */
  static final Duration MAX_LATENCY = Duration.ofSeconds(1);
  /** scheduler.consolidation.interval: the shortest (each step reads one value of every guest's history). */
  static final Duration MIN_CONSOLIDATION_INTERVAL = Duration.ofSeconds(1);
  /** scheduler.host-timeout: the longest. */
  static final Duration MAX_HOST_TIMEOUT = Duration.ofHours(1);
  /** migration.downtime-limit: QEMU's own maximum, 2000 s (migration/options.c, MAX_MIGRATE_DOWNTIME_SECONDS). */
  static final Duration MAX_DOWNTIME_LIMIT = Duration.ofSeconds(2000);
  /** Any size (memory, working set): 1 PiB. */
  static final long MAX_BYTES = 1L << 50;
  /** Any bandwidth (nic, migration.bandwidth): 1 Pbit/s. */
  static final long MAX_BITS_PER_SECOND = 1_000_000_000_000_000L;
  /** Any power: 1 MW. */
  static final double MAX_WATTS = 1e6;
  /** cpu.ghz. */
  static final double MAX_GHZ = 1_000;
  /** workload.dirty-rate (pages per second) and workload.io-rate (operations per second). */
  static final double MAX_RATE = 1e9;
  /** workload.variability (a coefficient of variation). */
  static final double MAX_VARIABILITY = 10;
  /** Characters in a node or guest name (and a group's prefix). */
  static final int MAX_NAME = 255;

  /** Characters in a path (workload.trace, a group's traces): Linux's PATH_MAX. */
  static final int MAX_PATH = 4096;

  private Limits() {}
}
