package io.domsim.kernel;

import static java.util.concurrent.TimeUnit.SECONDS;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** One kernel plus its actor system, torn down in {@link #close()}. */
final class SimHarness implements AutoCloseable {
  private static final AtomicInteger RUNS = new AtomicInteger();

  final SimKernel kernel;
  final ActorSystem<Void> system;

  SimHarness(ClockKind clock, double speed, long seed, Function<SimKernel, Behavior<?>> root) {
    kernel = SimKernel.create(clock, speed, seed);
    system = kernel.startSystem("test-" + RUNS.incrementAndGet(), root.apply(kernel), ConfigFactory.empty());
  }

  static SimHarness virtual(long seed, Function<SimKernel, Behavior<?>> root) {
    return new SimHarness(ClockKind.VIRTUAL, 1.0, seed, root);
  }

  /** Runs to {@code nanos} and returns the simulated time at which the run stopped. */
  long runUntil(long nanos) throws Exception {
    return kernel.runUntil(nanos).toCompletableFuture().get(30, SECONDS);
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
  }
}
