package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code domsim validate} says where each guest starts; a run of the same file starts each guest there. */
class ValidatePredictsRunIT {

  @TempDir
  Path tmp;

  /**
   * Two pinned guests overfill node tiny: the second is refused, which leaves room for a small guest; the
   * big guests do not all fit, and an HVM guest cannot go to node old.
   */
  private static final String OVERFULL = """
      domsim {
        nodes = [ { name = tiny, memory = 8GiB }, { name = big, memory = 64GiB },
                  { name = old, memory = 64GiB, cpu { hvm-support = false } } ]
        guests = [
          { name = p1, memory = 3GiB, node = tiny }
          { name = p2, memory = 3GiB, node = tiny }
          { name = u1, memory = 512MiB }
          { name = u2, type = hvm, memory = 2GiB, vcpus = 4, workload { cpu = 0.9 } }
          { name = u3, memory = 24GiB }
          { name = u4, memory = 50GiB }
          { name = u5, memory = 40GiB }
        ]
      }
      """;

  static Stream<Arguments> configs() {
    return Stream.of("cluster.conf", "migration.conf", "overfull").flatMap(c ->
        Stream.of("best-fit", "first-fit", "worst-fit").map(p -> Arguments.of(c, p)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("configs")
  void everyGuestStartsWhereValidateSaid(String config, String policy) throws IOException {
    Path file;
    if (config.equals("overfull")) {
      file = tmp.resolve("overfull.conf");
      Files.writeString(file, OVERFULL);
    } else {
      file = Cli.example(config);
    }
    String placement = "scheduler.placement=" + policy;
    Cli.Outcome v = Cli.run("validate", file.toString(), "--set", placement);
    assertEquals(0, v.code(), v.err());
    Path out = tmp.resolve("out");
    Cli.Outcome r = Cli.run("run", file.toString(), "--set", placement, "--duration", "1s", "--out", out.toString(),
        "--no-progress");
    assertEquals(0, r.code(), r.err());

    Map<String, String> ran = new TreeMap<>();
    for (JsonNode g : Cli.report(out).get("guests")) {
      ran.put(g.get("name").asText(), g.get("node_start").isNull() ? "nowhere" : g.get("node_start").asText());
    }
    assertEquals(ran, predicted(v.out()), v.out());
  }

  /** The STARTS ON column: a node name, or "nowhere". */
  private static Map<String, String> predicted(String validateOut) {
    Map<String, String> where = new TreeMap<>();
    boolean guests = false;
    for (String line : validateOut.lines().toList()) {
      if (line.startsWith("GUEST ")) {
        guests = true;
      } else if (guests && !line.isBlank()) {
        String[] f = line.trim().split("\\s+");
        where.put(f[0], f[4].equals("nowhere:") ? "nowhere" : f[4]);
      }
    }
    return where;
  }
}
