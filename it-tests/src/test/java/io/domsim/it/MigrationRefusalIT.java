package io.domsim.it;

import static io.domsim.it.MigrationRuns.migrationsOf;
import static io.domsim.it.MigrationRuns.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 3, point 1: every refusal through the real entry point. A refused migration has outcome "refused", a
 * reason that names the problem, and changes nothing: each case is run twice, with and without the refused
 * action, and the nodes and guests of the two reports must be identical (memory in use included).
 */
class MigrationRefusalIT {

  @TempDir
  Path tmp;

  /**
   * Runs {@code scenario} with and without {@code refused}, checks that the refused action's record says
   * "refused" with a reason containing every one of {@code phrases}, and that nothing else differs.
   */
  private JsonNode assertRefusedChangingNothing(String name, UnaryOperator<MigrationRuns.Conf> base,
      UnaryOperator<MigrationRuns.Conf> refused, String guest, List<String> phrases) {
    JsonNode without = MigrationRuns.run(tmp, name + "-without", base.apply(new MigrationRuns.Conf()));
    JsonNode with = MigrationRuns.run(tmp, name + "-with", refused.apply(base.apply(new MigrationRuns.Conf())));
    List<JsonNode> before = migrationsOf(without, guest);
    List<JsonNode> after = migrationsOf(with, guest);
    assertEquals(before.size() + 1, after.size(), "one more migration record: " + with.get("migrations"));
    JsonNode m = after.stream().filter(x -> !before.contains(x)).findFirst().orElseThrow();
    assertEquals("refused", s(m, "outcome"), m.toString());
    String reason = s(m, "reason");
    for (String phrase : phrases) {
      assertTrue(reason != null && reason.contains(phrase), "the reason names " + phrase + ": " + reason);
    }
    assertEquals(0, m.get("bytes_transferred").asLong());
    assertEquals(0, m.get("rounds").asLong());
    MigrationRuns.assertSameWorld(without, with, "a refused migration changed something");
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void migrationToTheGuestsOwnNode(String type) {
    assertRefusedChangingNothing("own-" + type,
        c -> c.duration("10s").nodes("a", "b").idleGuest("g", type, "1GiB", "a"),
        c -> c.migrate("2s", "g", "a"),
        "g", List.of("g", "already runs on a"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void secondMigrationOfTheSameGuestWhileOneIsInFlight(String type) {
    JsonNode m = assertRefusedChangingNothing("twice-" + type,
        c -> c.duration("30s").nodes("a", "b", "c").idleGuest("g", type, "1GiB", "a").migrate("1s", "g", "b"),
        c -> c.migrate("3s", "g", "c"),
        "g", List.of("g", "already migrating"));
    assertEquals("c", s(m, "to"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void secondMigrationDuringAPostCopyPushIsRefusedToo(String type) {
    // After a post-copy handover the guest runs at b while its pages still come from a: still in flight.
    assertRefusedChangingNothing("push-" + type,
        c -> c.duration("30s").nodes("a", "b", "c").idleGuest("g", type, "1GiB", "a")
            .migrate("1s", "g", "b", "algorithm = post-copy"),
        c -> c.migrate("3s", "g", "c"),
        "g", List.of("g", "already migrating"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void notEnoughMemoryAtTheDestination(String type) {
    // b has 4 GiB, 1 GiB of it Dom0's: a 4 GiB guest does not fit.
    assertRefusedChangingNothing("memory-" + type,
        c -> c.duration("10s").nodes("a").node("b", "memory = 4GiB").idleGuest("g", type, "4GiB", "a"),
        c -> c.migrate("2s", "g", "b"),
        "g", List.of("not enough memory", "b", "g"));
  }

  @Test
  void secondOfTwoConcurrentMigrationsFindsTheMemoryReservedByTheFirst() {
    // b has room for one 2 GiB guest; both ask at the same instant: the first reservation wins.
    assertRefusedChangingNothing("race",
        c -> c.duration("30s").nodes("a").node("b", "memory = 4GiB").idleGuest("g1", "pv", "2GiB", "a")
            .idleGuest("g2", "hvm", "2GiB", "a").migrate("1s", "g1", "b"),
        c -> c.migrate("1s", "g2", "b"),
        "g2", List.of("not enough memory", "b", "g2"));
  }

  @Test
  void hvmGuestToANodeWithoutHvmSupport() {
    assertRefusedChangingNothing("no-vtx",
        c -> c.duration("30s").nodes("a").node("legacy", "cpu { hvm-support = false }")
            .idleGuest("h", "hvm", "1GiB", "a").idleGuest("p", "pv", "1GiB", "a").migrate("1s", "p", "legacy"),
        c -> c.migrate("2s", "h", "legacy"),
        "h", List.of("h", "legacy", "hvm-support"));
  }

  @Test
  void pvGuestToANodeWithoutHvmSupportIsFine() {
    JsonNode r = MigrationRuns.run(tmp, "pv-legacy", new MigrationRuns.Conf().duration("30s").nodes("a")
        .node("legacy", "cpu { hvm-support = false }").idleGuest("p", "pv", "1GiB", "a").migrate("1s", "p", "legacy"));
    assertEquals("completed", s(MigrationRuns.migration(r, "p"), "outcome"));
    assertEquals("legacy", s(Cli.guest(r, "p"), "node_end"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void guestThatFitsNowhereIsNotRunning(String type) {
    // a and b have 15 GiB for guests; a 10 GiB guest on each leaves no room for "big" (10 GiB, unpinned).
    JsonNode m = assertRefusedChangingNothing("nowhere-" + type,
        c -> c.duration("10s").nodes("a", "b").guest("f1", type, 1, "10GiB", "a", 0.2, 0, "0")
            .guest("f2", type, 1, "10GiB", "b", 0.2, 0, "0").guest("big", type, 1, "10GiB", null, 0.2, 0, "0"),
        c -> c.migrate("2s", "big", "b"),
        "big", List.of("big", "not running"));
    assertTrue(m.get("from").isNull(), m.toString());
    JsonNode big = Cli.guest(MigrationRuns.run(tmp, "nowhere-check-" + type, new MigrationRuns.Conf().duration("10s")
        .nodes("a", "b").guest("f1", type, 1, "10GiB", "a", 0.2, 0, "0").guest("f2", type, 1, "10GiB", "b", 0.2, 0, "0")
        .guest("big", type, 1, "10GiB", null, 0.2, 0, "0")), "big");
    assertEquals("not-started", s(big, "state_end"), big.toString());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void guestOnAFailedNodeIsNotRunning(String type) {
    JsonNode m = assertRefusedChangingNothing("lost-" + type,
        c -> c.duration("10s").nodes("a", "b").idleGuest("g", type, "1GiB", "a").fail("1s", "a"),
        c -> c.migrate("2s", "g", "b"),
        "g", List.of("g", "not running"));
    assertTrue(m.get("from").isNull(), m.toString());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void migrationToAFailedNode(String type) {
    assertRefusedChangingNothing("dead-dest-" + type,
        c -> c.duration("10s").nodes("a", "b").idleGuest("g", type, "1GiB", "a").fail("1s", "b"),
        c -> c.migrate("2s", "g", "b"),
        "g", List.of("b", "failed"));
  }

  @Test
  void unknownDestinationIsABadConfigWithExitCode2() throws IOException {
    Path file = tmp.resolve("unknown-node.conf");
    Files.writeString(file, new MigrationRuns.Conf().duration("10s").nodes("a", "b").idleGuest("g", "pv", "1GiB", "a")
        .migrate("2s", "g", "bb").text());
    Cli.Outcome o = Cli.run("run", file.toString(), "--out", tmp.resolve("unknown-node").toString(), "--no-progress");
    assertEquals(2, o.code(), o.out() + o.err());
    assertTrue(o.err().contains("domsim.scenario[0].to") && o.err().contains("bb"), o.err());
    assertFalse(Files.exists(tmp.resolve("unknown-node").resolve("report.json")), "no run, no report");
  }
}
