package io.domsim.cli;

import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.config.GuestSpec;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.CostSettings;
import io.domsim.scheduler.HostView;
import io.domsim.scheduler.PlacementPlan;
import io.domsim.node.Plugins;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code domsim validate}: check a cluster file and show what it resolves to, without running it. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Check a cluster file; print its nodes and guests and where each guest would start.")
final class ValidateCommand implements Callable<Integer> {
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final double MIB = 1024.0 * 1024;

  @Mixin
  ConfigOptions config = new ConfigOptions();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--all-nodes", description = "One row per node (by default a run of identical nodes"
      + " shares one row: rack-a-1..40 (40 nodes), as in the end-of-run table).")
  boolean allNodes;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ClusterSpec c;
    try {
      c = config.load(List.of());
    } catch (ConfigProblems problems) {
      problems.problems().forEach(p -> err.println(p));
      err.println("domsim: " + problems.problems().size() + " problem(s) in the configuration.");
      return Main.BAD_INPUT;
    }
    var sim = c.simulation();
    out.println(String.format(Locale.ROOT, "%s: valid. %d nodes, %d guests, %d scenario actions; %s clock, "
            + "duration %s, seed %d, placement %s", c.source(), c.nodes().size(), c.guests().size(),
        c.scenario().size(), sim.clock().configName(), RunTable.duration(sim.duration().toNanos() / 1e9), sim.seed(),
        c.scheduler().placement()));
    var members = c.members();
    if (!members.isEmpty()) {
      var prometheus = c.metrics().prometheus();
      out.println("members: " + String.join(", ", members.members().stream().map(m -> m.name() + " at "
          + m.address() + (m == members.driver() ? " (drives the run)" : "") + (!prometheus.enabled() ? ""
          : " with its nodes' meters at " + metricsAt(prometheus.host(), members.metricsPort(m, prometheus.port()))))
          .toList()) + "; start each with domsim run " + c.source() + " --member NAME");
    }
    out.println();
    // A KIND column only where a node is type-2, a wider TYPE only for pvhvm, a last MEMBER column only with
    // members (round-robin or the node's member = ...): other tables stay as they were.
    boolean kinds = c.nodes().stream().anyMatch(n -> n.hypervisor().hosted());
    String kind = kinds ? "%-6s " : "";
    String memberHeader = members.isEmpty() ? "" : " MEMBER";
    RunTable.fold("NODE", String.format(Locale.ROOT, kind + "%5s %5s %8s %4s %10s %10s",
        kinds ? new Object[] {"KIND", "CORES", "GHZ", "MEM GiB", "HVM", "DOM0 VCPU", "DOM0 GiB"}
            : new Object[] {"CORES", "GHZ", "MEM GiB", "HVM", "DOM0 VCPU", "DOM0 GiB"}) + memberHeader,
        c.nodes(), NodeSpec::name, n -> (kinds ? String.format(Locale.ROOT, kind, n.hypervisor().configName()) : "")
            + String.format(Locale.ROOT, "%5d %5.2f %8.1f %4s %10d %10.1f", n.cores(), n.ghz(),
                n.memoryBytes() / GIB, n.hvmSupport() ? "yes" : "no", n.dom0().vcpus(), n.dom0().memoryBytes() / GIB)
            + (members.isEmpty() ? "" : " " + members.memberOf(n.name())),
        n -> !allNodes).forEach(out::println);
    out.println();
    int typeWidth = Math.max(4, c.guests().stream().mapToInt(g -> g.type().configName().length()).max().orElse(4));
    String type = "%" + typeWidth + "s";
    out.println(String.format(Locale.ROOT, "%-14s " + type + " %5s %8s  %s", "GUEST", "TYPE", "VCPUS", "MEM GiB",
        "STARTS ON"));
    for (GuestSpec g : c.guests()) {
      out.println(String.format(Locale.ROOT, "%-14s " + type + " %5d %8.2f  %s", g.name(), g.type().configName(),
          g.vcpus(), g.memoryBytes() / GIB, startsOn(c, g)));
    }
    return Main.OK;
  }

  private PlacementPlan plan;
  private final Map<String, String> pinnedRefusals = new TreeMap<>();

  /**
   * Where the guest would start: its pinned node, or the pool master's choice on an empty cluster. As in a
   * run, pinned guests start first, in configuration order, each if it still fits beside those before it.
   */
  private String startsOn(ClusterSpec c, GuestSpec g) {
    if (plan == null) {
      plan = initialPlan(c);
    }
    if (g.node().isPresent()) {
      String refused = pinnedRefusals.get(g.name());
      return refused == null ? g.node().get() + " (pinned)" : "nowhere: " + refused;
    }
    Optional<HostView> h = plan.place(g, Set.of());
    return h.map(v -> v.node() + " (" + c.scheduler().placement() + ")")
        .orElseGet(() -> "nowhere: " + plan.whyNoFit(g));
  }

  /**
   * The pool master's view when a run places its first guest, built as the hosts build it: each node's
   * memory after Dom0, and the pinned guests that started on it (created in configuration order, each
   * only if it fits) with their CPU demand summed as the host sums it.
   */
  private PlacementPlan initialPlan(ClusterSpec c) {
    long overhead = CostSettings.from(c.settings()).domainOverheadBytes();
    Map<String, HostView> hosts = new LinkedHashMap<>(); // configuration order
    Map<String, List<GuestSpec>> started = new TreeMap<>();
    for (NodeSpec n : c.nodes()) {
      hosts.put(n.name(), new HostView(n.name(), n.cores(), n.ghz(), n.memoryBytes(), n.nicBitsPerSecond(),
          n.hvmSupport(), n.memoryBytes() - n.dom0().memoryBytes() - overhead, 0, overhead, n.hypervisor()));
      started.put(n.name(), new ArrayList<>());
    }
    for (GuestSpec p : c.guests()) {
      if (p.node().isEmpty()) {
        continue;
      }
      HostView h = hosts.get(p.node().get());
      if (h.fits(p)) {
        hosts.put(h.node(), h.withFree(h.freeMemoryBytes() - h.footprint(p)));
        started.get(h.node()).add(p);
      } else {
        pinnedRefusals.put(p.name(), "pinned to " + h.node() + ", which has " + mib(h.freeMemoryBytes())
            + " MiB free of the " + mib(h.footprint(p)) + " MiB it needs");
      }
    }
    List<HostView> view = hosts.values().stream()
        .map(h -> new HostView(h.node(), h.cores(), h.ghz(), h.memoryBytes(), h.nicBitsPerSecond(), h.hvmSupport(),
            h.freeMemoryBytes(), HostView.demandOf(started.get(h.node()), h.ghz()), h.domainOverheadBytes(),
            h.hypervisor()))
        .toList();
    Plugins plugins = Plugins.onClassPath();
    String name = c.scheduler().placement();
    return new PlacementPlan(plugins.placement().get(name).create(plugins.placement().settingsOf(name,
        c.settings())), view);
  }

  private static long mib(long bytes) {
    return Math.floorDiv(bytes, 1024L * 1024L);
  }

  /** Where a member's /metrics will be: its port, or "a free port" for 0. */
  private static String metricsAt(String host, int port) {
    return port == 0 ? host + " on a free port" : HttpService.authority(host, port) + "/metrics";
  }
}
