package io.domsim.cli;

import io.domsim.node.RunResult;
import java.io.PrintWriter;
import java.util.Locale;

/** The end-of-run summary on stdout: one row per node, then guests that are not running and migrations. */
final class RunTable {
  private static final double GIB = 1024.0 * 1024 * 1024;

  private RunTable() {}

  static void print(PrintWriter out, RunResult r, double wallSeconds) {
    print(out, r, wallSeconds, false);
  }

  /** @param allNodes one row per node; otherwise runs of identical idle nodes share one row */
  static void print(PrintWriter out, RunResult r, double wallSeconds, boolean allNodes) {
    nodeTable(r.nodes(), allNodes).forEach(out::println);
    long running = r.guests().stream().filter(g -> g.stateEnd() == RunResult.GuestState.RUNNING).count();
    out.println();
    out.println(String.format(Locale.ROOT, "guests: %d running of %d", running, r.guests().size()));
    for (RunResult.GuestResult g : r.guests()) {
      // Every guest created during the run is listed, running or not; a configured one only if not running.
      if (g.stateEnd() != RunResult.GuestState.RUNNING || g.createdAtS() != null) {
        String created = g.createdAtS() == null ? "" : "created at " + duration(g.createdAtS()) + ", ";
        String where = g.stateEnd() == RunResult.GuestState.RUNNING && g.nodeEnd() != null ? " on " + g.nodeEnd() : "";
        out.println(String.format(Locale.ROOT, "  %s (%s): %s%s%s%s", g.name(), g.type().configName(), created,
            g.stateEnd().reportName(), where,
            g.reason() == null ? "" : " - " + g.reason()));
      }
    }
    if (!r.operations().isEmpty()) {
      out.println();
      out.println(String.format(Locale.ROOT, "%-9s %-9s %-14s %-14s %-11s %-9s %s", "AT", "ACTION", "GUEST", "NODE",
          "OUTCOME", "DONE AT", "BY"));
      for (RunResult.Operation o : r.operations()) {
        out.println(String.format(Locale.ROOT, "%-9s %-9s %-14s %-14s %-11s %-9s %s", duration(o.atS()),
            o.action().reportName(), o.guest() == null ? "-" : o.guest(), o.node() == null ? "-" : o.node(),
            o.outcome().reportName(), o.finishedAtS() == null ? "-" : duration(o.finishedAtS()),
            o.requestedBy().reportName()));
        if (o.reason() != null) {
          out.println("          " + o.reason());
        }
      }
      if (r.migrations().isEmpty()) {
        out.println(); // the migrations' table, when there is one, begins with its own
      }
    }
    if (!r.migrations().isEmpty()) {
      out.println();
      // The TYPE column widens for pvhvm only when one migrated: other tables stay as they were.
      int typeWidth = Math.max(4, r.migrations().stream().mapToInt(m -> typeName(m).length()).max().orElse(4));
      String typeColumn = "%-" + typeWidth + "s";
      out.println(String.format(Locale.ROOT, "%-9s %-14s " + typeColumn + " %-22s %-26s %-11s %9s %10s %6s %8s",
          "AT", "GUEST", "TYPE", "FROM -> TO", "ALGORITHM", "OUTCOME", "TOTAL s", "DOWNTIME s", "ROUNDS", "SENT GiB"));
      for (RunResult.MigrationResult m : r.migrations()) {
        // Only pre-copy has a stop rule; the others report none.
        String how = m.algorithm() + (m.policy() != null ? " (" + m.policy() + ")" : "");
        out.println(String.format(Locale.ROOT, "%-9s %-14s " + typeColumn + " %-22s %-26s %-11s %9s %10s %6d %8.2f",
            duration(m.requestedAtS()), m.guest(), typeName(m),
            (m.from() == null ? "-" : m.from()) + " -> " + m.to(), how, m.outcome().reportName(),
            m.totalTimeS() == null ? "-" : String.format(Locale.ROOT, "%.2f", m.totalTimeS()),
            m.downtimeS() == null ? "-" : String.format(Locale.ROOT, "%.3f", m.downtimeS()),
            m.rounds(), m.bytesTransferred() / GIB));
        if (m.reason() != null) {
          out.println("          " + m.reason());
        }
      }
      out.println();
    }
    RunResult.Summary sum = r.summary();
    out.println(String.format(Locale.ROOT, "energy %.3f kWh, %d migration(s) completed, %.2f node(s) active on average;"
        + " SLATAH %.2f%%, PDM %.4f%%, SLAV %.6f%%, ESV %.6f", sum.energyKwh(), sum.migrations(), sum.nodesActiveAvg(),
        100 * sum.slatah(), 100 * sum.pdm(), 100 * sum.slav(), sum.esv()));
    out.println(String.format(Locale.ROOT, "simulated %s in %.2f s wall time (%s clock, seed %d; %,d events, %,.0f/s%s)",
        duration(r.simulatedSeconds()), wallSeconds, r.clock(), r.seed(), r.simulatedEvents(),
        wallSeconds > 0 ? r.simulatedEvents() / wallSeconds : 0.0,
        r.maxWallLagSeconds() == null ? "" : String.format(Locale.ROOT, "; behind the wall clock by up to %.3f s",
            r.maxWallLagSeconds())));
  }

