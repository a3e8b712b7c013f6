package io.domsim.migration.net;

import akka.actor.typed.ActorRef;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.EventKey;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.testkit.SimHarness;
import io.domsim.kernel.testkit.SimHarness.Received;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * The kernel's test harness with one {@link Fabric} under test, on either clock; the harness's inbox owns
 * the flows and records every event with the simulated instant of its arrival. Tests tell the fabric only
 * while the clock stands at a {@link #runUntil} horizon, so both clocks give the same events and times.
 */
final class FabricHarness implements AutoCloseable {
  private final SimHarness<ActorRef<Fabric.Command>> h;
  final SimKernel kernel;
  final ActorRef<Fabric.Command> fabric;

  /** Real clock: fast enough that a test's seconds take milliseconds, slow enough to be paced. */
  static final double REAL_SPEED = 1000;

  FabricHarness(ClockKind clock, SortedMap<String, Long> nics, long latencyNanos) throws Exception {
    h = new SimHarness<>(clock, REAL_SPEED, 1,
        (ctx, k) -> k.spawn(ctx, Fabric.create(k, nics, latencyNanos), "fabric"));
    kernel = h.kernel;
    fabric = h.refs;
  }

  /** Virtual clock, each NIC carrying {@code payloadFraction} of its line rate as data. */
  FabricHarness(SortedMap<String, Long> nics, long latencyNanos, double payloadFraction) throws Exception {
    h = new SimHarness<>(ClockKind.VIRTUAL, REAL_SPEED, 1,
        (ctx, k) -> k.spawn(ctx, Fabric.create(k, nics, latencyNanos, 0, 0, payloadFraction), "fabric"));
    kernel = h.kernel;
    fabric = h.refs;
  }

  /** Virtual clock, each page a stream moves costing the sender's and receiver's Dom0 these cycles. */
  FabricHarness(SortedMap<String, Long> nics, long latencyNanos, double sendCyclesPerPage,
      double receiveCyclesPerPage) throws Exception {
    h = new SimHarness<>(ClockKind.VIRTUAL, REAL_SPEED, 1, (ctx, k) -> k.spawn(ctx,
        Fabric.create(k, nics, latencyNanos, sendCyclesPerPage, receiveCyclesPerPage, 1), "fabric"));
    kernel = h.kernel;
    fabric = h.refs;
  }

  /** Virtual clock, the fabric one member's replica ({@code replica}: made from the harness's kernel). */
  FabricHarness(SortedMap<String, Long> nics, long latencyNanos, Function<SimKernel, FabricReplica> replica)
      throws Exception {
    h = new SimHarness<>(ClockKind.VIRTUAL, REAL_SPEED, 1,
        (ctx, k) -> k.spawn(ctx, Fabric.create(k, nics, latencyNanos, 0, 0, 1, replica.apply(k)), "fabric"));
    kernel = h.kernel;
    fabric = h.refs;
  }

  /** The inbox as the hypervisor of {@code node}, told what its Dom0's streams cost. */
  void watch(String node) {
    tell(new Fabric.Watch(node, h.inbox()));
  }

  /** The inbox as a flow owner. */
  ActorRef<Fabric.FlowEvent> owner() {
    return h.inbox();
  }

  /** Delivers {@code command} to the fabric at the current simulated instant. */
  void tell(Fabric.Command command) {
    h.inject(() -> fabric.tell(command));
  }

  /**
   * Delivers an input to the fabric at the current simulated instant, stamped as a sender stamps it: with the
   * current event ({@link SimKernel#currentEvent}), at the instant it is told.
   */
  void tell(Function<EventKey, Fabric.Input> input) {
    h.inject(() -> fabric.tell(input.apply(kernel.currentEvent())));
  }

  /**
   * Delivers an input to the fabric at simulated instant {@code atNanos}, told by a timer of {@code sender}
   * and so caused by it.
   */
  void tellAt(SimEntity sender, long atNanos, Function<EventKey, Fabric.Input> input) {
    h.inject(() -> sender.callAt(atNanos, fabric, () -> fabric.tell(input.apply(kernel.currentEvent()))));
  }

  /** The fabric's id of the test's flow {@code name} (a migration of that name sending its final copy). */
  static FlowId id(String name) {
    return new FlowId(name, io.domsim.migration.FlowPurpose.FINAL_COPY);
  }

  void start(String id, String from, String to, long bytes, long cap) {
    tell(cause -> new Fabric.StartFlow(id(id), from, to, bytes, cap, owner(), cause));
  }

  void start(String id, String from, String to, long bytes, long cap, Fabric.Stream stream) {
    tell(cause -> new Fabric.StartFlow(id(id), from, to, bytes, cap, owner(), cause, stream));
  }

  /** Asks for a flow's rate now; simulated time does not move while waiting. */
  Fabric.Rate rate(String flowId) throws Exception {
    tell(new Fabric.GetRate(id(flowId), h.inbox()));
    return h.await(Fabric.Rate.class, r -> r.flowId().equals(id(flowId)));
  }

  long runUntil(long nanos) throws Exception {
    return h.runUntil(nanos);
  }

  /** Everything received so far, in order of arrival. */
  List<Received> received() {
    return h.received();
  }

  /** The flow events received so far, in order of arrival. */
  List<Received> events() {
    return received().stream().filter(r -> r.message() instanceof Fabric.FlowEvent).toList();
  }

  @Override
  public void close() throws Exception {
    h.close();
  }
}
