package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a migration costs besides its pages on the wire (migration.costs): the CPU each page costs the sending
 * and the receiving Dom0, the PV guest's restart at the destination, and the destination's domain build.
 */
@Timeout(120)
class MigrationCostsRunTest {
  /** web-1 (PV, 4 GiB) from alpha to gamma at 10 s. */
  private static final String MOVES = "{ at = 10s, action = migrate, guest = web-1, to = gamma }";
  private static final List<String> FREE = List.of("migration.costs.dom0-send-cycles-per-page=0",
      "migration.costs.dom0-receive-cycles-per-page=0");

  private static RunResult run(String scenario, List<String> overrides) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(ClusterRunTest.config(scenario), "test.conf", overrides,
        Plugins.onClassPath());
    return ClusterRun.run(spec, null, t -> { });
  }

  private static RunResult.NodeResult node(RunResult r, String name) {
    return r.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void dom0WorksHarderOnBothEndsWhileAMigrationStreams() throws Exception {
    RunResult charged = run(MOVES, List.of());
    RunResult free = run(MOVES, FREE);
    RunResult none = run("", List.of());
    RunResult noneFree = run("", FREE);
    for (String end : List.of("alpha", "gamma")) {
      double with = node(charged, end).dom0CpuUtilizationAvg();
      double without = node(free, end).dom0CpuUtilizationAvg();
      assertTrue(with > without + 0.001, end + ": Dom0 " + with + " with the per-page cost, " + without + " without");
    }
    // 4 GiB and a little crossed at 32,768 cycles a page on each end: about 35 GHz·s (14 core-seconds at
    // 2.5 GHz) on each of alpha's and gamma's Dom0 (2 vCPUs), over 60 s; at 10 Gbit/s that would take 4 cores,
    // and Dom0 has 2: it works at most with its vCPUs (the stream is not slowed by it: not modelled).
    RunResult.MigrationResult web = charged.migrations().get(0);
    assertEquals(RunResult.MigrationOutcome.COMPLETED, web.outcome(), web.toString());
    double pages = web.bytesTransferred() / 4096.0;
    double expected = Math.min(pages * 32768 / 2.5e9, 2 * web.totalTimeS()) / (60 * 2);
    for (String end : List.of("alpha", "gamma")) {
      double added = node(charged, end).dom0CpuUtilizationAvg() - node(free, end).dom0CpuUtilizationAvg();
      assertEquals(expected, added, 0.05 * expected, end + ": the CPU the pages cost, as a share of the node");
    }
    // Without a migration the costs change nothing.
    for (String n : List.of("alpha", "beta", "gamma")) {
      assertEquals(node(noneFree, n).dom0CpuUtilizationAvg(), node(none, n).dom0CpuUtilizationAvg(), n);
      assertEquals(node(noneFree, n).energyJoules(), node(none, n).energyJoules(), n);
    }
  }

  @Test
  void aPvGuestRestartsAtTheDestinationWithinTheDowntime() throws Exception {
    RunResult restart = run(MOVES, List.of());
    RunResult instant = run(MOVES, List.of("migration.costs.pv-restart-time=1ns"));
    RunResult.MigrationResult pv = restart.migrations().get(0);
    assertEquals(GuestType.PV, pv.type());
    double delta = pv.downtimeS() - instant.migrations().get(0).downtimeS();
    assertEquals(0.040, delta, 1e-6, "Clark's Quake 3: about 40 ms of start-up in the downtime");
  }

  @Test
  void theDestinationBuildsTheDomainBeforeTheFirstRound() throws Exception {
    RunResult built = run(MOVES, List.of());
    RunResult instant = run(MOVES, List.of("migration.costs.destination-build-time=1ns"));
    RunResult.MigrationResult slow = built.migrations().get(0);
    RunResult.MigrationResult fast = instant.migrations().get(0);
    assertEquals(0.1, slow.startedAtS() - fast.startedAtS(), 1e-6, "100 ms more before round 1");
    assertEquals(fast.downtimeS(), slow.downtimeS(), 1e-3, "the build is not downtime");
  }

  /** QEMU's XBZRLE: the same pages, fewer bytes from round 3 on; the guest moves as before. */
  @Test
  void xbzrleSendsCachedDirtyPagesAsTheirDifference() throws Exception {
    String conf = """
        domsim {
          simulation { duration = 60s, seed = 3 }
          node-defaults { cpu { cores = 4, ghz = 2.5 }, memory = 8GiB, nic = 1Gbps }
          nodes = [ { name = a }, { name = b } ]
          migration { policy = qemu, bandwidth = 0 }
          guests = [ { name = g, type = hvm, memory = 1GiB, node = a
                       workload { dirty-rate = 30000, working-set = 128MiB, variability = 0 } } ]
          scenario = [ { at = 5s, action = migrate, guest = g, to = b } ]
        }
        """;
    RunResult.MigrationResult plain = ClusterRun.run(ClusterConfigLoader.parse(conf, "x.conf", List.of(),
        Plugins.onClassPath()), null, t -> { }).migrations().get(0);
    RunResult.MigrationResult xbzrle = ClusterRun.run(ClusterConfigLoader.parse(conf, "x.conf",
        List.of("migration.stop-rules.qemu.xbzrle=true"), Plugins.onClassPath()), null, t -> { }).migrations().get(0);
    assertEquals(RunResult.MigrationOutcome.COMPLETED, xbzrle.outcome(), xbzrle.toString());
    assertTrue(plain.rounds() >= 3, plain.toString());
    var r1 = plain.roundLog().get(0);
    assertEquals(r1.pagesSent(), xbzrle.roundLog().get(0).pagesSent(), "round 1 alike");
    // Round 3's pages: the cache (64 MiB) holds half the 128 MiB working set, sent at a quarter of a page.
    long plainPages = plain.pagesTransferred();
    long pages = xbzrle.pagesTransferred();
    assertTrue(xbzrle.bytesTransferred() < plain.bytesTransferred() - 1_000_000L,
        xbzrle.bytesTransferred() + " vs " + plain.bytesTransferred());
    assertTrue(xbzrle.bytesTransferred() < pages * 4096L, "fewer bytes than its pages: " + xbzrle);
    assertTrue(plain.bytesTransferred() >= plainPages * 4096L, "without it every page whole: " + plain);
  }
}
