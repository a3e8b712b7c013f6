package io.domsim.hypervisor;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A virtual-clock kernel, an actor system whose root spawns one {@link Hypervisor} and a collector for
 * replies, both on the simulation dispatcher. Tests talk to the hypervisor only through
 * {@link SimKernel#inject}. Close it to terminate the system and forget the kernel.
 */
final class HypervisorHarness implements AutoCloseable {
  private static final AtomicInteger RUNS = new AtomicInteger();

  final SimKernel kernel;
  final ActorSystem<Void> system;
  final ActorRef<Hypervisor.Command> hypervisor;
  private final ActorRef<Object> inbox;
  private long nextTag = 100;
  private final ConcurrentLinkedQueue<Object> replies = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<NodeSample> samples = new ConcurrentLinkedQueue<>();

  private record Refs(ActorRef<Hypervisor.Command> hypervisor, ActorRef<Object> inbox) {}

  HypervisorHarness(long seed, HostModel host, long sampleIntervalNanos) throws Exception {
    kernel = SimKernel.create(ClockKind.VIRTUAL, 1.0, seed);
    CompletableFuture<Refs> refs = new CompletableFuture<>();
    Behavior<Void> root = Behaviors.setup(ctx -> {
      ActorRef<Hypervisor.Command> hv = ctx.spawn(
          Hypervisor.create(kernel, "node-1", host, sampleIntervalNanos, samples::add), "xen", SimKernel.DISPATCHER);
      ActorRef<Object> collector = ctx.spawn(Behaviors.receiveMessage(m -> {
        replies.add(m);
        return Behaviors.same();
      }), "inbox", SimKernel.DISPATCHER);
      refs.complete(new Refs(hv, collector));
      return Behaviors.empty();
    });
    ActorSystem<Void> s = null;
    try {
      s = kernel.startSystem("hv-test-" + RUNS.incrementAndGet(), root, ConfigFactory.empty());
      Refs r = refs.get(10, SECONDS);
      hypervisor = r.hypervisor();
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
    // Make sure the hypervisor has been set up (its first sample timer is set) before time moves.
    snapshot();
  }

  /** Sends a command built around a reply ref and waits for the reply (simulated time does not move). */
  <R> R ask(Function<ActorRef<R>, Hypervisor.Command> message, Class<R> replyType) throws Exception {
    ActorRef<R> replyTo = inbox.narrow();
    Hypervisor.Command cmd = message.apply(replyTo);
    kernel.inject(() -> hypervisor.tell(cmd));
    long deadline = System.nanoTime() + SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Object reply = replies.poll();
      if (reply != null) {
        return replyType.cast(reply);
      }
      Thread.sleep(1);
    }
    throw new TimeoutException("no reply to " + cmd);
  }

  /** A hypercall with a fresh tag; checks that the answer carries that tag and the op asked for. */
  Hypervisor.Result hypercall(int callerDomid, Hypervisor.Op op) throws Exception {
    long tag = nextTag++;
    Hypervisor.Result r = ask(ref -> new Hypervisor.Hypercall(callerDomid, tag, op, ref), Hypervisor.Result.class);
    if (r.tag() != tag || !op.equals(r.op())) {
      throw new AssertionError("answer " + r + " does not match call tag " + tag + " op " + op);
    }
    return r;
  }

  HostSnapshot snapshot() throws Exception {
    return ask(Hypervisor.GetSnapshot::new, HostSnapshot.class);
  }

  long runUntil(long nanos) throws Exception {
    return kernel.runUntil(nanos).toCompletableFuture().get(60, SECONDS);
  }

  List<NodeSample> samples() {
    return new ArrayList<>(samples);
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    try {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while terminating " + system.name(), e);
    } finally {
      kernel.close();
    }
  }
}
