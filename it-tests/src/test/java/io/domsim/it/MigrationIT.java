package io.domsim.it;

import static io.domsim.it.MigrationRuns.GIB;
import static io.domsim.it.MigrationRuns.LINK_BYTES_PER_S;
import static io.domsim.it.MigrationRuns.MIB;
import static io.domsim.it.MigrationRuns.PAGE;
import static io.domsim.it.MigrationRuns.assertWithin;
import static io.domsim.it.MigrationRuns.d;
import static io.domsim.it.MigrationRuns.l;
import static io.domsim.it.MigrationRuns.migration;
import static io.domsim.it.MigrationRuns.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 3, "Done when": live migration's figures through {@code domsim run}, for PV and HVM, with the exact
 * page-level dirty model ({@code hypervisor.dirty-model = page}) on 1 Gbit/s NICs. Every run is followed by
 * the invariant checker of {@link MigrationRuns#checkInvariants}.
 */
class MigrationIT {

  @TempDir
  Path tmp;

  /** A guest that writes 200,000 pages/s (~820 MB/s, over six times the link) into a 512 MiB working set. */
  private static MigrationRuns.Conf busyGuest(String type, String duration) {
    return new MigrationRuns.Conf().duration(duration).nodes("a", "b")
        .guest("g", type, 2, "2GiB", "a", 0.5, 200_000, "512MiB")
        .migrate("1s", "g", "b");
  }

  private static final long WORKING_SET = 512 * MIB;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void idleGuestMigratesInOneFullRoundPlusATinyFinalCopy(String type) {
    JsonNode r = MigrationRuns.run(tmp, "idle-" + type, new MigrationRuns.Conf().duration("30s").nodes("a", "b")
        .idleGuest("g", type, "2GiB", "a").migrate("1s", "g", "b"));
    JsonNode m = migration(r, "g");
    assertEquals("completed", s(m, "outcome"), m.toString());
    assertEquals(type, s(m, "type"));
    assertEquals("a", s(m, "from"));
    assertEquals("b", s(m, "to"));
    assertEquals("pre-copy", s(m, "algorithm"));
    assertEquals("xen", s(m, "policy"));
    assertEquals(1.0, d(m, "requested_at_s"), 1e-9);
    assertEquals(d(m, "finished_at_s") - d(m, "started_at_s"), d(m, "total_time_s"), 1e-6);
    assertEquals(1, l(m, "rounds"), m.toString());
    JsonNode round1 = m.get("round_log").get(0);
    assertEquals(1, m.get("round_log").size(), m.toString());
    assertEquals(2 * GIB / PAGE, l(round1, "pages_sent"), "round 1 sends every page");
    assertEquals(0, l(round1, "pages_dirtied"), "an idle guest dirties nothing");
    assertEquals(2 * GIB / PAGE, l(m, "pages_transferred"), "the final copy holds no page");
    assertTrue(l(m, "bytes_transferred") - 2 * GIB < MIB, "the final copy is tiny (CPU and device state): " + m);
    assertWithin(2 * GIB / LINK_BYTES_PER_S, d(m, "total_time_s"), 0.03, "total time vs memory / bandwidth");
    assertTrue(d(m, "downtime_s") < 0.1, m.toString());
    assertEquals(0, l(m, "pages_missing_at_destination"), "the exact model checks the destination");
    JsonNode g = Cli.guest(r, "g");
    assertEquals("running", s(g, "state_end"));
    assertEquals("a", s(g, "node_start"));
    assertEquals("b", s(g, "node_end"));
    assertEquals(0, Cli.node(r, "a").get("guests_end").asInt(), "the source keeps nothing");
    assertEquals(1, Cli.node(r, "b").get("guests_end").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void guestDirtyingFasterThanTheLinkStopsAtXensRoundLimit(String type) {
    JsonNode r = MigrationRuns.run(tmp, "busy-" + type, busyGuest(type, "60s").migration("policy = xen"));
    JsonNode m = migration(r, "g");
    assertEquals("completed", s(m, "outcome"), m.toString());
    assertEquals("xen", s(m, "policy"));
    assertEquals(5, l(m, "rounds"), "SPP_MAX_ITERATIONS: " + m);
    assertEquals(5, m.get("round_log").size());
    long workingSetPages = WORKING_SET / PAGE;
    for (int i = 1; i < 5; i++) {
      JsonNode round = m.get("round_log").get(i);
      assertTrue(l(round, "pages_sent") > 0.95 * workingSetPages && l(round, "pages_sent") <= workingSetPages,
          "a later round resends about the whole working set: " + round);
    }
    assertWithin(WORKING_SET / LINK_BYTES_PER_S, d(m, "downtime_s"), 0.15, "downtime vs working set / bandwidth");
    assertEquals(0, l(m, "pages_missing_at_destination"));
    assertEquals("b", s(Cli.guest(r, "g"), "node_end"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void qemuWithAutoConvergeConvergesBelowTheDowntimeLimitAndCostsTheGuestWork(String type) {
    JsonNode converged = MigrationRuns.run(tmp, "ac-" + type,
        busyGuest(type, "120s").migration("policy = qemu").migration("auto-converge = true"));
    JsonNode m = migration(converged, "g");
    assertEquals("completed", s(m, "outcome"), m.toString());
    assertEquals("qemu", s(m, "policy"));
    double limit = MigrationRuns.seconds(MigrationRuns.reference(), "migration.downtime-limit");
    assertEquals(0.3, limit, 1e-9, "QEMU's default downtime-limit");
    assertTrue(d(m, "downtime_s") <= limit + 0.1, "downtime " + d(m, "downtime_s") + " s: " + m);
    assertTrue(l(m, "rounds") > 5, "it took throttling, not luck: " + m);
    assertEquals(0, l(m, "pages_missing_at_destination"));
    assertEquals("b", s(Cli.guest(converged, "g"), "node_end"));

    // Without auto-converge, QEMU's rule never lets this guest go: still migrating at the end.
    JsonNode stuck = MigrationRuns.run(tmp, "qemu-" + type, busyGuest(type, "120s").migration("policy = qemu"), true);
    assertEquals("in-progress", s(migration(stuck, "g"), "outcome"));

    // Throttling costs the guest work: less than with xen's stop rule, and than staying put.
    JsonNode xen = MigrationRuns.run(tmp, "xen-" + type, busyGuest(type, "120s").migration("policy = xen"));
    JsonNode home = MigrationRuns.run(tmp, "home-" + type, new MigrationRuns.Conf().duration("120s").nodes("a", "b")
        .guest("g", type, 2, "2GiB", "a", 0.5, 200_000, "512MiB"));
    double throttled = d(Cli.guest(converged, "g"), "useful_cpu_seconds");
    double withXen = d(Cli.guest(xen, "g"), "useful_cpu_seconds");
    double atHome = d(Cli.guest(home, "g"), "useful_cpu_seconds");
    assertTrue(throttled < withXen && withXen < atHome, "useful CPU s: auto-converge " + throttled + ", xen "
        + withXen + ", no migration " + atHome);
    assertTrue(atHome - throttled > 5, "throttling costs several CPU seconds: " + throttled + " vs " + atHome);
  }

  @Test
  void hvmDowntimeIncludesTheDeviceModelState() {
    JsonNode r = MigrationRuns.run(tmp, "pv-vs-hvm", new MigrationRuns.Conf().duration("50s").nodes("a", "b")
        .idleGuest("pv", "pv", "2GiB", "a").idleGuest("hvm", "hvm", "2GiB", "a")
        .migrate("1s", "pv", "b").migrate("25s", "hvm", "b"));
    JsonNode pv = migration(r, "pv");
    JsonNode hvm = migration(r, "hvm");
    Config costs = MigrationRuns.reference().getConfig("migration.costs");
    long stateBytes = costs.getBytes("hvm-device-state") + costs.getBytes("hvm-context");
    // HVM: its state on the wire and hvm-restore-time; PV: the suspend acknowledgement and pv-restart-time.
    double expected = stateBytes / LINK_BYTES_PER_S + MigrationRuns.seconds(costs, "hvm-restore-time")
        - MigrationRuns.seconds(costs, "pv-suspend-ack") - MigrationRuns.seconds(costs, "pv-restart-time");
    double pvDown = d(pv, "downtime_s");
    double hvmDown = d(hvm, "downtime_s");
    assertWithin(expected, hvmDown - pvDown, 0.20, "HVM − PV downtime: HVM " + hvmDown + " s, PV " + pvDown + " s");
    assertEquals(stateBytes, l(hvm, "bytes_transferred") - l(pv, "bytes_transferred"),
        "HVM sends its device-model state and HVM context on top");
    assertTrue(pvDown >= MigrationRuns.seconds(costs, "pv-suspend-ack"), "PV waits for the suspend acknowledgement");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void postCopyHasTheSmallestDowntimeOfTheThreeAlgorithms(String type) {
    // Three identical guests (1 GiB, 20,000 pages/s over 256 MiB), each on its own pair of nodes.
    MigrationRuns.Conf conf = new MigrationRuns.Conf().duration("40s")
        .nodes("s1", "s2", "s3", "d1", "d2", "d3");
    String[] algorithms = {"pre-copy", "post-copy", "stop-and-copy"};
    for (int i = 0; i < 3; i++) {
      conf.guest(algorithms[i], type, 1, "1GiB", "s" + (i + 1), 0.5, 20_000, "256MiB")
          .migrate("1s", algorithms[i], "d" + (i + 1), "algorithm = " + algorithms[i]);
    }
    JsonNode r = MigrationRuns.run(tmp, "algorithms-" + type, conf);
    double[] downtime = new double[3];
    for (int i = 0; i < 3; i++) {
      JsonNode m = migration(r, algorithms[i]);
      assertEquals("completed", s(m, "outcome"), m.toString());
      assertEquals(algorithms[i], s(m, "algorithm"));
      downtime[i] = d(m, "downtime_s");
      assertEquals("d" + (i + 1), s(Cli.guest(r, algorithms[i]), "node_end"));
    }
    String figures = "pre-copy " + downtime[0] + " s, post-copy " + downtime[1] + " s, stop-and-copy " + downtime[2]
        + " s";
    assertTrue(downtime[1] < downtime[0] && downtime[1] < downtime[2], figures);
    assertTrue(downtime[0] < downtime[2], figures);
    assertWithin(GIB / LINK_BYTES_PER_S, downtime[2], 0.03, "stop-and-copy: down for all of memory / bandwidth");
    assertEquals(0, l(migration(r, "post-copy"), "rounds"), "post-copy has no pre-copy round");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void twoSimultaneousMigrationsOutOfOneNicEachTakeAboutTwiceAsLong(String type) {
    JsonNode alone = MigrationRuns.run(tmp, "alone-" + type, new MigrationRuns.Conf().duration("40s")
        .nodes("a", "b", "c").idleGuest("g1", type, "1GiB", "a").idleGuest("g2", type, "1GiB", "a")
        .migrate("1s", "g1", "b"));
    JsonNode both = MigrationRuns.run(tmp, "both-" + type, new MigrationRuns.Conf().duration("40s")
        .nodes("a", "b", "c").idleGuest("g1", type, "1GiB", "a").idleGuest("g2", type, "1GiB", "a")
        .migrate("1s", "g1", "b").migrate("1s", "g2", "c"));
    double one = d(migration(alone, "g1"), "total_time_s");
    assertWithin(GIB / LINK_BYTES_PER_S, one, 0.03, "one migration alone");
    for (String g : new String[] {"g1", "g2"}) {
      JsonNode m = migration(both, g);
      assertEquals("completed", s(m, "outcome"), m.toString());
      assertWithin(2 * one, d(m, "total_time_s"), 0.10, g + " sharing a's NIC vs twice alone");
    }
    assertEquals(0, Cli.node(both, "a").get("guests_end").asInt());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void analyticAndExactDirtyModelsAgreeWithinFivePercent(String type) {
    for (long rate : new long[] {2_000, 10_000, 30_000, 100_000}) {
      MigrationRuns.Conf conf = new MigrationRuns.Conf().duration("60s").nodes("a", "b")
          .guest("g", type, 2, "2GiB", "a", 0.5, rate, "512MiB").migrate("1s", "g", "b");
      JsonNode exact = migration(MigrationRuns.run(tmp, "exact-" + type + "-" + rate, conf), "g");
      JsonNode analytic = migration(MigrationRuns.run(tmp, "analytic-" + type + "-" + rate, conf,
          "hypervisor.dirty-model=analytic"), "g");
      assertTrue(analytic.get("pages_missing_at_destination").isNull(), "the analytic model cannot check pages");
      assertEquals(0, l(exact, "pages_missing_at_destination"));
      assertWithin(d(exact, "total_time_s"), d(analytic, "total_time_s"), 0.05, "total time at " + rate + " pages/s");
      assertWithin(l(exact, "pages_transferred"), l(analytic, "pages_transferred"), 0.05,
          "pages sent at " + rate + " pages/s");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pv", "hvm"})
  void migrationBandwidthCapsTheStream(String type) {
    JsonNode r = MigrationRuns.run(tmp, "capped-" + type, new MigrationRuns.Conf().duration("30s").nodes("a", "b")
        .idleGuest("g", type, "1GiB", "a").migrate("1s", "g", "b").migration("bandwidth = 500Mbps"));
    assertWithin(GIB / (125e6 / 2), d(migration(r, "g"), "total_time_s"), 0.03, "at the cap, half the line rate");
  }
}
