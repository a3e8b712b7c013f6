package io.domsim.node;

import io.domsim.config.NodeSpec;
import java.time.Duration;

/** A node's power switch as configured: what it draws when off, how long it takes to shut down and boot. */
final class NodePower {
  private NodePower() {}

  static double offWatts(NodeSpec node) {
    return 0;
  }

  static Duration shutdownTime(NodeSpec node) {
    return Duration.ZERO;
  }

  static Duration bootTime(NodeSpec node) {
    return Duration.ZERO;
  }
}