  /**
   * The node rows. Unless {@code allNodes}, a run of two or more consecutive idle nodes (no guest, not failed)
   * whose rows are the same but for the name is one row: {@code rack-a-1..40 (40 nodes)}, each figure a node's.
   */
  static java.util.List<String> nodeRows(java.util.List<RunResult.NodeResult> nodes, boolean allNodes) {
    java.util.List<String> table = nodeTable(nodes, allNodes);
    return table.subList(1, table.size());
  }

  /** The node table: its heading, then {@link #nodeRows}. */
  static java.util.List<String> nodeTable(java.util.List<RunResult.NodeResult> nodes, boolean allNodes) {
    // A KIND column (type-1, type-2) only where a node is type-2: tables of type-1 clusters stay as they were.
    boolean kinds = nodes.stream().anyMatch(n -> n.hypervisor() != null);
    String heading = String.format(Locale.ROOT, "%5s %8s %4s %6s %6s %9s %6s %12s %12s %10s", "CORES", "MEM GiB",
        "HVM", "CPU%", "DOM0%", "USED GiB", "GUESTS", "HYPERCALLS", "VM EXITS", "ENERGY kJ");
    return fold("NODE", kinds ? String.format(Locale.ROOT, "%-6s ", "KIND") + heading : heading, nodes,
        RunResult.NodeResult::name,
        n -> kinds ? String.format(Locale.ROOT, "%-6s ", n.kind().configName()) + figures(n) : figures(n),
        n -> !allNodes && !n.failed() && n.guestsEnd() == 0);
  }

  /**
   * A table of named rows, its heading first: a run of two or more consecutive items that may fold and whose
   * {@code figures} are the same is one row, {@code rack-a-1..40 (40 nodes)}. The name column is as wide as
   * its longest entry, so the figures stay under their headings.
   */
  static <T> java.util.List<String> fold(String nameHeading, String figuresHeading, java.util.List<T> items,
      java.util.function.Function<T, String> name, java.util.function.Function<T, String> figures,
      java.util.function.Predicate<T> mayFold) {
    java.util.List<String[]> rows = new java.util.ArrayList<>();
    int width = Math.max(14, nameHeading.length());
    int i = 0;
    while (i < items.size()) {
      T n = items.get(i);
      String shown = figures.apply(n);
      int j = i + 1;
      while (mayFold.test(n) && j < items.size() && mayFold.test(items.get(j))
          && figures.apply(items.get(j)).equals(shown)) {
        j++;
      }
      String label = j - i == 1 ? name.apply(n)
          : range(name.apply(n), name.apply(items.get(j - 1))) + " (" + (j - i) + " nodes)";
      rows.add(new String[] {label, shown});
      width = Math.max(width, label.length());
      i = j;
    }
    String format = "%-" + width + "s %s";
    java.util.List<String> table = new java.util.ArrayList<>();
    table.add(String.format(Locale.ROOT, format, nameHeading, figuresHeading));
    for (String[] row : rows) {
      table.add(String.format(Locale.ROOT, format, row[0], row[1]));
    }
    return table;
  }

  private static String figures(RunResult.NodeResult n) {
    return String.format(Locale.ROOT, "%5d %8.1f %4s %6.1f %6.1f %9.2f %6s %12d %12d %10.1f",
        n.cores(), n.memoryBytes() / GIB, n.hvmSupport() ? "yes" : "no", 100 * n.cpuUtilizationAvg(),
        100 * n.dom0CpuUtilizationAvg(), n.memoryUsedBytesEnd() / GIB,
        n.failed() ? "failed" : Integer.toString(n.guestsEnd()), n.hypercalls(), n.vmExits(),
        n.energyJoules() / 1000);
  }

  /** rack-a-1 and rack-a-40 → "rack-a-1..40"; names without a shared prefix and a number → "first..last". */
  static String range(String first, String last) {
    java.util.regex.Matcher a = java.util.regex.Pattern.compile("(.*?)(\\d+)").matcher(first);
    java.util.regex.Matcher b = java.util.regex.Pattern.compile("(.*?)(\\d+)").matcher(last);
    if (a.matches() && b.matches() && a.group(1).equals(b.group(1))) {
      return first + ".." + b.group(2);
    }
    return first + ".." + last;
  }

  /** 3725.5 → "1h2m5.5s". */
  static String duration(double seconds) {
    long whole = (long) seconds;
    double frac = seconds - whole;
    long h = whole / 3600;
    long m = (whole % 3600) / 60;
    double s = whole % 60 + frac;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    if (s == Math.rint(s)) {
      b.append((long) s).append('s');
    } else {
      b.append(String.format(Locale.ROOT, "%.1fs", s));
    }
    return b.toString();
  }

  /** A migration's guest type; "-" for a guest that never ran (a scenario's guest whose create was refused). */
  private static String typeName(RunResult.MigrationResult m) {
    return m.type() == null ? "-" : m.type().configName();
  }
}
