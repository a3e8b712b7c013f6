package io.domsim.node;

import io.domsim.kernel.SimKernel;
import io.domsim.migration.net.Fabric;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The link faults of the run's nodes (partitions and degraded links), applied to the two things they act
 * on: the control network (messages wait while a node is cut off, and take a degraded link's latency)
 * and the fabric (a cut NIC carries nothing, a degraded one at most its new rate). A node may be cut off
 * and degraded at once: what it gets is the worse of the two.
 */
final class LinkFaults {
  private final SimKernel kernel;
  private final ManagementPlane plane;
  private final SortedMap<String, Long> nominalNics;
  private final long baseLatencyNanos;
  private final SortedMap<String, Degraded> degraded = new TreeMap<>();
  private final java.util.SortedSet<String> cut = new java.util.TreeSet<>();

  /** A degraded link: at most {@code bitsPerSecond} (when present), messages taking {@code latencyNanos}. */
  private record Degraded(Optional<Long> bitsPerSecond, Optional<Long> latencyNanos) {}

  /** @param plane where the changes go: every member's replicas of the network and the fabric */
  LinkFaults(SimKernel kernel, ManagementPlane plane, long baseLatencyNanos, SortedMap<String, Long> nominalNics) {
    this.kernel = kernel;
    this.plane = plane;
    this.nominalNics = nominalNics;
    this.baseLatencyNanos = baseLatencyNanos;
  }

  boolean isCut(String node) {
    return cut.contains(node);
  }

  boolean isDegraded(String node) {
    return degraded.containsKey(node);
  }

  void cut(String node) {
    cut.add(node);
    plane.change(new ReplicaChange.Cut(node));
    apply(node);
  }

  void heal(String node) {
    if (cut.remove(node)) {
      plane.change(new ReplicaChange.Heal(node));
      apply(node);
    }
  }

  void degrade(String node, Optional<Long> bitsPerSecond, Optional<Long> latencyNanos) {
    degraded.put(node, new Degraded(bitsPerSecond, latencyNanos));
    latencyNanos.ifPresent(l -> plane.change(new ReplicaChange.Degrade(node, l)));
    apply(node);
  }

  void restore(String node) {
    if (degraded.remove(node) != null) {
      plane.change(new ReplicaChange.Restore(node));
      apply(node);
    }
  }

  /** Tells the fabric what the node's NIC and latency are now. */
  private void apply(String node) {
    Degraded d = degraded.get(node);
    long nominal = nominalNics.getOrDefault(node, 0L);
    long bits = cut.contains(node) ? 0
        : d == null ? nominal : Math.min(nominal, d.bitsPerSecond().orElse(nominal));
    long latency = d == null ? baseLatencyNanos : Math.max(baseLatencyNanos, d.latencyNanos().orElse(0L));
    plane.change(new ReplicaChange.FabricLinkChanged(new Fabric.LinkChanged(node, bits, latency, kernel.currentEvent())));
  }
}
