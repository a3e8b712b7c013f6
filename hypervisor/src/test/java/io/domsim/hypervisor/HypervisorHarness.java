package io.domsim.hypervisor;


import akka.actor.typed.ActorRef;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.testkit.SimHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The kernel's test harness with one {@link Hypervisor} under test, whose samples are collected and
 * whose replies come to the harness's inbox. Close it to terminate the system and forget the kernel.
 */
final class HypervisorHarness implements AutoCloseable {
  private final SimHarness<ActorRef<Hypervisor.Command>> h;
  final SimKernel kernel;
  final ActorRef<Hypervisor.Command> hypervisor;
  private long nextTag = 100;
  final ConcurrentLinkedQueue<NodeSample> samples = new ConcurrentLinkedQueue<>();

  HypervisorHarness(long seed, HostModel host, long sampleIntervalNanos) throws Exception {
    h = new SimHarness<>(seed, (ctx, k) -> k.spawn(ctx,
        Hypervisor.create(k, "node-1", host, sampleIntervalNanos, samples::add), "xen"));
    kernel = h.kernel;
    hypervisor = h.refs;
    // Make sure the hypervisor has been set up (its first sample timer is set) before time moves.
    snapshot();
  }

  /** Sends a command built around a reply ref and waits for the reply (simulated time does not move). */
  <R> R ask(Function<ActorRef<R>, Hypervisor.Command> message, Class<R> replyType) throws Exception {
    Hypervisor.Command cmd = message.apply(h.inbox());
    h.inject(() -> hypervisor.tell(cmd));
    return h.await(replyType, r -> true);
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
    return h.runUntil(nanos);
  }

  List<NodeSample> samples() {
    return new ArrayList<>(samples);
  }

  @Override
  public void close() throws Exception {
    h.close();
  }
}
