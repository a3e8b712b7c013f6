package io.domsim.migration.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Bulk transfers (migration streams) between nodes' NICs, sharing bandwidth max-min fairly. Pure: no
 * actors and no clock; the caller passes simulated time (nanoseconds) in.
 *
 * <p>Each node has a full-duplex NIC of {@code C} bits/s: an egress resource and an ingress resource of
 * {@code C} each. A flow crosses its source's egress and its destination's ingress, and may carry its
 * own cap (a migration's bandwidth limit). Rates are the max-min fair allocation by progressive
 * filling: all unfrozen flows rise together until a resource saturates or a flow reaches its cap; those
 * flows freeze; repeat. Rates are recomputed when a flow starts or ends, and never in between, so
 * between two such events every flow drains at a constant rate and its completion instant is fixed.
 *
 * <p>Completion instants are rounded up to the next nanosecond, so a flow is never reported done while
 * (in exact arithmetic) bytes are left; a flow with less than {@link #DONE_BYTES} left when rates are
 * recomputed counts as done. Flows are kept in a {@link TreeMap} by id and every tie is broken by id, so
 * the result does not depend on insertion order.
 *
 * <p>Time only moves forward. {@link #advanceTo} collects the flows that finish on the way (recomputing
 * the others' rates at each finish); {@link #addFlow} and {@link #removeFlow} refuse to jump over a
 * pending completion, so call {@code advanceTo(now)} first.
 */
public final class FlowNetwork<K extends Comparable<K>> {
  /** A flow with fewer bytes left than this when rates change is done. */
  public static final double DONE_BYTES = 1e-6;

  private static final double NANOS_PER_SECOND = 1e9;
  /** Relative slack when deciding which resources saturate and which caps are reached in one round. */
  private static final double FREEZE_SLACK = 1e-12;

  /** What was asked for: a flow of {@code bytes} from {@code from} to {@code to}, started at {@code startedNanos}. */
  public record Flow<K>(K id, String from, String to, long bytes, long capBitsPerSecond, long startedNanos) {}

  /** A flow whose last byte left its source at {@code finishedNanos}. */
  public record Finished<K>(Flow<K> flow, long finishedNanos) {}

  /** The earliest pending completion: {@code flowId} finishes at {@code atNanos}. */
  public record Completion<K>(K flowId, long atNanos) {}

  private static final class Node {
    /** What the NIC carries now, each way: its nominal rate, less while its link is degraded, 0 while cut. */
    long bitsPerSecond;
    final int index;
    /** Guests' own traffic wanting this NIC, out and in: it takes its max-min share like a capped flow. */
    double guestEgressDemand;
    double guestIngressDemand;
    double guestEgressRate;
    double guestIngressRate;

    Node(long bitsPerSecond, int index) {
      this.bitsPerSecond = bitsPerSecond;
      this.index = index;
    }
  }

  private static final class Active<K> {
    final Flow<K> flow;
    final Node from;
    final Node to;
    /** Bytes left at {@link #anchorNanos}, the last instant rates changed. */
    double anchorRemaining;
    double rateBitsPerSecond;
    /** When the last byte leaves at the current rate (rounded up); fixed until rates change. */
    long doneAt;

    Active(Flow<K> flow, Node from, Node to) {
      this.flow = flow;
      this.from = from;
      this.to = to;
      this.anchorRemaining = flow.bytes();
      this.doneAt = Long.MAX_VALUE; // not yet rated: recompute() sets it
    }
  }

  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final TreeMap<K, Active<K>> flows = new TreeMap<>();
  /** Rate recomputations so far ({@link #recomputations}). */
  private long recomputations;
  /** The last instant rates were recomputed: every flow's remaining bytes are anchored here. */
  private long anchorNanos;
  /** The latest instant the network has been told about. */
  private long nowNanos;

  public FlowNetwork() {}

  /** Adds a node whose NIC carries {@code bitsPerSecond} in each direction. */
  public void addNode(String name, long bitsPerSecond) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a node needs a name");
    }
    if (bitsPerSecond <= 0) {
      throw new IllegalArgumentException("node " + name + ": NIC bandwidth must be positive, was " + bitsPerSecond + " bit/s");
    }
    if (nodes.containsKey(name)) {
      throw new IllegalArgumentException("node " + name + " already exists");
    }
    nodes.put(name, new Node(bitsPerSecond, nodes.size()));
  }

  /** Adds every node of {@code nicBitsPerSecond} (name to bits/s), in name order. */
  public void addNodes(SortedMap<String, Long> nicBitsPerSecond) {
    for (var e : nicBitsPerSecond.entrySet()) {
      addNode(e.getKey(), e.getValue() == null ? 0 : e.getValue());
    }
  }

  public boolean hasNode(String name) {
    return nodes.containsKey(name);
  }

  /** The nodes in name order. */
  public SortedSet<String> nodes() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(nodes.keySet()));
  }

  /**
   * Changes what {@code node}'s NIC carries from {@code nowNanos} on (a degraded link, a cut: 0, or the
   * nominal rate again). Flows through it are re-rated; at 0 they stall, with their bytes kept.
   */
  public void setCapacity(String name, long bitsPerSecond, long nowNanos) {
    if (bitsPerSecond < 0) {
      throw new IllegalArgumentException("node " + name + ": NIC bandwidth must be at least 0, was " + bitsPerSecond);
    }
    Node n = node(name);
    moveTo(nowNanos, "change the NIC of " + name);
    n.bitsPerSecond = bitsPerSecond;
    recompute();
  }

  /** The NIC bandwidth of {@code node} in bits/s (each direction). */
  public long capacityOf(String node) {
    return node(node).bitsPerSecond;
  }

  /** The latest instant the network has been advanced to. */
  public long now() {
    return nowNanos;
  }

  /**
   * Starts a flow at {@code nowNanos}. {@code capBitsPerSecond} 0 means no cap. A zero-byte flow is
   * done at once: {@code advanceTo(nowNanos)} reports it.
   *
   * @throws IllegalArgumentException for an unknown node, a loopback flow, a duplicate id, negative bytes or cap
   * @throws IllegalStateException if time would go backwards or a flow finishes before {@code nowNanos}
   */
  public void addFlow(K id, String from, String to, long bytes, long capBitsPerSecond, long nowNanos) {
    if (id == null) {
      throw new IllegalArgumentException("a flow needs an id");
    }
    if (flows.containsKey(id)) {
      throw new IllegalArgumentException("flow " + id + " already exists");
    }
    Node src = node(from);
    Node dst = node(to);
    if (from.equals(to)) {
      throw new IllegalArgumentException("flow " + id + " goes from " + from + " to itself");
    }
    if (bytes < 0) {
      throw new IllegalArgumentException("flow " + id + ": negative size " + bytes + " bytes");
    }
    if (capBitsPerSecond < 0) {
      throw new IllegalArgumentException("flow " + id + ": negative cap " + capBitsPerSecond + " bit/s (0 means none)");
    }
    moveTo(nowNanos, "start flow " + id);
    flows.put(id, new Active<>(new Flow<>(id, from, to, bytes, capBitsPerSecond, nowNanos), src, dst));
    recompute();
  }

  /**
   * Removes a flow before it finishes (cancelled, or an endpoint failed); the others speed up.
   * Returns the flow, or empty if there is no such flow.
   */
  public Optional<Flow<K>> removeFlow(K id, long nowNanos) {
    moveTo(nowNanos, "remove flow " + id);
    Active<K> a = flows.remove(id);
    if (a == null) {
      return Optional.empty();
    }
    recompute();
    return Optional.of(a.flow);
  }

  /**
   * Sets the bandwidth the node's guests want for their own I/O, out and in. It competes with the flows
   * for the NIC like a flow capped at that demand: it gets its demand or its max-min fair share.
   */
  public void setGuestTraffic(String node, double egressBitsPerSecond, double ingressBitsPerSecond, long nowNanos) {
    Node n = node(node);
    if (egressBitsPerSecond < 0 || ingressBitsPerSecond < 0) {
      throw new IllegalArgumentException("node " + node + ": guest traffic must not be negative");
    }
    moveTo(nowNanos, "set the guest traffic of " + node);
    n.guestEgressDemand = egressBitsPerSecond;
    n.guestIngressDemand = ingressBitsPerSecond;
    if (flowsOf(node).isEmpty()) {
      // Nothing to share with: no rate changes anywhere (the common case, and a cheap one).
      n.guestEgressRate = Math.min(egressBitsPerSecond, n.bitsPerSecond);
      n.guestIngressRate = Math.min(ingressBitsPerSecond, n.bitsPerSecond);
      return;
    }
    recompute();
  }

  /** What the node's guests get of their NIC now, out and in, in bits/s (their share beside the flows). */
  public double[] guestTrafficRate(String node) {
    Node n = node(node);
    return new double[] {n.guestEgressRate, n.guestIngressRate};
  }

  /** Removes every flow from or to {@code node} (in id order), recomputing the others' rates once. */
  public List<Flow<K>> removeFlowsOf(String node, long nowNanos) {
    moveTo(nowNanos, "remove the flows of " + node);
    List<Flow<K>> removed = new ArrayList<>();
    var it = flows.values().iterator();
    while (it.hasNext()) {
      Active<K> a = it.next();
      if (a.flow.from().equals(node) || a.flow.to().equals(node)) {
        removed.add(a.flow);
        it.remove();
      }
    }
    if (!removed.isEmpty()) {
      recompute();
    }
    return removed;
  }

  /**
   * Lets time run to {@code nowNanos}: flows drain at their rates, and each flow whose last byte leaves
   * by then is removed and returned (in order of finish time, then id), the others' rates being
   * recomputed at each finish instant.
   */
  public List<Finished<K>> advanceTo(long nowNanos) {
    if (nowNanos < this.nowNanos) {
      throw new IllegalStateException("time goes backwards: network at " + this.nowNanos + " ns, asked for " + nowNanos + " ns");
    }
    List<Finished<K>> finished = new ArrayList<>();
    while (true) {
      Optional<Completion<K>> next = nextCompletion();
      if (next.isEmpty() || next.get().atNanos() > nowNanos) {
        break;
      }
      long at = next.get().atNanos();
      this.nowNanos = at;
      var it = flows.values().iterator();
      while (it.hasNext()) {
        Active<K> a = it.next();
        if (a.doneAt <= at) {
          finished.add(new Finished<>(a.flow, a.doneAt));
          it.remove();
        }
      }
      recompute();
    }
    this.nowNanos = nowNanos;
    return finished;
  }

  /** The earliest finish instant of any flow (ties: the smallest id), or empty when no flow is running. */
  public Optional<Completion<K>> nextCompletion() {
    Active<K> best = null;
    for (Active<K> a : flows.values()) {
      if (best == null || a.doneAt < best.doneAt) {
        best = a;
      }
    }
    return best == null ? Optional.empty() : Optional.of(new Completion<>(best.flow.id(), best.doneAt));
  }

  public boolean contains(K id) {
    return flows.containsKey(id);
  }

  public int size() {
    return flows.size();
  }

  public Optional<Flow<K>> flow(K id) {
    Active<K> a = flows.get(id);
    return a == null ? Optional.empty() : Optional.of(a.flow);
  }

  /** The current rate of flow {@code id} in bits/s. */
  public double rateOf(K id) {
    return active(id).rateBitsPerSecond;
  }

  /** Bytes of flow {@code id} not yet sent at {@link #now()}. */
  public double remainingBytes(K id) {
    return remaining(active(id), nowNanos);
  }

  /**
   * Bytes of flow {@code id} not yet sent at {@code atNanos} (not before {@link #now()}) at the current rates (0 from
   * its completion on): a projection that moves nothing, so it collects no flow that finishes by then.
   */
  public double remainingBytesAt(K id, long atNanos) {
    if (atNanos < nowNanos) {
      throw new IllegalStateException("the remaining bytes of flow " + id + " at " + atNanos
          + " ns: the network is already at " + nowNanos + " ns");
    }
    return remaining(active(id), atNanos);
  }

  /** When flow {@code id} finishes if nothing else changes. */
  public long completionOf(K id) {
    return active(id).doneAt;
  }

  /** How many times the rates have been recomputed: unchanged, so are the rates (and the set of flows). */
  public long recomputations() {
    return recomputations;
  }

  /** Every running flow's rate in bits/s, by id. */
  public SortedMap<K, Double> rates() {
    TreeMap<K, Double> r = new TreeMap<>();
    for (Active<K> a : flows.values()) {
      r.put(a.flow.id(), a.rateBitsPerSecond);
    }
    return Collections.unmodifiableSortedMap(r);
  }

  /** The ids of the flows from or to {@code node}, in id order. */
  /** Every flow in the network, in id order. */
  public List<K> flowsNow() {
    return new ArrayList<>(flows.keySet());
  }

  public List<K> flowsOf(String node) {
    List<K> ids = new ArrayList<>();
    for (Active<K> a : flows.values()) {
      if (a.flow.from().equals(node) || a.flow.to().equals(node)) {
        ids.add(a.flow.id());
      }
    }
    return ids;
  }

  /** The sum of the rates of the flows leaving {@code node}, in bits/s. */
  public double egressBitsPerSecond(String node) {
    node(node);
    double sum = 0;
    for (Active<K> a : flows.values()) {
      if (a.flow.from().equals(node)) {
        sum += a.rateBitsPerSecond;
      }
    }
    return sum;
  }

  /** The sum of the rates of the flows entering {@code node}, in bits/s. */
  public double ingressBitsPerSecond(String node) {
    node(node);
    double sum = 0;
    for (Active<K> a : flows.values()) {
      if (a.flow.to().equals(node)) {
        sum += a.rateBitsPerSecond;
      }
    }
    return sum;
  }

  private Node node(String name) {
    Node n = name == null ? null : nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("unknown node " + name);
    }
    return n;
  }

  private Active<K> active(K id) {
    Active<K> a = flows.get(id);
    if (a == null) {
      throw new IllegalArgumentException("no flow " + id);
    }
    return a;
  }

  private double remaining(Active<K> a, long t) {
    if (t >= a.doneAt) {
      return 0;
    }
    double left = a.anchorRemaining - a.rateBitsPerSecond / 8 * ((t - anchorNanos) / NANOS_PER_SECOND);
    return Math.max(0, left);
  }

  /** Moves to {@code t} for a change of the flow set; a completion due by then must be collected first. */
  private void moveTo(long t, String what) {
    if (t < nowNanos) {
      throw new IllegalStateException("cannot " + what + " at " + t + " ns: the network is already at " + nowNanos + " ns");
    }
    Optional<Completion<K>> next = nextCompletion();
    if (next.isPresent() && next.get().atNanos() <= t) {
      throw new IllegalStateException("cannot " + what + " at " + t + " ns: flow " + next.get().flowId()
          + " finishes at " + next.get().atNanos() + " ns; collect it with advanceTo first");
    }
    nowNanos = t;
  }

  /** Re-anchors every flow at {@link #nowNanos} and shares the NICs by progressive filling. */
  private void recompute() {
    recomputations++;
    long t = nowNanos;
    for (Active<K> a : flows.values()) {
      a.anchorRemaining = remaining(a, t);
    }
    anchorNanos = t;

    // Only flows with bytes left compete; the rest are done now.
    List<Active<K>> competing = new ArrayList<>(flows.size());
    for (Active<K> a : flows.values()) {
      if (a.anchorRemaining < DONE_BYTES) {
        a.anchorRemaining = 0;
        a.rateBitsPerSecond = 0;
        a.doneAt = t;
      } else {
        competing.add(a);
      }
    }
    int n = competing.size();
    int resources = 2 * nodes.size(); // egress of node i is 2i, ingress 2i + 1
    double[] capacity = new double[resources];
    // Guests' traffic on each resource: one more participant, capped at its demand.
    double[] guestDemand = new double[resources];
    double[] guestRate = new double[resources];
    boolean[] guestFrozen = new boolean[resources];
    Node[] byIndex = new Node[nodes.size()];
    for (Node node : nodes.values()) {
      byIndex[node.index] = node;
      capacity[2 * node.index] = node.bitsPerSecond;
      capacity[2 * node.index + 1] = node.bitsPerSecond;
      guestDemand[2 * node.index] = node.guestEgressDemand;
      guestDemand[2 * node.index + 1] = node.guestIngressDemand;
    }
    double[] frozenSum = new double[resources];
    int[] unfrozenCount = new int[resources];
    for (Active<K> a : competing) {
      unfrozenCount[2 * a.from.index]++;
      unfrozenCount[2 * a.to.index + 1]++;
    }
    // The water filling visits only the NIC directions some flow crosses: on a big cluster with a few
    // migrations, the others would be most of its work and change nothing (a minimum is the same over fewer
    // terms that never bind).
    int involvedCount = 0;
    for (int r = 0; r < resources; r++) {
      involvedCount += unfrozenCount[r] > 0 ? 1 : 0;
    }
    int[] involved = new int[involvedCount];
    for (int r = 0, i = 0; r < resources; r++) {
      if (unfrozenCount[r] > 0) {
        involved[i++] = r;
      }
    }
    int guestsLeft = 0;
    for (int r = 0; r < resources; r++) {
      if (guestDemand[r] > 0 && unfrozenCount[r] > 0) {
        unfrozenCount[r]++;
        guestsLeft++;
      } else {
        // No flow to share with: the guests get their demand, up to the NIC.
        guestRate[r] = Math.min(guestDemand[r], capacity[r]);
        guestFrozen[r] = true;
      }
    }
    if (n == 0) {
      storeGuestRates(byIndex, guestRate);
      return;
    }
    boolean[] frozen = new boolean[n];
    boolean[] saturated = new boolean[resources];
    int left = n;
    while (left > 0 || guestsLeft > 0) {
      // Every unfrozen flow has the same rate, the current water level; find where it stops next.
      double level = Double.POSITIVE_INFINITY;
      for (int r : involved) {
        if (unfrozenCount[r] > 0) {
          level = Math.min(level, fairShare(capacity[r], frozenSum[r], unfrozenCount[r]));
        }
      }
      for (int i = 0; i < n; i++) {
        long cap = competing.get(i).flow.capBitsPerSecond();
        if (!frozen[i] && cap > 0) {
          level = Math.min(level, cap);
        }
      }
      for (int r : involved) {
        if (!guestFrozen[r]) {
          level = Math.min(level, guestDemand[r]);
        }
      }
      double threshold = level * (1 + FREEZE_SLACK);
      for (int r : involved) {
        saturated[r] = unfrozenCount[r] > 0 && fairShare(capacity[r], frozenSum[r], unfrozenCount[r]) <= threshold;
      }
      for (int r : involved) {
        if (!guestFrozen[r] && (guestDemand[r] <= threshold || saturated[r])) {
          guestRate[r] = Math.min(guestDemand[r], level);
          guestFrozen[r] = true;
          guestsLeft--;
          frozenSum[r] += guestRate[r];
          unfrozenCount[r]--;
        }
      }
      for (int i = 0; i < n; i++) {
        if (frozen[i]) {
          continue;
        }
        Active<K> a = competing.get(i);
        int eg = 2 * a.from.index;
        int in = 2 * a.to.index + 1;
        long cap = a.flow.capBitsPerSecond();
        boolean capped = cap > 0 && cap <= threshold;
        if (capped || saturated[eg] || saturated[in]) {
          double rate = capped ? Math.min(cap, level) : level;
          a.rateBitsPerSecond = rate;
          frozen[i] = true;
          left--;
          frozenSum[eg] += rate;
          frozenSum[in] += rate;
          unfrozenCount[eg]--;
          unfrozenCount[in]--;
        }
      }
    }
    for (Active<K> a : competing) {
      a.doneAt = t + nanosToSend(a.anchorRemaining, a.rateBitsPerSecond);
    }
    storeGuestRates(byIndex, guestRate);
  }

  private static void storeGuestRates(Node[] byIndex, double[] guestRate) {
    for (Node node : byIndex) {
      node.guestEgressRate = guestRate[2 * node.index];
      node.guestIngressRate = guestRate[2 * node.index + 1];
    }
  }

  private static double fairShare(double capacity, double frozenSum, int count) {
    return Math.max(0, capacity - frozenSum) / count;
  }

  /** Nanoseconds to send {@code bytes} at {@code bitsPerSecond}, rounded up. */
  private static long nanosToSend(double bytes, double bitsPerSecond) {
    double nanos = Math.ceil(bytes * 8 * NANOS_PER_SECOND / bitsPerSecond);
    return nanos >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) nanos;
  }
}
