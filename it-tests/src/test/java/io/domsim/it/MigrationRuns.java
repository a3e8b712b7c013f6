package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Issue 3 (live migration) test support: a small cluster config builder, a runner that goes through the
 * real {@code domsim run CONFIG --out DIR --no-progress}, and the invariant checker of DESIGN.md's
 * migration protocol, applied to the report after every scenario.
 *
 * <p>Every cluster built here has 1 Gbit/s NICs and a 1 GiB Dom0 per node, so that the expected
 * figures are simple: 1 Gbit/s carries {@value #LINK_BYTES_PER_S} bytes/s of data, and a node's memory in use is
 * its Dom0, plus each domain's (Dom0's included) hypervisor overhead, plus its guests' memory.
 */
final class MigrationRuns {
  private MigrationRuns() {}

  /** The data a link carries per byte of line rate: 1,448 bytes of TCP payload per 1,538 (network.mtu = 1500). */
  static final double DATA_PER_LINE_BYTE = 1448.0 / 1538;
  /** The data 1 Gbit/s carries, in bytes per second (a cap, migration.bandwidth, is of data: no framing). */
  static final double LINK_BYTES_PER_S = 125e6 * DATA_PER_LINE_BYTE;
  static final long GIB = 1L << 30;
  static final long MIB = 1L << 20;
  static final long PAGE = 4096;
  /** Every node's Dom0 memory in these configs. */
  static final long DOM0_MEMORY = GIB;
  /** The exact page-level dirty model (issue 3: "with the exact memory model"). */
  static final String PAGE_MODEL = "hypervisor.dirty-model=page";

  /** The published/modelled defaults, read from the modules' reference.conf as the simulator reads them. */
  static Config reference() {
    return ConfigFactory.defaultReference().getConfig("domsim");
  }

  /** domsim.hypervisor.costs.domain-overhead: per-domain hypervisor state (20 kB). */
  static long domainOverhead() {
    return reference().getBytes("hypervisor.costs.domain-overhead");
  }

  static double seconds(Config c, String path) {
    return c.getDuration(path).toNanos() / 1e9;
  }

  // ------------------------------------------------------------------ config builder

  /** A small cluster: 4-core nodes, 16 GiB, 1 Gbit/s, a 1-vCPU 1 GiB Dom0. */
  static final class Conf {
    private String duration = "60s";
    private long seed = 1;
    private final List<String> nodes = new ArrayList<>();
    private final List<String> guests = new ArrayList<>();
    private final List<String> scenario = new ArrayList<>();
    private final List<String> migration = new ArrayList<>();

    Conf duration(String d) {
      duration = d;
      return this;
    }

    Conf seed(long s) {
      seed = s;
      return this;
    }

    Conf nodes(String... names) {
      for (String n : names) {
        node(n, "");
      }
      return this;
    }

    /** A node with extra keys, such as {@code memory = 4GiB} or {@code cpu { hvm-support = false }}. */
    Conf node(String name, String extra) {
      nodes.add("{ name = " + name + (extra.isEmpty() ? "" : ", " + extra) + " }");
      return this;
    }

    /** A one-vCPU guest at 20% CPU that dirties no memory. */
    Conf idleGuest(String name, String type, String memory, String node) {
      return guest(name, type, 1, memory, node, 0.2, 0, "0");
    }

    /**
     * @param node the start node, or null to let the scheduler place it
     * @param dirtyRate pages written per second, uniformly over {@code workingSet}
     */
    Conf guest(String name, String type, int vcpus, String memory, String node, double cpu, long dirtyRate,
        String workingSet) {
      guests.add(String.format(Locale.ROOT, "{ name = %s, type = %s, vcpus = %d, memory = %s%s, workload { "
              + "cpu = %s, dirty-rate = %d, working-set = %s, io-rate = 0, variability = 0 } }",
          name, type, vcpus, memory, node == null ? "" : ", node = " + node, cpu, dirtyRate, workingSet));
      return this;
    }

