package io.domsim.config;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memory the nodes offer guests, as the run's hypervisors count it, so that validation says exactly what a
 * run will do: each domain, Dom0 included, also takes the hypervisor's per-domain state
 * ({@code domsim.hypervisor.costs.domain-overhead}), and a guest fits when its memory plus that state is at most
 * what is free.
 */
final class NodeCapacity {

  private final Map<String, NodeSpec> byName = new HashMap<>();
  private final NodeSpec largest;
  private final boolean anyHvm;
  private final long overhead;

  private NodeCapacity(List<NodeSpec> nodes, long overhead) {
    nodes.forEach(n -> byName.put(n.name(), n));
    this.overhead = overhead;
    // max keeps the first of equals, so the largest is the earliest in configuration order
    this.largest = nodes.stream().max(Comparator.comparingLong(this::free)).orElseThrow();
    this.anyHvm = nodes.stream().anyMatch(NodeSpec::hvmSupport);
  }

  /** Absent when some node is invalid, since a broken node would make "does not fit" wrong. */
  static Optional<NodeCapacity> of(NodeReader.Nodes nodes, long overhead) {
    if (!nodes.complete() || nodes.specs().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new NodeCapacity(nodes.specs(), overhead));
  }

  NodeSpec node(String name) {
    return byName.get(name);
  }

  NodeSpec largest() {
    return largest;
  }

  boolean anyHvm() {
    return anyHvm;
  }

  /** Whether any node can run a guest of {@code type} ({@link NodeSpec#cannotRun}). */
  boolean anyCanRun(GuestType type) {
    return byName.values().stream().anyMatch(n -> n.cannotRun(type) == null);
  }

  /** The largest guest memory that fits on an empty {@code node}. */
  long mostGuestMemory(NodeSpec node) {
    return Math.max(0, free(node) - overhead);
  }

  /** "after dom0", and with a per-domain cost, how much each domain also takes. */
  String afterWhat() {
    return overhead == 0 ? "after dom0" : "after dom0 (each domain also takes " + overhead
        + " bytes of hypervisor state, hypervisor.costs.domain-overhead)";
  }

  /** Memory left for guests and their per-domain state on an empty node. */
  long free(NodeSpec node) {
    return node.memoryBytes() - node.dom0().memoryBytes() - overhead;
  }
}
