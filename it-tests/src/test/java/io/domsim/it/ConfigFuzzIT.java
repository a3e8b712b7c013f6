package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of the bundled examples (lines deleted or duplicated, values altered, swapped
 * between keys so that types change, any module's setting set to an odd value, junk inserted, the file cut
 * short) fed to {@code validate}: every case
 * must end in time with exit 0 or 2, never 1, and a refusal is {@code FILE[:LINE]: PATH: message} lines with
 * no exception. A share of the small examples' cases also goes to {@code run}, which must say what validate
 * said (with the same overrides: a two-second virtual-clock run without the metrics endpoint, so that the
 * whole test takes about a minute and a port in use cannot differ between the two). A failing case is left in
 * target/fuzz-failures with its seed and mutations.
 */
class ConfigFuzzIT {

  /** Another seed or more cases, to hunt further: mvn ... -Ddomsim.fuzz.seed=N -Ddomsim.fuzz.cases=N. */
  private static final long SEED = Long.getLong("domsim.fuzz.seed", 20_240_707L);
  private static final int CASES = Integer.getInteger("domsim.fuzz.cases", 300);
  /** Of the cases validate accepts or refuses, how many go to run as well (the small examples only). */
  private static final int RUNS = Integer.getInteger("domsim.fuzz.runs", 40);
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final List<String> EXAMPLES = List.of("cluster.conf", "migration.conf", "scale-1000.conf",
      "lifecycle.conf");
  private static final List<String> RUN_OVERRIDES = List.of("--set", "simulation.duration=2s", "--set",
      "simulation.clock=virtual", "--set", "metrics.prometheus.enabled=false");

  /** A value of a {@code key = value} pair, up to a separator, a closing bracket or a comment. */
  private static final Pattern VALUE = Pattern.compile("(?m)([A-Za-z][A-Za-z0-9.-]*\\s*=\\s*)([^,}\\]\\n#]+)");
  /** A problem line after its file: an optional line, the key's path (odd keys quoted), the message. */
  private static final Pattern PROBLEM = Pattern.compile("^(:\\d+)?: (?:[^\\s\"]|\"(?:[^\"\\\\]|\\\\.)*\")+: .+$");

  private static final List<String> VALUES = List.of("0", "-1", "1", "2", "0.5", "1e999999999", "-1e999999999",
      "1e-999999999", "Infinity", "NaN", "9223372036854775807", "-9223372036854775808", "2147483648", "1000000",
      "1e400W", "1ns", "0s", "1000000d", "365d", "1ms", "1PiB", "2PiB", "1TiB", "0GiB", "100Tbps", "\"\"", "\" \"",
      "[]", "{}", "null", "true", "false", "yes", "${?NOPE_DOMSIM_FUZZ}", "${NOPE_DOMSIM_FUZZ}", "\"x y\"",
      "\"a/b\"", "\"\\u0001\"", "\"-lead\"", "Zürich", "\"n\" \"1\"", "[1, 2]", "{ a = 1 }", "pv", "hvm", "node-1",
      "web-1", "src-1", "idle-pv", "real", "virtual", "qemu", "post-copy", "include", "pause", "unpause", "shutdown",
      "destroy", "create", "web", "db", "cache", "node-a", "\"" + "x".repeat(300) + "\"",
      "${domsim.simulation.seed}", "1e-40", "0.000001", "3GiB", "100000", "99999999999999999999");
  private static final List<String> JUNK = List.of("{", "}", "[", "]", "\"", "=", ",", "#", "include \"nothere.conf\"",
      "include required(\"nothere.conf\")", "\u0000", "\\", "${", "domsim.simulation.seed = 1\n", "\n}\n",
      "a.b.c.d = 1\n", "\t", "\ufeff", "domsim.nodes = []\n", "domsim.guests = [ { name = x } ]\n");

  /** Every leaf of every module's reference.conf but the kernel's machinery (Akka's dispatcher, Kryo's list). */
  private static final List<String> SETTINGS = ConfigFactory.defaultReference().entrySet().stream()
      .map(java.util.Map.Entry::getKey)
      .filter(k -> k.startsWith("domsim.") && !k.startsWith("domsim.kernel."))
      .sorted().toList();

  @TempDir
  Path tmp;

  /** One mutated example. */
  private record Case(int index, String example, String text, List<String> mutations) {}

  @Test
  void mutatedExamplesAreAcceptedOrRefusedNeverCrashOrHang() throws IOException {
    List<String> failures = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (String example : EXAMPLES) {
      texts.add(Files.readString(Cli.example(example)));
    }
    int runs = 0;
    int accepted = 0;
    for (int i = 0; i < CASES; i++) {
      SplittableRandom random = new SplittableRandom(SEED * 1_000_003 + i);
      int which = random.nextInt(EXAMPLES.size());
      Case c = mutate(i, EXAMPLES.get(which), texts.get(which), random);
      Path file = tmp.resolve("case-" + i + "-" + c.example());
      Files.writeString(file, c.text());
      Cli.Outcome validate = BadInputs.within(LIMIT, "validate", file.toString());
      String problem = check("validate", file, validate);
      boolean small = !c.example().startsWith("scale");
      accepted += validate.code() == 0 ? 1 : 0;
      // Every accepted case goes on to run while there is room (they are what a run could trip on), and a
      // few refused ones, which run must refuse alike.
      if (problem == null && small && runs < RUNS && (validate.code() == 0 || random.nextInt(8) == 0)) {
        runs++;
        List<String> args = new ArrayList<>(List.of("validate", file.toString()));
        args.addAll(RUN_OVERRIDES);
        Cli.Outcome predicted = BadInputs.within(LIMIT, args.toArray(String[]::new));
        problem = check("validate with the run's overrides", file, predicted);
        args.set(0, "run");
        args.addAll(List.of("--out", tmp.resolve("out-" + i).toString(), "--no-progress"));
        Cli.Outcome run = BadInputs.within(LIMIT, args.toArray(String[]::new));
        problem = problem != null ? problem : check("run", file, run);
        if (problem == null && run.code() != predicted.code()) {
          problem = "validate said " + predicted.code() + " but run " + run.code() + ":\n" + predicted.err()
              + run.err();
        }
      }
      if (problem != null) {
        failures.add(keep(c, problem));
      }
    }
    System.out.printf("config fuzz: %d cases (seed %d), %d accepted by validate, %d also run%n", CASES, SEED,
        accepted, runs);
    assertTrue(failures.isEmpty(), () -> failures.size() + " of " + CASES + " cases failed:\n"
        + String.join("\n\n", failures));
  }

