package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import io.domsim.config.ClockMode;
import io.domsim.config.ClusterSpec;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Runs one cluster from start to end in this JVM: starts the kernel and the actor system, lets
 * simulated time run to the configured duration, gathers the result, and shuts everything down.
 */
public final class ClusterRun {
  private ClusterRun() {}

  /**
   * @param progress called from this thread about ten times a second with the simulated time in
   *     nanoseconds (for a progress bar); may be a no-op
   */
  public static RunResult run(ClusterSpec spec, MeterRegistry registry, LongConsumer progress)
      throws InterruptedException {
    ClockKind clock = spec.simulation().clock() == ClockMode.REAL ? ClockKind.REAL : ClockKind.VIRTUAL;
    SimKernel kernel = SimKernel.create(clock, spec.simulation().speed(), spec.simulation().seed());
    CompletableFuture<ActorRef<Cluster.Command>> started = new CompletableFuture<>();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    ActorSystem<Void> system = kernel.startSystem("domsim",
        Cluster.create(kernel, spec, registry, started, ready), com.typesafe.config.ConfigFactory.empty());
    try {
      ActorRef<Cluster.Command> cluster = await(started, "the cluster to start");
      CompletableFuture<Long> end = kernel.runUntil(SimTime.of(spec.simulation().duration())).toCompletableFuture();
      while (!end.isDone()) {
        progress.accept(kernel.now());
        try {
          end.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // not yet: report progress again
        } catch (ExecutionException e) {
          throw new IllegalStateException("the simulation loop failed", e.getCause());
        }
      }
      progress.accept(kernel.now());
      CompletableFuture<RunResult> result = new CompletableFuture<>();
      kernel.inject(() -> cluster.tell(new Cluster.Finish(result)));
      return await(result, "the final report").withSimulatedEvents(kernel.timersFired());
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The run is over; a slow shutdown is not the user's problem.
      }
      kernel.close();
    }
  }

  private static <T> T await(CompletableFuture<T> f, String what) throws InterruptedException {
    try {
      return f.get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalStateException("failed waiting for " + what, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out waiting for " + what);
    }
  }
}
