package io.domsim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reproduces docs/validation.md: runs every case of a cases file ({@code examples/validation/cases.conf} by
 * default; one run per distinct config and overrides) through {@code domsim run} in this JVM, and prints the
 * table of published figures against domsim's. Exit 0 when every row is within its tolerance or says why not,
 * 1 when a row is outside it without a reason (or its run failed), 2 for a cases file that cannot be read.
 *
 * <pre>java -cp "bench/target/bench.jar:bench/target/lib/*" io.domsim.bench.Validation [CASES]</pre>
 */
public final class Validation {
  private Validation() {}

  public static void main(String[] args) throws IOException {
    Bench.domsimLogging();
    if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
      System.err.println("usage: Validation [CASES], CASES a cases file (default examples/validation/cases.conf)");
      System.exit(2);
    }
    Path file = Path.of(args.length == 1 ? args[0] : "examples/validation/cases.conf");
    if (!Files.isRegularFile(file)) {
      System.err.println("Validation: " + file + " is not a file; name a cases file such as"
          + " examples/validation/cases.conf (run from the repository's root).");
      System.exit(2);
    }
    List<ValidationCase> cases;
    try {
      cases = ValidationCase.read(file);
    } catch (IllegalArgumentException e) {
      System.err.println("Validation: " + e.getMessage());
      System.exit(2);
      return;
    }
    ValidationTable table = run(cases, file.toAbsolutePath().getParent());
    System.out.print(table.markdown());
    long bad = table.rows().stream().filter(r -> !r.acceptable()).count();
    if (bad > 0) {
      System.err.println("Validation: " + bad + " of " + table.rows().size() + " rows are outside their tolerance"
          + " without a reason, or have no figure.");
      System.exit(1);
    }
  }

  /** What one run gave: its report, or why it has none. */
  private sealed interface Outcome {}

  private record Report(JsonNode json) implements Outcome {}

  private record Failed(String why) implements Outcome {}

  /** Runs each distinct (config, overrides) once, in the cases' order, and reads every case's figure. */
  static ValidationTable run(List<ValidationCase> cases, Path dir) throws IOException {
    Map<String, Outcome> runs = new TreeMap<>();
    ValidationTable table = new ValidationTable();
    for (ValidationCase c : cases) {
      String key = String.join("\u0000", c.run());
      Outcome outcome = runs.get(key);
      if (outcome == null) {
        outcome = runOnce(dir.resolve(c.config()), c.overrides());
        runs.put(key, outcome);
      }
      if (outcome instanceof Report r) {
        try {
          table.add(new ValidationTable.Row(c, c.figure().in(r.json()), null));
        } catch (IllegalArgumentException e) {
          table.add(new ValidationTable.Row(c, null, e.getMessage()));
        }
      } else {
        table.add(new ValidationTable.Row(c, null, ((Failed) outcome).why()));
      }
    }
    return table;
  }

  /** One `domsim run`: its report.json, or the sentence why it failed. */
  private static Outcome runOnce(Path config, List<String> overrides) throws IOException {
    Path out = Files.createTempDirectory("domsim-validation");
    List<String> cli = new ArrayList<>(List.of("run", config.toString(), "--out", out.toString(), "--no-progress"));
    for (String o : overrides) {
      cli.add("--set");
      cli.add(o);
    }
    StringWriter table = new StringWriter();
    StringWriter err = new StringWriter();
    System.err.println("Validation: running " + String.join(" ", cli.subList(1, 2)) + " " + overrides);
    int code = Main.execute(new PrintWriter(table), new PrintWriter(err), cli.toArray(String[]::new));
    if (code != 0) {
      return new Failed("domsim run exited " + code + ": " + err.toString().strip().lines().findFirst().orElse(""));
    }
    return new Report(new ObjectMapper().readTree(out.resolve("report.json").toFile()));
  }
}
