package io.domsim.config;

import java.time.Duration;

/**
 * Live-migration defaults (a scenario action may override the algorithm and policy).
 *
 * @param bandwidthBitsPerSecond cap per migration stream; 0 means whatever the NICs give it
 */
public record MigrationSpec(
    MigrationAlgorithm algorithm, PrecopyPolicy policy, Duration downtimeLimit, boolean autoConverge,
    long bandwidthBitsPerSecond) {}
