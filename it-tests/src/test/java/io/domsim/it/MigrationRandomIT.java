package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 3, point 6: random migrations and crashes over many seeds. Each seed generates (with its own
 * {@link SplittableRandom}) a small three-node cluster of PV and HVM guests with random sizes and dirty rates,
 * random migrations (any guest, any destination, any algorithm and policy) and node crashes timed close to
 * those migrations, so that they land in the middle of the protocol. Every run must exit 0, end with no
 * migration in flight, and pass the invariant checker ({@link MigrationRuns#checkInvariants}).
 */
class MigrationRandomIT {

  @TempDir
  Path tmp;

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 20);
  }

  private static <T> T pick(SplittableRandom rnd, List<T> options) {
    return options.get(rnd.nextInt(options.size()));
  }

  /**
   * The random scenario of {@code seed}: three nodes (the third without VT-x one time in three), four guests,
   * six migrations within the first 150 s, up to two crashes.
   */
  static MigrationRuns.Conf scenario(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    MigrationRuns.Conf conf = new MigrationRuns.Conf().duration("400s").seed(seed)
        .migration("auto-converge = true");
    List<String> nodes = List.of("n1", "n2", "n3");
    boolean legacyN3 = rnd.nextInt(3) == 0;
    conf.node("n1", "memory = 8GiB").node("n2", "memory = 8GiB")
        .node("n3", "memory = 8GiB" + (legacyN3 ? ", cpu { hvm-support = false }" : ""));
    List<String> guests = new ArrayList<>();
    List<String> homes = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      String name = "g" + i;
      String type = rnd.nextBoolean() ? "pv" : "hvm";
      String node = pick(rnd, type.equals("hvm") && legacyN3 ? nodes.subList(0, 2) : nodes);
      String memory = pick(rnd, List.of("1GiB", "2GiB"));
      long dirtyRate = pick(rnd, List.of(0L, 5_000L, 20_000L, 60_000L));
      String workingSet = dirtyRate == 0 ? "0" : pick(rnd, List.of("64MiB", "256MiB", "512MiB"));
      conf.guest(name, type, 1 + rnd.nextInt(2), memory, node, 0.2 + 0.6 * rnd.nextDouble(), dirtyRate, workingSet);
      guests.add(name);
      homes.add(node);
    }
    List<Integer> migrateTimes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int atMs = 500 + rnd.nextInt(150_000);
      migrateTimes.add(atMs);
      String algorithm = pick(rnd, List.of("pre-copy", "pre-copy", "post-copy", "stop-and-copy"));
      String extra = "algorithm = " + algorithm;
      if (algorithm.equals("pre-copy")) {
        extra += ", policy = " + pick(rnd, List.of("xen", "xen-legacy", "qemu"));
      }
      int guest = rnd.nextInt(guests.size());
      // Mostly away from the guest's start node (it may have moved since, or be lost: refusals happen too).
      List<String> away = new ArrayList<>(nodes);
      away.remove(homes.get(guest));
      conf.migrate(atMs + "ms", guests.get(guest), pick(rnd, rnd.nextInt(5) == 0 ? nodes : away), extra);
    }
    int crashes = rnd.nextInt(3);
    for (int i = 0; i < crashes; i++) {
      // Close after some migration's request, so that it lands somewhere inside a protocol run.
      int atMs = pick(rnd, migrateTimes) + rnd.nextInt(25_000);
      conf.fail(atMs + "ms", pick(rnd, nodes));
    }
    return conf;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomMigrationsAndCrashesKeepTheInvariants(long seed) {
    // MigrationRuns.run asserts exit code 0 and checks the invariants, with nothing left in flight.
    JsonNode r = MigrationRuns.run(tmp, "random-" + seed, scenario(seed));
    assertEquals(6, r.get("migrations").size(), "every migrate action has a record");
    for (JsonNode m : r.get("migrations")) {
      if (m.get("outcome").asText().equals("completed") && m.get("algorithm").asText().equals("pre-copy")) {
        assertTrue(m.get("rounds").asInt() >= 1, m.toString());
      }
    }
  }

  /** The checker is not vacuous: each broken invariant, planted in a good report, is caught. */
  @Test
  void theInvariantCheckerCatchesBrokenReports() {
    MigrationRuns.Conf conf = new MigrationRuns.Conf().duration("30s").nodes("a", "b")
        .idleGuest("g", "pv", "1GiB", "a").idleGuest("h", "hvm", "1GiB", "b").migrate("1s", "g", "b");
    JsonNode good = MigrationRuns.run(tmp, "checker", conf);
    List<Consumer<JsonNode>> breakages = List.of(
        r -> ((ObjectNode) Cli.node(r, "a")).put("guests_end", 1), // a leftover copy at the source
        r -> ((ObjectNode) Cli.node(r, "b")).put("guests_end", 1), // a guest counted nowhere
        r -> ((ObjectNode) Cli.node(r, "a")).put("memory_used_bytes_end", 2 * MigrationRuns.GIB), // a leak
        r -> ((ObjectNode) Cli.node(r, "b")).put("memory_used_bytes_end", 17 * MigrationRuns.GIB), // over capacity
        r -> ((ObjectNode) Cli.guest(r, "g")).put("node_end", "a"), // on the source again
        r -> ((ObjectNode) Cli.guest(r, "g")).put("state_end", "paused"), // paused with nothing in flight
        r -> ((ObjectNode) r.get("migrations").get(0)).put("outcome", "in-progress"),
        r -> ((ObjectNode) r.get("migrations").get(0)).put("pages_missing_at_destination", 3),
        r -> ((ObjectNode) r.get("migrations").get(0)).put("downtime_s", 100.0));
    for (int i = 0; i < breakages.size(); i++) {
      JsonNode broken = good.deepCopy();
      breakages.get(i).accept(broken);
      int index = i;
      assertThrows(AssertionError.class, () -> MigrationRuns.checkInvariants(broken, false, conf.text()),
          () -> "breakage " + index + " was not caught");
    }
  }
}
