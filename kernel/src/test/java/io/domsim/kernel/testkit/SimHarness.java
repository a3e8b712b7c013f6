package io.domsim.kernel.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A kernel (the virtual clock unless asked otherwise) and an actor system whose root runs {@code setup} on the simulation thread
 * (where it spawns the actors under test on the simulation dispatcher) and spawns an inbox that records
 * every message it gets with the simulated time of its arrival. Tests reach the actors only through
 * {@link SimKernel#inject}. Shared by the modules' tests through the kernel's test jar.
 */
public final class SimHarness<R> implements AutoCloseable {
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** A message the inbox got, and the simulated time it got it. */
  public record Received(long atNanos, Object message) {}

  public final SimKernel kernel;
  public final ActorSystem<Void> system;
  public final R refs;
  private final ActorRef<Object> inbox;
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

  private record Started<R>(R refs, ActorRef<Object> inbox) {}

  public SimHarness(long seed, BiFunction<ActorContext<Void>, SimKernel, R> setup) throws Exception {
    this(ClockKind.VIRTUAL, 1.0, seed, setup);
  }

  /**
   * On the given clock. With the real clock, a test that injects only while the clock stands at a
   * {@link #runUntil} horizon sees exactly what it sees on the virtual clock, only paced.
   */
  public SimHarness(ClockKind clock, double speed, long seed, BiFunction<ActorContext<Void>, SimKernel, R> setup)
      throws Exception {
    kernel = SimKernel.create(clock, speed, seed);
    CompletableFuture<Started<R>> started = new CompletableFuture<>();
    Behavior<Void> root = Behaviors.setup(ctx -> {
      try {
        ActorRef<Object> in = ctx.spawn(Behaviors.receiveMessage(m -> {
          received.add(new Received(kernel.now(), m));
          return Behaviors.same();
        }), "inbox", SimKernel.DISPATCHER);
        started.complete(new Started<>(setup.apply(ctx, kernel), in));
      } catch (RuntimeException | Error e) {
        started.completeExceptionally(e);
        throw e;
      }
      return Behaviors.empty();
    });
    ActorSystem<Void> s = null;
    try {
      s = kernel.startSystem("test-" + RUNS.incrementAndGet(), root, ConfigFactory.empty());
      Started<R> st = started.get(10, SECONDS);
      refs = st.refs();
      inbox = st.inbox();
    } catch (Exception | Error e) {
      if (s != null) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
      throw e;
    }
    system = s;
  }

  /** The inbox, typed as whatever reply ref a message needs. */
  public <T> ActorRef<T> inbox() {
    return inbox.narrow();
  }

  public void inject(Runnable action) {
    kernel.inject(action);
  }

  /** Lets simulated time run up to {@code nanos} and returns the time at which it stopped. */
  public long runUntil(long nanos) throws Exception {
    return kernel.runUntil(nanos).toCompletableFuture().get(30, SECONDS);
  }

  /** Everything received so far, oldest first, without forgetting it. */
  public List<Received> received() {
    return new ArrayList<>(received);
  }

  /**
   * Waits (in wall time; simulated time does not move) for the first message of {@code type} that
   * {@code match} accepts, takes it out of what was received, and returns it.
   */
  public <T> T await(Class<T> type, java.util.function.Predicate<T> match) throws Exception {
    long deadline = System.nanoTime() + SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (Received r : received) {
        if (type.isInstance(r.message()) && match.test(type.cast(r.message()))) {
          received.remove(r);
          return type.cast(r.message());
        }
      }
      Thread.sleep(1);
    }
    throw new java.util.concurrent.TimeoutException("no " + type.getSimpleName() + " arrived");
  }

  /** Everything received so far, oldest first, and forgets it. */
  public List<Received> drain() {
    List<Received> out = new ArrayList<>();
    Received r;
    while ((r = received.poll()) != null) {
      out.add(r);
    }
    return out;
  }

  /** Everything of type {@code type} received so far (the rest is dropped). */
  public <T> List<T> drain(Class<T> type) {
    return drain().stream().map(Received::message).filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
  }
}
