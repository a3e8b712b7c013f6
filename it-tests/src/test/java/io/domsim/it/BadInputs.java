package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feeds a configuration file to {@code domsim validate} and {@code domsim run} through the real command line,
 * each within a time limit (a hang fails the test instead of the build), and checks what a user's mistake
 * must get: the exit code, a {@code FILE:LINE: PATH: message} sentence, no Java exception in the output, and
 * no run.
 */
final class BadInputs {

  /** Every refusal comes at once; a run of a small cluster ends within this too. */
  static final Duration LIMIT = Duration.ofSeconds(60);

  private BadInputs() {}

  /** What validate and run said about one file. */
  record Both(Cli.Outcome validate, Cli.Outcome run, Path out) {}

  /** Runs the command line in a thread of its own, failing the test when it takes longer than {@code limit}. */
  static Cli.Outcome within(Duration limit, String... args) {
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "domsim-cli " + String.join(" ", args).substring(0, Math.min(60,
          String.join(" ", args).length())));
      t.setDaemon(true); // a hung run must not keep the test JVM alive
      return t;
    });
    Future<Cli.Outcome> outcome = thread.submit(() -> Cli.run(args));
    try {
      return outcome.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      outcome.cancel(true);
      return fail("domsim " + String.join(" ", args) + " did not end within " + limit.toSeconds() + " s (a hang)");
    } catch (ExecutionException e) {
      throw new AssertionError("domsim " + String.join(" ", args) + " threw " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      thread.shutdownNow();
    }
  }

  /** {@code validate FILE} and {@code run FILE --out DIR}, with {@code extra} arguments for both. */
  static Both both(Path file, Path dir, String... extra) {
    List<String> validate = new ArrayList<>(List.of("validate", file.toString()));
    validate.addAll(List.of(extra));
    Path out = dir.resolve("out-" + file.getFileName());
    List<String> run = new ArrayList<>(List.of("run", file.toString(), "--out", out.toString(), "--no-progress"));
    run.addAll(List.of(extra));
    return new Both(within(LIMIT, validate.toArray(String[]::new)), within(LIMIT, run.toArray(String[]::new)), out);
  }

  /**
   * Both commands refuse the file with exit code 2, each printing a line that starts with {@code prefix}
   * (typically {@code FILE:LINE: PATH: }) and mentions {@code phrase}, with no exception, and nothing is run.
   */
  static void refused(Both both, String prefix, String phrase) {
    for (Cli.Outcome o : List.of(both.validate(), both.run())) {
      assertEquals(2, o.code(), () -> "expected exit 2, got " + o.code() + ":\n" + o.err() + o.out());
      assertTrue(o.err().lines().anyMatch(l -> l.startsWith(prefix) && l.contains(phrase)),
          () -> "expected a line starting <" + prefix + "> mentioning <" + phrase + ">, got:\n" + o.err());
      noException(o);
    }
    assertFalse(Files.exists(both.out().resolve("report.json")), "nothing is run");
  }

  /** Both commands accept the file (exit 0) and the run writes its report. */
  static void accepted(Both both) {
    for (Cli.Outcome o : List.of(both.validate(), both.run())) {
      assertEquals(0, o.code(), () -> "expected exit 0, got " + o.code() + ":\n" + o.err());
      noException(o);
    }
    assertTrue(Files.exists(both.out().resolve("report.json")), "the run writes its report");
  }

  /** No Java exception or error name, no stack trace: a user's mistake is a sentence. */
  static void noException(Cli.Outcome o) {
    String all = o.err() + o.out();
    for (String word : List.of("Exception", "Error:", "\tat ", "java.", "com.typesafe")) {
      assertFalse(all.contains(word), () -> "<" + word + "> in the output:\n" + all);
    }
  }
}
