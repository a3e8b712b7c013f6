package io.domsim.config;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * Live-migration defaults (a scenario action may override the algorithm and policy).
 *
 * @param algorithm the name of a migration algorithm plug-in ({@code pre-copy}, {@code post-copy}, ...)
 * @param policy the name of a pre-copy stop rule plug-in ({@code xen}, {@code xen-legacy}, {@code qemu})
 * @param bandwidthBitsPerSecond the user's cap per migration stream ({@code migration.bandwidth}); 0 means
 *     whatever the NICs give it; empty ({@code default}) leaves it to the stop rule (qemu: its max-bandwidth)
 * @param timeout how long a migration may make no progress (its stream stalled, its peer silent) before
 *     the source gives up; before GO that aborts it and the guest runs on at the source
 */
public record MigrationSpec(
    String algorithm, String policy, Duration downtimeLimit, boolean autoConverge,
    OptionalLong bandwidthBitsPerSecond, Duration timeout) {

  /** The user's cap, or none (0) where the user set none: what a stream with no stop rule of its own gets. */
  public long userCapOrNone() {
    return bandwidthBitsPerSecond.orElse(0);
  }
}