    Conf migrate(String at, String guest, String to) {
      return migrate(at, guest, to, "");
    }

    /** @param extra e.g. {@code algorithm = post-copy} or {@code policy = qemu} */
    Conf migrate(String at, String guest, String to, String extra) {
      scenario.add("{ at = " + at + ", action = migrate, guest = " + guest + ", to = " + to
          + (extra.isEmpty() ? "" : ", " + extra) + " }");
      return this;
    }

    Conf fail(String at, String node) {
      scenario.add("{ at = " + at + ", action = fail, node = " + node + " }");
      return this;
    }

    Conf recover(String at, String node) {
      scenario.add("{ at = " + at + ", action = recover, node = " + node + " }");
      return this;
    }

    /** A key of the {@code migration} section, e.g. {@code auto-converge = true}. */
    Conf migration(String setting) {
      migration.add(setting);
      return this;
    }

    String text() {
      return "domsim {\n"
          + "  simulation { duration = " + duration + ", seed = " + seed + " }\n"
          + "  node-defaults { cpu { cores = 4, ghz = 2.4 }, memory = 16GiB, nic = 1Gbps,"
          + " dom0 { vcpus = 1, memory = 1GiB } }\n"
          + "  nodes = [\n    " + String.join("\n    ", nodes) + "\n  ]\n"
          + "  migration { " + String.join(", ", migration) + " }\n"
          + "  guests = [\n    " + String.join("\n    ", guests) + "\n  ]\n"
          + "  scenario = [\n    " + String.join("\n    ", scenario) + "\n  ]\n"
          + "}\n";
    }
  }

  /** Duration literal in nanoseconds for a scenario's {@code at}, from seconds. */
  static String atNanos(double seconds) {
    return Math.round(seconds * 1e9) + "ns";
  }

  // ------------------------------------------------------------------ running

  /**
   * Writes {@code conf} to {@code dir/name.conf}, runs {@code domsim run} on it (the exact page-level dirty
   * model unless {@code extraArgs} say otherwise), asserts exit code 0, checks the invariants (no migration
   * may be left in progress) and returns the report.
   */
  static JsonNode run(Path dir, String name, Conf conf, String... setArgs) {
    return run(dir, name, conf, false, setArgs);
  }

  /** As {@link #run(Path, String, Conf, String...)}; {@code mayEndMidMigration} allows "in-progress". */
  static JsonNode run(Path dir, String name, Conf conf, boolean mayEndMidMigration, String... setArgs) {
    Path file = dir.resolve(name + ".conf");
    Path out = dir.resolve(name);
    String text = conf.text();
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> args = new ArrayList<>(List.of("run", file.toString(), "--out", out.toString(), "--no-progress",
        "--set", PAGE_MODEL));
    for (String s : setArgs) {
      args.add("--set");
      args.add(s);
    }
    Cli.Outcome o = Cli.run(args.toArray(String[]::new));
    assertEquals(0, o.code(), () -> "domsim run exited " + o.code() + "\n" + o.err() + "\nconfig:\n" + text);
    JsonNode report = Cli.report(out);
    checkInvariants(report, mayEndMidMigration, text);
    return report;
  }

  // ------------------------------------------------------------------ report access

  /** The migrations of {@code guest}, in request order. */
  static List<JsonNode> migrationsOf(JsonNode report, String guest) {
    List<JsonNode> list = new ArrayList<>();
    for (JsonNode m : report.get("migrations")) {
      if (m.get("guest").asText().equals(guest)) {
        list.add(m);
      }
    }
    return list;
  }

  /** The one migration of {@code guest}. */
  static JsonNode migration(JsonNode report, String guest) {
    List<JsonNode> list = migrationsOf(report, guest);
    assertEquals(1, list.size(), () -> "migrations of " + guest + ": " + report.get("migrations"));
    return list.get(0);
  }

  static double d(JsonNode n, String field) {
    JsonNode v = n.get(field);
    assertNotNull(v, () -> "no field " + field + " in " + n);
    assertFalse(v.isNull(), () -> field + " is null in " + n);
    return v.asDouble();
  }

