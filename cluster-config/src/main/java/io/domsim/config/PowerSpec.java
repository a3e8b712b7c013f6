package io.domsim.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A node's power: what it draws when on, by CPU utilisation, and what switching it off and on costs.
 *
 * @param curve watts by CPU utilisation while the node is on
 * @param offWatts what it draws while switched off (its BMC and the power supply's standby rail)
 * @param bootTime from power-on until it can take guests
 * @param shutdownTime from the shutdown request until it is off
 */
public record PowerSpec(PowerCurve curve, double offWatts, Duration bootTime, Duration shutdownTime) {

  public PowerSpec {
    Objects.requireNonNull(curve, "curve");
    Objects.requireNonNull(bootTime, "bootTime");
    Objects.requireNonNull(shutdownTime, "shutdownTime");
  }
}
