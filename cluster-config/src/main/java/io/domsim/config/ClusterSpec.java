package io.domsim.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Optional;

/**
 * A validated cluster: what {@code domsim run} simulates. Immutable; built only by {@link ClusterConfigLoader}.
 *
 * @param source where the configuration came from (a file name, or "embedded:NAME"), for messages
 * @param settings the resolved {@code domsim} subtree, defaults included, for modules that read their own
 *     settings from it (for example the hypervisor's per-operation costs)
 * @param members the JVMs the run is spread over and which hosts each node; none for a run in one JVM
 */
public record ClusterSpec(
    String source,
    SimulationSpec simulation,
    NetworkSpec network,
    List<NodeSpec> nodes,
    SchedulerSpec scheduler,
    MigrationSpec migration,
    List<GuestSpec> guests,
    List<ScenarioAction> scenario,
    MetricsSpec metrics,
    Config settings,
    MembersSpec members) {

  public ClusterSpec {
    nodes = List.copyOf(nodes);
    guests = List.copyOf(guests);
    scenario = List.copyOf(scenario);
  }

  public Optional<NodeSpec> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public Optional<GuestSpec> guest(String name) {
    return guests.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** The same cluster with other simulation settings (the CLI's --seed, --duration, --clock, --speed). */
  public ClusterSpec withSimulation(SimulationSpec newSimulation) {
    return new ClusterSpec(source, newSimulation, network, nodes, scheduler, migration, guests, scenario,
        metrics, settings, members);
  }
}