  static long l(JsonNode n, String field) {
    JsonNode v = n.get(field);
    assertNotNull(v, () -> "no field " + field + " in " + n);
    assertFalse(v.isNull(), () -> field + " is null in " + n);
    return v.asLong();
  }

  static String s(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static void assertWithin(double expected, double actual, double relative, String what) {
    assertTrue(Math.abs(actual - expected) <= Math.abs(expected) * relative,
        () -> String.format(Locale.ROOT, "%s: expected %.6f within %.1f%%, was %.6f (%.2f%% off)", what, expected,
            relative * 100, actual, 100 * (actual - expected) / expected));
  }

  // ------------------------------------------------------------------ invariants

  private static final Set<String> OUTCOMES = Set.of("completed", "aborted", "failed", "refused", "in-progress");
  private static final Set<String> STATES = Set.of("running", "paused", "lost", "not-started");

  /**
   * DESIGN.md's migration invariants, as far as the end-of-run report shows them:
   *
   * <ol>
   *   <li>a guest runs on at most one node: each node's {@code guests_end} equals the number of guests whose
   *       {@code node_end} it is (when no migration is in flight; while one is, a paused copy may add one);
   *       a guest is paused only while its migration is in flight;
   *   <li>per node, memory in use never exceeds capacity; with nothing in flight it is exactly Dom0 plus
   *       the guests that end there plus per-domain overhead, so no reservation or destroyed copy leaks;
   *   <li>no migration is "in-progress" unless the run may end mid-migration;
   *   <li>nothing is lost: {@code pages_missing_at_destination} is 0 or null;
   *   <li>each record is consistent: a known outcome, refusals sent nothing, times ordered, downtime within
   *       the total time; failed nodes hold nothing; running guests are on live nodes, lost ones nowhere.
   * </ol>
   */
  static void checkInvariants(JsonNode r, boolean mayEndMidMigration, String configForMessages) {
    String ctx = "\nconfig:\n" + configForMessages + "\nreport migrations: " + r.get("migrations") + "\nnodes: "
        + r.get("nodes") + "\nguests: " + r.get("guests");
    long overhead = domainOverhead();
    Map<String, JsonNode> nodes = new TreeMap<>();
    for (JsonNode n : r.get("nodes")) {
      nodes.put(n.get("name").asText(), n);
    }
    // 3, 4, 5: the migration records.
    int inFlight = 0;
    Set<String> nodesInFlight = new java.util.TreeSet<>();
    for (JsonNode m : r.get("migrations")) {
      String outcome = s(m, "outcome");
      assertTrue(OUTCOMES.contains(outcome), () -> "unknown outcome " + outcome + " in " + m + ctx);
      JsonNode missing = m.get("pages_missing_at_destination");
      assertTrue(missing == null || missing.isNull() || missing.asLong() == 0,
          () -> "pages dirtied before the suspend are missing at the destination: " + m + ctx);
      if (outcome.equals("in-progress")) {
        assertTrue(mayEndMidMigration, () -> "a migration is still in progress at the end of the run: " + m + ctx);
        inFlight++;
        nodesInFlight.add(s(m, "to"));
        if (s(m, "from") != null) {
          nodesInFlight.add(s(m, "from"));
        }
        continue;
      }
      if (!outcome.equals("completed")) {
        assertNotNull(s(m, "reason"), () -> "a migration that did not complete must say why: " + m + ctx);
      }
      if (outcome.equals("refused")) {
        assertEquals(0, m.get("bytes_transferred").asLong(), () -> "a refused migration sent bytes: " + m + ctx);
        assertTrue(m.get("started_at_s").isNull(), () -> "a refused migration started: " + m + ctx);
        assertTrue(m.get("downtime_s").isNull(), () -> "a refused migration had downtime: " + m + ctx);
        continue;
      }
      double requested = d(m, "requested_at_s");
      double finished = d(m, "finished_at_s");
      assertTrue(finished >= requested, () -> "finished before it was requested: " + m + ctx);
      if (!m.get("started_at_s").isNull()) {
        double started = m.get("started_at_s").asDouble();
        assertTrue(started >= requested && finished >= started, () -> "times out of order: " + m + ctx);
      }
      if (outcome.equals("completed")) {
        double downtime = d(m, "downtime_s");
        double total = d(m, "total_time_s");
        assertTrue(downtime >= 0 && downtime <= total + 1e-9, () -> "downtime outside the migration: " + m + ctx);
        assertTrue(m.get("bytes_transferred").asLong() >= m.get("pages_transferred").asLong() * PAGE,
            () -> "fewer bytes than pages sent: " + m + ctx);
      }
    }
    // 1, 5: guests.
    final boolean inFlightPaused = inFlight > 0;
    Map<String, Integer> endingOn = new TreeMap<>();
    Map<String, Long> memoryOn = new TreeMap<>();
    for (JsonNode g : r.get("guests")) {
      String state = s(g, "state_end");
      String nodeEnd = s(g, "node_end");
      assertTrue(STATES.contains(state), () -> "unknown guest state " + state + ": " + g + ctx);
      if (state.equals("running") || state.equals("paused")) {
        assertNotNull(nodeEnd, () -> "a running guest on no node: " + g + ctx);
        assertTrue(nodes.containsKey(nodeEnd), () -> "a guest on an unknown node: " + g + ctx);
        assertFalse(nodes.get(nodeEnd).get("failed").asBoolean(), () -> "a guest running on a failed node: " + g + ctx);
        endingOn.merge(nodeEnd, 1, Integer::sum);
        memoryOn.merge(nodeEnd, g.get("memory_bytes").asLong(), Long::sum);
      } else {
        assertTrue(nodeEnd == null, () -> "a " + state + " guest has a node: " + g + ctx);
      }
      if (state.equals("paused")) {
        assertTrue(inFlightPaused, () -> "a guest is paused with no migration in flight: " + g + ctx);
      }
    }
    final int inFlightCount = inFlight;
    for (JsonNode n : nodes.values()) {
      String name = n.get("name").asText();
      long used = n.get("memory_used_bytes_end").asLong();
      long capacity = n.get("memory_bytes").asLong();
      int guestsEnd = n.get("guests_end").asInt();
      int count = endingOn.getOrDefault(name, 0);
      assertTrue(used <= capacity, () -> name + " uses more memory than it has: " + n + ctx);
      if (n.get("failed").asBoolean()) {
        assertEquals(0, guestsEnd, () -> "a failed node still holds guests: " + n + ctx);
        assertEquals(0, used, () -> "a failed node still holds memory: " + n + ctx);
        continue;
      }
      long expected = DOM0_MEMORY + overhead * (1 + count) + memoryOn.getOrDefault(name, 0L);
      if (!nodesInFlight.contains(name)) {
        assertEquals(count, guestsEnd, () -> name + " holds " + guestsEnd + " domains but " + count
            + " guests end there (a guest on two nodes, or a copy left behind)" + ctx);
        assertEquals(expected, used, () -> name + ": memory in use is not Dom0 + its guests + overhead"
            + " (a reservation or a copy leaked)" + ctx);
      } else {
        assertTrue(guestsEnd >= count && guestsEnd <= count + inFlightCount,
            () -> name + ": " + guestsEnd + " domains for " + count + " guests with " + inFlightCount + " in flight"
                + ctx);
        assertTrue(used >= expected, () -> name + ": less memory in use than its running guests need" + ctx);
      }
    }
  }

  /** Fails with the reason when a run that must change nothing changed the nodes or guests. */
  static void assertSameWorld(JsonNode expected, JsonNode actual, String what) {
    for (String section : List.of("nodes", "guests")) {
      if (!expected.get(section).equals(actual.get(section))) {
        fail(what + ": " + section + " differ\nwithout the action: " + expected.get(section) + "\nwith it:    "
            + actual.get(section));
      }
    }
  }
}
