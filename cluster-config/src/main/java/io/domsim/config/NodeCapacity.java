package io.domsim.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memory the nodes offer guests, as the run's hypervisors count it, so that validation says exactly what a
 * run will do: each domain, Dom0 included, also takes the hypervisor's per-domain state
 * ({@code domsim.hypervisor.costs.domain-overhead}), and a guest fits when its memory plus that state is at most
 * what is free. Pinned guests are counted in configuration order, the order their Dom0s create them in.
 */
final class NodeCapacity {

  private final Map<String, NodeSpec> byName = new HashMap<>();
  private final NodeSpec largest;
  private final boolean anyHvm;
  private final long overhead;
  /** Per node, what the pinned guests that fit take, and their names for messages. */
  private final Map<String, Long> pinnedBytes = new HashMap<>();
  private final Map<String, List<String>> pinnedNames = new HashMap<>();

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

  /** The largest guest memory that fits on an empty {@code node}. */
  long mostGuestMemory(NodeSpec node) {
    return Math.max(0, free(node) - overhead);
  }

  /** How many of {@code count} guests of {@code memoryBytes} fit on {@code node} beside those pinned before. */
  long fitting(NodeSpec node, long memoryBytes, long count) {
    long left = free(node) - pinnedBytes.getOrDefault(node.name(), 0L);
    return Math.max(0, Math.min(count, left / (memoryBytes + overhead)));
  }

  /** Counts {@code count} guests of {@code memoryBytes} as started on {@code node}. */
  void pin(NodeSpec node, long memoryBytes, long count, String names) {
    pinnedBytes.merge(node.name(), count * (memoryBytes + overhead), Long::sum);
    pinnedNames.computeIfAbsent(node.name(), n -> new ArrayList<>()).add(names);
  }

  /** The guests pinned to {@code node} so far, for messages: {@code a, b and web-1 ... web-4}. */
  String pinnedBefore(NodeSpec node) {
    return DidYouMean.list(pinnedNames.getOrDefault(node.name(), List.of()));
  }

  long pinnedBytes(NodeSpec node) {
    return pinnedBytes.getOrDefault(node.name(), 0L);
  }

  /** "after dom0" or, with a per-domain cost, "after dom0 and the hypervisor's 20000 bytes per domain". */
  String afterWhat() {
    return overhead == 0 ? "after dom0" : "after dom0 (each domain also takes " + overhead
        + " bytes of hypervisor state, hypervisor.costs.domain-overhead)";
  }

  /** Memory left for guests and their per-domain state on an empty node. */
  long free(NodeSpec node) {
    return node.memoryBytes() - node.dom0().memoryBytes() - overhead;
  }
}
