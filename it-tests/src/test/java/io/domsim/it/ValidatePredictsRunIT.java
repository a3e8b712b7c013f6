package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * Every guest type beside a type-2 node (kvm, the roomiest), a Xen node and one without VT-x: pv and pvh never go
   * to kvm, hvm, pvh and pvhvm never to old, and the big pvh fits nowhere it may run.
   */
  private static final String KINDS = """
      domsim {
        nodes = [ { name = kvm, memory = 64GiB, hypervisor.kind = type-2 }, { name = xen, memory = 16GiB },
                  { name = old, memory = 32GiB, cpu { hvm-support = false } } ]
        guests = [
          { name = u1, type = pv, memory = 4GiB }
          { name = u2, type = pvh, memory = 4GiB }
          { name = u3, type = pvhvm, memory = 4GiB }
          { name = u4, type = hvm, memory = 4GiB }
          { name = u5, type = pvh, memory = 20GiB }
          { name = u6, type = pv, memory = 20GiB }
        ]
      }
      """;

  static Stream<Arguments> configs() {
    return Stream.of("cluster.conf", "migration.conf", "overfull", "kinds").flatMap(c ->
        Stream.of("best-fit", "first-fit", "worst-fit").map(p -> Arguments.of(c, p)));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("configs")
  void everyGuestStartsWhereValidateSaid(String config, String policy) throws IOException {
    Path file;
    if (config.equals("overfull") || config.equals("kinds")) {
      file = tmp.resolve(config + ".conf");
      Files.writeString(file, config.equals("overfull") ? OVERFULL : KINDS);
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
    if (config.equals("kinds")) {
      for (String xenOnly : List.of("u1", "u2", "u5", "u6")) {
        assertNotEquals("kvm", ran.get(xenOnly), xenOnly + " needs Xen: " + ran);
      }
      assertEquals("xen", ran.get("u2"), "PVH runs in an HVM container on the one Xen node with VT-x: " + ran);
      assertEquals("nowhere", ran.get("u5"), ran.toString());
      assertNotEquals("old", ran.get("u3"));
      assertNotEquals("old", ran.get("u4"));
    }
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
