package io.domsim.migration.net;

import static java.util.concurrent.TimeUnit.SECONDS;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A virtual-clock kernel whose root spawns one {@link Fabric} and an inbox that records every message
 * it gets with the simulated instant of arrival. Tests talk to the fabric through {@link SimKernel#inject}.
 */
final class FabricHarness implements AutoCloseable {
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** A message the inbox received at simulated instant {@code atNanos}. */
  record Received(long atNanos, Object message) {}

  private record Refs(ActorRef<Fabric.Command> fabric, ActorRef<Object> inbox) {}

  final SimKernel kernel;
  final ActorSystem<Void> system;
  final ActorRef<Fabric.Command> fabric;
  private final ActorRef<Object> inbox;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

  FabricHarness(SortedMap<String, Long> nics, long latencyNanos) throws Exception {
    kernel = SimKernel.create(ClockKind.VIRTUAL, 1.0, 1);
    CompletableFuture<Refs> refs = new CompletableFuture<>();
    Behavior<Void> root = Behaviors.setup(ctx -> {
      ActorRef<Fabric.Command> f = ctx.spawn(Fabric.create(kernel, nics, latencyNanos), "fabric", SimKernel.DISPATCHER);
      ActorRef<Object> collector = ctx.spawn(Behaviors.receiveMessage(m -> {
        received.add(new Received(kernel.now(), m));
        return Behaviors.same();
      }), "inbox", SimKernel.DISPATCHER);
      refs.complete(new Refs(f, collector));
      return Behaviors.empty();
    });
    ActorSystem<Void> s = null;
    try {
      s = kernel.startSystem("fabric-test-" + RUNS.incrementAndGet(), root, ConfigFactory.empty());
      Refs r = refs.get(10, SECONDS);
      fabric = r.fabric();
      inbox = r.inbox();
    } catch (Exception | Error e) {
      if (s != null) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
      kernel.close();
      throw e;
    }
    system = s;
  }

  /** The inbox as a flow owner. */
  ActorRef<Fabric.FlowEvent> owner() {
    return inbox.narrow();
  }

  /** Delivers {@code command} to the fabric at the current simulated instant. */
  void tell(Fabric.Command command) {
    kernel.inject(() -> fabric.tell(command));
  }

  void start(String id, String from, String to, long bytes, long cap) {
    tell(new Fabric.StartFlow(id, from, to, bytes, cap, owner()));
  }

  /** Asks for a flow's rate now; simulated time does not move while waiting. */
  Fabric.Rate rate(String flowId) throws Exception {
    int before = received.size();
    tell(new Fabric.GetRate(flowId, inbox.narrow()));
    long deadline = System.nanoTime() + SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      List<Received> all = received();
      for (int i = before; i < all.size(); i++) {
        if (all.get(i).message() instanceof Fabric.Rate r && r.flowId().equals(flowId)) {
          received.remove(all.get(i));
          return r;
        }
      }
      Thread.sleep(1);
    }
    throw new TimeoutException("no rate for " + flowId);
  }

  long runUntil(long nanos) throws Exception {
    return kernel.runUntil(nanos).toCompletableFuture().get(30, SECONDS);
  }

  /** Everything received so far, in order of arrival. */
  List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The flow events received so far, in order of arrival. */
  List<Received> events() {
    return received().stream().filter(r -> r.message() instanceof Fabric.FlowEvent).toList();
  }

  @Override
  public void close() throws Exception {
    try {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    } finally {
      kernel.close();
    }
  }
}
