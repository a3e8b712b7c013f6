package io.domsim.cli.chaos;

import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.SimulationFailedException;
import io.domsim.node.ClusterRun;
import io.domsim.node.RunResult;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs chaos variations and judges each: the invariant monitor inside the run (a violation fails it),
 * then {@link EndChecks} on its result. Runs are independent (each its own kernel and actor system on the
 * virtual clock), so {@code domsim chaos} runs them on several threads ({@code RunPool}) and each still gives
 * what it gives alone.
 */
public final class ChaosRunner {

  /** Runs a cluster to its end. */
  @FunctionalInterface
  public interface Simulator {
    RunResult run(ClusterSpec spec) throws InterruptedException;
  }

  /** The real thing: {@link ClusterRun} in this JVM, without meters (nobody would read them). */
  public static final Simulator IN_PROCESS = spec -> ClusterRun.run(spec, null, t -> { });

  /** The cluster file with the user's overrides and then {@code overrides}, checked as any configuration. */
  @FunctionalInterface
  public interface Loader {
    ClusterSpec load(List<String> overrides) throws ConfigProblems;
  }

  /** How a run went. */
  public sealed interface Verdict {
    /** The words under which the table counts it as a violation; none for a good run. */
    List<String> names();

    /** One line: what broke, where and when. */
    String sentence();
  }

  public record Passed() implements Verdict {
    @Override
    public List<String> names() {
      return List.of();
    }

    @Override
    public String sentence() {
      return "passed";
    }
  }

  /** The invariant monitor stopped the run. */
  public record Violated(InvariantMonitor.Invariant invariant, String subject, long atNanos, String message)
      implements Verdict {
    @Override
    public List<String> names() {
      return List.of(invariant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    @Override
    public String sentence() {
      return names().get(0) + " at " + String.format(Locale.ROOT, "%.6f", atNanos / 1e9) + " s: " + message;
    }
  }

  /** The run ended, and its end broke a rule. */
  public record EndCheckFailed(List<EndChecks.Problem> problems) implements Verdict {
    public EndCheckFailed {
      problems = List.copyOf(problems);
    }

    @Override
    public List<String> names() {
      return problems.stream().map(p -> p.rule().word()).distinct().toList();
    }

    @Override
    public String sentence() {
      return oneLine("at the end: " + String.join("; ", problems.stream().map(p -> p.rule().word() + ": " + p.what())
          .toList()));
    }
  }

  /**
   * The run did not end normally for another reason: an exception inside the simulation, or a variation
   * that does not load. Both are domsim's bugs (the variations are built to be valid).
   */
  public record Failed(String name, String description) implements Verdict {
    @Override
    public List<String> names() {
      return List.of(name);
    }

    @Override
    public String sentence() {
      return name + ": " + description;
    }
  }

  /**
   * One run: its number in the session, its variation, its result (null when it has none) and verdict.
   */
  public record RunReport(int index, Variation variation, RunResult result, Verdict verdict) {
    public boolean passed() {
      return verdict instanceof Passed;
    }
  }

  private final ChaosBase base;
  private final Set<FaultKind> kinds;
  private final Loader loader;
  private final Simulator simulator;

  public ChaosRunner(ChaosBase base, Set<FaultKind> kinds, Loader loader, Simulator simulator) {
    this.base = base;
    this.kinds = Set.copyOf(kinds);
    this.loader = loader;
    this.simulator = simulator;
  }

  /** The configuration of run {@code seed}'s variation. */
  public ClusterSpec spec(Variation v) throws ConfigProblems {
    return loader.load(v.overrides());
  }

  public RunReport run(int index, long seed) throws InterruptedException {
    Variation v = Variations.generate(base, kinds, seed);
    ClusterSpec spec;
    try {
      spec = spec(v);
    } catch (ConfigProblems p) {
      return new RunReport(index, v, null, new Failed("variation-refused",
          oneLine("the configuration refused the variation: " + p.problems().get(0))));
    }
    RunResult result;
    try {
      result = simulator.run(spec);
    } catch (SimulationFailedException e) {
      if (e.failure().cause() instanceof InvariantMonitor.Violation violation) {
        return new RunReport(index, v, null, new Violated(violation.invariant(), violation.subject(),
            violation.atNanos(), oneLine(violation.getMessage())));
      }
      return new RunReport(index, v, null, new Failed("simulation-failure", oneLine(e.failure().describe())));
    } catch (RuntimeException e) {
      return new RunReport(index, v, null, new Failed("run-failure", oneLine(e.toString())));
    }
    List<EndChecks.Problem> problems = EndChecks.check(spec, result);
    return new RunReport(index, v, result, problems.isEmpty() ? new Passed() : new EndCheckFailed(problems));
  }

  /** A failing run is one line of the table (and of a variation file's header): line breaks become spaces. */
  static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ");
  }
}
