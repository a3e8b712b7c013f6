package io.domsim.cli.chaos;

import com.typesafe.config.Config;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.domsim.config.NodeSpec;
import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the variations of one cluster are drawn from: its nodes and guests in configuration order, its
 * duration, latency and migration timeout, the algorithms and stop rules of this build (plug-ins
 * included), its merged settings (to see which keys this build declares), and what makes a migration
 * likely to be refused (where pinned guests start, which guests are HVM and which nodes can host them; which
 * nodes are Xen's, the only ones to run PV and PVH guests).
 */
public record ChaosBase(List<String> nodes, List<String> guests, long durationMillis, long latencyNanos,
    long timeoutMillis, List<String> algorithms, List<String> stopRules, Config settings,
    Map<String, String> pinnedTo, Set<String> hvmGuests, List<String> hvmNodes, List<String> typeOneNodes) {

  public ChaosBase {
    nodes = List.copyOf(nodes);
    guests = List.copyOf(guests);
    algorithms = List.copyOf(algorithms);
    stopRules = List.copyOf(stopRules);
    pinnedTo = Collections.unmodifiableSortedMap(new TreeMap<>(pinnedTo));
    hvmGuests = Collections.unmodifiableSortedSet(new TreeSet<>(hvmGuests));
    hvmNodes = List.copyOf(hvmNodes);
    typeOneNodes = List.copyOf(typeOneNodes);
  }

  /** The nodes that can run a guest of {@code type}: HVM needs VT-x, PV's interface needs Xen (type-1). */
  public List<String> nodesFor(GuestType type) {
    List<String> base = type.needsHvm() ? hvmNodes : nodes;
    return type.xenOnly() ? base.stream().filter(typeOneNodes::contains).toList() : base;
  }

  public static ChaosBase of(ClusterSpec spec, PluginCatalog catalog) {
    Map<String, String> pinned = new TreeMap<>();
    spec.guests().forEach(g -> g.node().ifPresent(n -> pinned.put(g.name(), n)));
    return new ChaosBase(spec.nodes().stream().map(NodeSpec::name).toList(),
        spec.guests().stream().map(GuestSpec::name).toList(), spec.simulation().duration().toMillis(),
        spec.network().latency().toNanos(), spec.migration().timeout().toMillis(),
        List.copyOf(catalog.names(PluginKind.MIGRATION_ALGORITHM)), List.copyOf(catalog.names(PluginKind.STOP_RULE)),
        spec.settings(), pinned,
        spec.guests().stream().filter(g -> g.type().needsHvm()).map(GuestSpec::name).collect(Collectors.toSet()),
        spec.nodes().stream().filter(NodeSpec::hvmSupport).map(NodeSpec::name).toList(),
        spec.nodes().stream().filter(n -> n.hypervisor() == HypervisorKind.TYPE_1).map(NodeSpec::name).toList());
  }

  /** Why chaos cannot vary this cluster, or null when it can. */
  public String unfit() {
    if (nodes.size() < 2 || guests.isEmpty()) {
      return "chaos needs at least two nodes and one guest to migrate between them; the cluster has "
          + nodes.size() + " node(s) and " + guests.size() + " guest(s)";
    }
    if (durationMillis < 1000) {
      return "chaos needs a simulation.duration of at least 1s to place migrations and faults in; the cluster runs "
          + durationMillis + "ms (set --set simulation.duration=20s)";
    }
    return null;
  }
}
