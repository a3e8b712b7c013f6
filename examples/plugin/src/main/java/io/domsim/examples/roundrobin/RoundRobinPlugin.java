package io.domsim.examples.roundrobin;

import com.typesafe.config.Config;
import io.domsim.scheduler.PlacementPolicy;
import io.domsim.scheduler.PlacementPolicyPlugin;

/**
 * The plug-in: what {@code scheduler.placement = round-robin} names. Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/io.domsim.scheduler.PlacementPolicyPlugin};
 * its settings and their defaults are in this jar's {@code reference.conf}.
 */
public final class RoundRobinPlugin implements PlacementPolicyPlugin {

  /** ServiceLoader needs a public no-argument constructor; the plug-in itself holds no state of a run. */
  public RoundRobinPlugin() {}

  @Override
  public String name() {
    return "round-robin";
  }

  @Override
  public String description() {
    return "the k-th guest goes to the k-th node, cycling; a node where it does not fit is skipped";
  }

  /**
   * A new policy, with no guest placed yet, for each run.
   *
   * @param settings {@code domsim.scheduler.placement-policies.round-robin}
   */
  @Override
  public PlacementPolicy create(Config settings) {
    // A bad value throws: a ConfigException (start = x) or an IllegalArgumentException, which domsim
    // reports as a configuration problem under this subtree before the run starts.
    int start = settings.hasPath("start") ? settings.getInt("start") : 0;
    if (start < 0) {
      throw new IllegalArgumentException("start must be 0 or more, was " + start);
    }
    return new RoundRobin(start);
  }
}
