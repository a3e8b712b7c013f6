package io.domsim.config;

import java.time.Duration;

/**
 * Live-migration defaults (a scenario action may override the algorithm and policy).
 *
 * @param algorithm the name of a migration algorithm plug-in ({@code pre-copy}, {@code post-copy}, ...)
 * @param policy the name of a pre-copy stop rule plug-in ({@code xen}, {@code xen-legacy}, {@code qemu})
 * @param bandwidthBitsPerSecond cap per migration stream; 0 means whatever the NICs give it
 * @param timeout how long a migration may make no progress (its stream stalled, its peer silent) before
 *     the source gives up; before GO that aborts it and the guest runs on at the source
 */
public record MigrationSpec(
    String algorithm, String policy, Duration downtimeLimit, boolean autoConverge,
    long bandwidthBitsPerSecond, Duration timeout) {}