  /** What is wrong with one command's outcome, or null. */
  private static String check(String command, Path file, Cli.Outcome o) {
    String all = o.err() + o.out();
    if (o.code() != 0 && o.code() != 2) {
      return command + " exited " + o.code() + ":\n" + all;
    }
    for (String word : List.of("Exception", "Error:", "\tat ", "java.", "com.typesafe")) {
      if (all.contains(word)) {
        return command + " printed <" + word + ">:\n" + all;
      }
    }
    if (all.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\r')) {
      return command + " printed a control character:\n" + all;
    }
    if (o.code() == 2) {
      List<String> lines = o.err().lines().filter(l -> !l.startsWith("domsim: ")).toList();
      if (lines.isEmpty()) {
        return command + " refused the file without saying where:\n" + all;
      }
      for (String line : lines) {
        String where = line.startsWith(file.toString()) ? file.toString() : "--set";
        if (!line.startsWith(where) || !PROBLEM.matcher(line.substring(where.length())).matches()) {
          return command + " printed a line that is not FILE[:LINE]: PATH: message: <" + line + ">\n" + all;
        }
      }
    }
    return null;
  }

  private static Case mutate(int index, String example, String text, SplittableRandom random) {
    List<String> done = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int k = 0; k < count; k++) {
      switch (random.nextInt(7)) {
        case 0 -> {
          List<String> lines = new ArrayList<>(text.lines().toList());
          int at = random.nextInt(lines.size());
          done.add("delete line " + (at + 1) + ": " + lines.remove(at).strip());
          text = String.join("\n", lines) + "\n";
        }
        case 1 -> {
          List<String> lines = new ArrayList<>(text.lines().toList());
          int at = random.nextInt(lines.size());
          lines.add(at, lines.get(at));
          done.add("duplicate line " + (at + 1) + ": " + lines.get(at).strip());
          text = String.join("\n", lines) + "\n";
        }
        case 2, 3 -> {
          List<int[]> values = values(text);
          int[] v = values.get(random.nextInt(values.size()));
          String value = VALUES.get(random.nextInt(VALUES.size()));
          done.add("alter " + text.substring(v[0], v[1]).strip() + " to " + value);
          text = text.substring(0, v[0]) + value + text.substring(v[1]);
        }
        case 4 -> {
          List<int[]> values = values(text);
          int[] a = values.get(random.nextInt(values.size()));
          int[] b = values.get(random.nextInt(values.size()));
          if (a[0] > b[0]) {
            int[] t = a;
            a = b;
            b = t;
          }
          if (a[1] <= b[0]) {
            String first = text.substring(a[0], a[1]);
            String second = text.substring(b[0], b[1]);
            done.add("swap " + first.strip() + " with " + second.strip());
            text = text.substring(0, a[0]) + second + text.substring(a[1], b[0]) + first + text.substring(b[1]);
          }
        }
        case 5 -> {
          // Any setting any module declares, not only the example's keys.
          String key = SETTINGS.get(random.nextInt(SETTINGS.size()));
          String value = VALUES.get(random.nextInt(VALUES.size()));
          done.add("set " + key + " = " + value);
          text = text + "\n" + key + " = " + value + "\n";
        }
        default -> {
          if (random.nextInt(4) == 0) {
            int at = random.nextInt(text.length());
            done.add("cut at " + at);
            text = text.substring(0, at);
          } else {
            int at = random.nextInt(text.length() + 1);
            String junk = JUNK.get(random.nextInt(JUNK.size()));
            done.add("insert " + junk.strip() + " at " + at);
            text = text.substring(0, at) + junk + text.substring(at);
          }
        }
      }
    }
    return new Case(index, example, text, done);
  }

  /** The spans of every {@code key = value}'s value. */
  private static List<int[]> values(String text) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = VALUE.matcher(text);
    while (m.find()) {
      spans.add(new int[] {m.start(2), m.end(2)});
    }
    if (spans.isEmpty()) {
      spans.add(new int[] {0, 0});
    }
    return spans;
  }

  /** Keeps the failing case where a developer can rerun it, and describes it. */
  private static String keep(Case c, String problem) {
    Path dir = Path.of("target", "fuzz-failures");
    Path file = dir.resolve("case-" + c.index() + "-" + c.example());
    try {
      Files.createDirectories(dir);
      Files.writeString(file, c.text());
    } catch (IOException e) {
      file = Path.of("(not saved: " + e.getMessage() + ")");
    }
    return "case " + c.index() + " (seed " + SEED + ", " + c.example() + ": " + String.join("; ", c.mutations())
        + "), saved as " + file.toAbsolutePath() + ": " + (problem.length() > 3000 ? problem.substring(0, 3000)
        + "..." : problem);
  }
}
