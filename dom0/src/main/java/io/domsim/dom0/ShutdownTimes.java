package io.domsim.dom0;

import com.typesafe.config.Config;
import io.domsim.config.GuestType;
import io.domsim.kernel.SimTime;

/**
 * How long a guest runs on after {@code xl shutdown} until its domain is gone, by type: a PV guest acts on
 * its xenstore {@code control/shutdown} node, an HVM one on the ACPI power button
 * ({@code domsim.dom0.guest-shutdown-time}).
 */
public record ShutdownTimes(long pvNanos, long hvmNanos) {

  public ShutdownTimes {
    if (pvNanos < 0 || hvmNanos < 0) {
      throw new IllegalArgumentException("a shutdown time is at least 0");
    }
  }

  /** Reads {@code domsim.dom0.guest-shutdown-time} from a cluster's settings (the domsim subtree). */
  public static ShutdownTimes from(Config domsim) {
    Config c = domsim.getConfig("dom0.guest-shutdown-time");
    return new ShutdownTimes(SimTime.of(c.getDuration("pv")), SimTime.of(c.getDuration("hvm")));
  }

  public long of(GuestType type) {
    return type.shutdownAs() == GuestType.HVM ? hvmNanos : pvNanos;
  }
}
