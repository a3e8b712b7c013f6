package io.domsim.cli.chaos;

import io.domsim.cli.chaos.ChaosRunner.RunReport;
import io.domsim.node.RunResult;
import io.domsim.node.RunResult.MigrationOutcome;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * The tally of a chaos session and how it prints: runs, migrations by outcome, faults by kind, violations
 * by invariant or rule, then a line and a reproducer for each failing run. Counts only: nothing here
 * depends on the order runs finished in or on the wall clock, so a session prints the same table however
 * many jobs ran it.
 */
public record ChaosTable(int runs, int failed, int ended, Map<MigrationOutcome, Integer> migrations,
    Map<FaultKind, Integer> faults, SortedMap<String, Integer> violations, List<RunReport> failing) {

  public static ChaosTable of(List<RunReport> reports) {
    Map<MigrationOutcome, Integer> migrations = new EnumMap<>(MigrationOutcome.class);
    Map<FaultKind, Integer> faults = new EnumMap<>(FaultKind.class);
    SortedMap<String, Integer> violations = new TreeMap<>();
    for (RunReport r : reports) {
      r.variation().faults().forEach((k, n) -> faults.merge(k, n, Integer::sum));
      if (r.result() != null) {
        for (RunResult.MigrationResult m : r.result().migrations()) {
          migrations.merge(m.outcome(), 1, Integer::sum);
        }
      }
      r.verdict().names().forEach(name -> violations.merge(name, 1, Integer::sum));
    }
    List<RunReport> failing = reports.stream().filter(r -> !r.passed()).toList();
    int ended = (int) reports.stream().filter(r -> r.result() != null).count();
    return new ChaosTable(reports.size(), failing.size(), ended, migrations, faults, violations, failing);
  }

  /**
   * @param kinds the fault kinds of the session, each shown even when none was drawn
   * @param reproducer the command that reruns the run of a seed alone
   * @param written where the variation of a failing run's seed was written, or null
   */
  public void print(PrintWriter out, List<FaultKind> kinds, LongFunction<String> reproducer,
      LongFunction<String> written) {
    int total = migrations.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder byOutcome = new StringBuilder();
    for (MigrationOutcome o : List.of(MigrationOutcome.COMPLETED, MigrationOutcome.ABORTED, MigrationOutcome.FAILED,
        MigrationOutcome.REFUSED, MigrationOutcome.IN_PROGRESS)) {
      append(byOutcome, o.reportName(), migrations.getOrDefault(o, 0));
    }
    if (ended < runs) {
      byOutcome.append(" (of the ").append(ended).append(" runs that ended)");
    }
    StringBuilder byKind = new StringBuilder();
    for (FaultKind k : kinds) {
      append(byKind, k.word(), faults.getOrDefault(k, 0));
    }
    StringBuilder byName = new StringBuilder();
    violations.forEach((name, n) -> append(byName, name, n));
    out.println(String.format(Locale.ROOT, "%-12s %7s  %s", "", "total", "by kind"));
    row(out, "runs", runs, "passed " + (runs - failed) + ", failed " + failed);
    row(out, "migrations", total, byOutcome.toString());
    row(out, "faults", faults.values().stream().mapToInt(Integer::intValue).sum(),
        kinds.isEmpty() ? "none asked for" : byKind.toString());
    row(out, "violations", failed, byName.toString());
    for (RunReport r : failing) {
      long seed = r.variation().seed();
      out.println();
      out.println("run " + r.index() + " (seed " + seed + ") failed: " + r.verdict().sentence());
      out.println("  reproduce: " + reproducer.apply(seed));
      String file = written.apply(seed);
      if (file != null) {
        out.println("  variation: " + file);
      }
    }
  }

  private static void row(PrintWriter out, String what, int total, String detail) {
    out.println(String.format(Locale.ROOT, "%-12s %7d  %s", what, total, detail).stripTrailing());
  }

  private static void append(StringBuilder sb, String word, int n) {
    sb.append(sb.length() == 0 ? "" : ", ").append(word).append(' ').append(n);
  }
}
