package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A migration stream is bound by its sending threads' CPU as well as by the NIC (migration.costs
 * send-thread-cycles-per-page), QEMU's multifd channels lift that bound, multifd compression trades the
 * threads' cycles for bytes on the wire, and the live rounds are pipelined.
 */
@Timeout(120)
class SendingThreadsRunTest {
  private static final double PAGE_BITS = 4096 * 8.0;
  /** An idle 8 GiB HVM guest moved with QEMU's rule, uncapped, between two 2.4 GHz hosts on 40 Gbit/s NICs. */
  private static final String CONF = """
      domsim {
        simulation { duration = 150s, seed = 5 }
        node-defaults { cpu { cores = 8, ghz = 2.4 }, memory = 32GiB, nic = 40Gbps, dom0 { vcpus = 4 } }
        nodes = [ { name = a }, { name = b } ]
        migration { policy = qemu, bandwidth = 0 }
        guests = [ { name = g, type = hvm, memory = 8GiB, node = a
                     workload { cpu = 0.1, dirty-rate = 100, working-set = 16MiB, io-rate = 0, variability = 0 } } ]
        scenario = [ { at = 1s, action = migrate, guest = g, to = b } ]
      }
      """;

  private static RunResult run(String... overrides) throws Exception {
    return ClusterRun.run(ClusterConfigLoader.parse(CONF, "t.conf", List.of(overrides), Plugins.onClassPath()),
        null, t -> { });
  }

  /** Round 1 (all 8 GiB) in bits/s of wire bytes: the stream's rate, as nothing else shares the NICs. */
  private static double roundOneBitsPerSecond(RunResult.MigrationResult m, double wireBytesPerPage) {
    RunResult.MigrationResult.Round r1 = m.roundLog().get(0);
    return r1.pagesSent() * wireBytesPerPage * 8 / r1.durationS();
  }

  @Test
  void oneSendingThreadBindsAFastLinkAndMultifdChannelsLiftIt() throws Exception {
    RunResult.MigrationResult one = run().migrations().get(0);
    RunResult.MigrationResult three = run("migration.stop-rules.qemu.multifd=true",
        "migration.stop-rules.qemu.multifd-channels=3").migrations().get(0);
    RunResult.MigrationResult eight = run("migration.stop-rules.qemu.multifd=true",
        "migration.stop-rules.qemu.multifd-channels=8").migrations().get(0);
    for (RunResult.MigrationResult m : List.of(one, three, eight)) {
      assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(), m.toString());
    }
    // One thread: 2.4 GHz / 8,192 cycles a page = 9.6 Gbit/s, well below the 40 Gbit/s NIC.
    assertEquals(9.6e9, roundOneBitsPerSecond(one, 4096), 0.01 * 9.6e9, one.toString());
    // Three channels: three times that, still below the NIC's 37.7 Gbit/s of data (MTU 1500).
    assertEquals(3 * 9.6e9, roundOneBitsPerSecond(three, 4096), 0.01 * 3 * 9.6e9, three.toString());
    // Eight channels on Dom0's four vCPUs go as four would (38.4 Gbit/s), above what the NIC carries: its 37.7.
    assertEquals(40e9 * 1448 / 1538, roundOneBitsPerSecond(eight, 4096), 0.01 * 37.7e9, eight.toString());
    assertTrue(three.totalTimeS() < one.totalTimeS() / 2, three.totalTimeS() + " vs " + one.totalTimeS());
  }

  @Test
  void compressionSendsFewerBytesAtTheCostOfTheThreadsAndDom0sCpu() throws Exception {
    RunResult plain = run("migration.stop-rules.qemu.multifd=true");
    RunResult zstd = run("migration.stop-rules.qemu.multifd=true", "migration.stop-rules.qemu.multifd-compression=zstd");
    RunResult zlib = run("migration.stop-rules.qemu.multifd=true", "migration.stop-rules.qemu.multifd-compression=zlib");
    RunResult.MigrationResult p = plain.migrations().get(0);
    RunResult.MigrationResult z = zstd.migrations().get(0);
    RunResult.MigrationResult l = zlib.migrations().get(0);
    assertEquals(p.pagesTransferred(), z.pagesTransferred(), 0.01 * p.pagesTransferred(), "the same pages");
    assertEquals(p.bytesTransferred() / 2.884, z.bytesTransferred(), 0.01 * p.bytesTransferred() / 2.884,
        "zstd's ratio");
    // Two channels at 8,192 + 40,960 cycles a page: 2 x 2.4 GHz / 49,152 = 97,656 pages/s, 1.11 Gbit/s of wire.
    assertEquals(2 * 2.4e9 / 49152 * PAGE_BITS / 2.884, roundOneBitsPerSecond(z, 4096 / 2.884), 0.01 * 1.11e9,
        z.toString());
    // ... so zstd on two channels takes longer than sending pages whole (19.2 Gbit/s), and zlib longer still.
    assertTrue(p.totalTimeS() < z.totalTimeS() && z.totalTimeS() < l.totalTimeS(),
        p.totalTimeS() + ", " + z.totalTimeS() + ", " + l.totalTimeS());
    // The codec's cycles are Dom0's: more on both ends for the same pages.
    for (String end : List.of("a", "b")) {
      double cpuPlain = plain.nodes().stream().filter(n -> n.name().equals(end)).findFirst().orElseThrow()
          .dom0CpuUtilizationAvg();
      double cpuZstd = zstd.nodes().stream().filter(n -> n.name().equals(end)).findFirst().orElseThrow()
          .dom0CpuUtilizationAvg();
      assertTrue(cpuZstd > cpuPlain * 1.2, end + ": Dom0 " + cpuZstd + " with zstd, " + cpuPlain + " without");
    }
  }

  @Test
  void theLiveRoundsArePipelinedTheFinalCopyIsNot() throws Exception {
    // 50 ms of latency: a round ends for the sender when its last byte leaves, so a round's duration is one
    // latency (until its start takes effect on the fabric) plus its bytes over the rate, not a second latency for
    // its last byte to arrive; the final copy waits for its arrival too (in the downtime).
    RunResult near = run("network.latency=100us");
    RunResult far = run("network.latency=50ms");
    RunResult.MigrationResult n = near.migrations().get(0);
    RunResult.MigrationResult f = far.migrations().get(0);
    assertEquals(n.roundLog().get(0).durationS() + (0.050 - 0.0001), f.roundLog().get(0).durationS(), 1e-6,
        "round 1 takes one latency more for its start, and no more");
    assertTrue(f.downtimeS() > n.downtimeS() + 2 * 0.0499, f.downtimeS() + " vs " + n.downtimeS());
  }
}
