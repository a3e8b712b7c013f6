package io.domsim.cli;

import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options of the commands that run many simulations ({@code sweep}, {@code chaos}): threads and progress. */
final class BatchOptions {

  @Option(names = "--jobs", paramLabel = "J",
      description = "Runs at a time, each on its own thread (results do not depend on it). Default: the processors.")
  Integer jobs;

  @Option(names = "--no-progress", description = "Do not draw the progress bar on stderr.")
  boolean noProgress;

  @Option(names = "--progress", description = "Draw the progress bar even when stderr is not a terminal.")
  boolean progress;

  /** The sentence for a {@code --jobs} that is not a number of threads, or empty. */
  Optional<String> jobsProblem() {
    return jobs != null && (jobs < 1 || jobs > 1024)
        ? Optional.of("--jobs " + jobs + " is not a number of threads; give 1 to 1024.") : Optional.empty();
  }

  /** The threads for {@code runs} runs: {@code --jobs}, or as many as there are processors (and runs). */
  int threads(int runs) {
    return jobs != null ? jobs : Math.min(runs, Runtime.getRuntime().availableProcessors());
  }

  ProgressBar bar(PrintWriter err, long totalNanos) {
    return new ProgressBar(err, totalNanos, !noProgress, progress);
  }
}
