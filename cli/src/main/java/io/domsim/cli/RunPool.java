package io.domsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Runs the simulations of a session ({@code domsim sweep}, {@code domsim chaos}) {@code jobs} at a time, each
 * on a thread of its own. Runs are independent (each its own kernel and actor system on the virtual clock),
 * so each still gives what it gives alone, and the outcomes come back in the order of the runs.
 */
final class RunPool {
  private RunPool() {}

  /** Run number {@code index} (from 0) of the session, to its outcome. */
  @FunctionalInterface
  interface Run<T> {
    T run(int index) throws Exception;
  }

  /**
   * Runs number 0 to {@code count - 1} and returns their outcomes in run order. A run that throws is domsim's
   * bug (a failure inside the simulation is an outcome): once all have ended, the first such, in run order,
   * ends the session as an {@link IllegalStateException}.
   *
   * @param what the session's name ("sweep", "chaos"), in the threads' names and the failure's message
   * @param done called on this thread with the number of runs finished so far
   */
  static <T> List<T> runAll(String what, int count, int jobs, Run<T> run, IntConsumer done)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
      Thread t = new Thread(r, what + "-run");
      t.setDaemon(true);
      return t;
    });
    try {
      ExecutorCompletionService<T> completed = new ExecutorCompletionService<>(pool);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(completed.submit(() -> run.run(index)));
      }
      for (int finished = 1; finished <= count; finished++) {
        completed.take();
        done.accept(finished);
      }
      List<T> outcomes = new ArrayList<>();
      for (Future<T> f : futures) {
        outcomes.add(f.get());
      }
      return outcomes;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a " + what + " run failed outside the simulation", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
