package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.RunResult.GuestState;
import io.domsim.node.RunResult.MigrationOutcome;
import io.domsim.node.RunResult.MigrationResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A partition cuts the destination off during each phase of a live migration, PV and HVM. The instants
 * come from a run without the cut (the simulation is deterministic, so the partitioned run is the same
 * up to the cut). A cut shorter than {@code migration.timeout} only delays the migration; a longer one
 * aborts it before GO (the guest runs on at the source, the destination drops its copy and its claim
 * once the cut heals), and after GO the migration completes once GO or the acknowledgement gets through:
 * the source never resumes. The run's invariant monitor checks at every event that the guest never runs
 * twice.
 */
@Timeout(120)
class PartitionDuringMigrationTest {
  private static final double LATENCY_S = 0.050;
  private static final double TIMEOUT_S = 5;
  private static final long GIB = 1L << 30;
  private static final long DOM0 = 2 * GIB;

  enum Phase { PREPARE, ROUNDS, SUSPEND, FINAL_COPY, AFTER_GO, BEFORE_ACK }

  private static String config(String type, String extraScenario) {
    return """
        domsim {
          simulation { duration = 3m, seed = 11 }
          network.latency = 50ms
          migration.timeout = 5s
          node-defaults { cpu { cores = 8 }, memory = 16GiB, nic = 1Gbps, dom0 { vcpus = 1, memory = 2GiB } }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = g, type = %s, vcpus = 2, memory = 512MiB, node = a
              workload { cpu = 0.5, dirty-rate = 20000, working-set = 256MiB, io-rate = 50, variability = 0 } } ]
          scenario = [ { at = 10s, action = migrate, guest = g, to = b } %s ]
        }
        """.formatted(type, extraScenario);
  }

  private static RunResult run(String type, String extraScenario) throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(config(type, extraScenario), "partition.conf", List.of(),
        Plugins.onClassPath());
    return ClusterRun.run(spec, new SimpleMeterRegistry(), t -> { });
  }

  /** The instant, in simulated seconds, at which a cut falls in {@code phase} of the undisturbed migration. */
  private static double instantOf(Phase phase, String type, MigrationResult m) {
    double restore = type.equals("hvm") ? 0.030 : 0.040; // hvm-restore-time, pv-restart-time
    double unpausedThere = m.finishedAtS() - LATENCY_S; // the acknowledgement takes one latency back
    double suspended = unpausedThere - m.downtimeS();
    double goSent = unpausedThere - restore - LATENCY_S;
    double rounds = m.roundLog().stream().mapToDouble(MigrationResult.Round::durationS).sum();
    assertEquals(m.startedAtS() + rounds, suspended, 1e-6, "the rounds end where the suspend begins");
    double suspendAck = type.equals("pv") ? 0.020 : 0;
    return switch (phase) {
      case PREPARE -> m.requestedAtS() + LATENCY_S / 2; // the request is on its way; the answer is not
      case ROUNDS -> m.startedAtS() + m.roundLog().get(0).durationS() / 2;
      case SUSPEND -> suspended + (type.equals("pv") ? suspendAck / 2 : 1e-6);
      case FINAL_COPY -> suspended + suspendAck + (goSent - LATENCY_S - suspended - suspendAck) / 2;
      case AFTER_GO -> goSent - LATENCY_S / 2; // the last byte is in flight: GO goes out into the cut
      case BEFORE_ACK -> goSent + LATENCY_S / 2; // GO is in flight: the acknowledgement goes into the cut
    };
  }

  private static String partition(double atS, double durationS) {
    return String.format(Locale.ROOT, ", { at = %.6fs, action = partition, node = b, duration = %.3fs }", atS,
        durationS);
  }

  @ParameterizedTest(name = "{0} {1}, cut for {2} s")
  @CsvSource({
      "pv, PREPARE, 20, aborted", "pv, ROUNDS, 20, aborted", "pv, SUSPEND, 20, aborted",
      "pv, FINAL_COPY, 20, aborted", "pv, AFTER_GO, 20, completed", "pv, BEFORE_ACK, 20, completed",
      "hvm, PREPARE, 20, aborted", "hvm, ROUNDS, 20, aborted", "hvm, SUSPEND, 20, aborted",
      "hvm, FINAL_COPY, 20, aborted", "hvm, AFTER_GO, 20, completed", "hvm, BEFORE_ACK, 20, completed",
      "pv, PREPARE, 2, completed", "pv, ROUNDS, 2, completed", "pv, SUSPEND, 2, completed",
      "pv, FINAL_COPY, 2, completed", "pv, AFTER_GO, 2, completed", "pv, BEFORE_ACK, 2, completed",
      "hvm, ROUNDS, 2, completed", "hvm, FINAL_COPY, 2, completed", "hvm, AFTER_GO, 2, completed"})
  void aCutInEachPhaseEndsAsTheProtocolSays(String type, Phase phase, double cutS, String expected)
      throws Exception {
    MigrationResult undisturbed = run(type, "").migrations().get(0);
    assertEquals(MigrationOutcome.COMPLETED, undisturbed.outcome(), "the migration completes without a cut");
    double at = instantOf(phase, type, undisturbed);

    RunResult r = run(type, partition(at, cutS));
    MigrationResult m = r.migrations().get(0);
    RunResult.GuestResult g = r.guests().get(0);
    assertEquals(GuestState.RUNNING, g.stateEnd(), () -> "the guest runs at the end: " + g);
    assertEquals(expected, m.outcome().toString().toLowerCase(Locale.ROOT), () -> "outcome: " + m);
    String runsOn = expected.equals("completed") ? "b" : "a";
    String idle = runsOn.equals("a") ? "b" : "a";
    assertEquals(runsOn, g.nodeEnd());
    // Nothing leaks: the other node holds only its Dom0 (and the hypervisor's own share of it), no copy
    // and no claim, once the cut has healed and the word got through.
    RunResult.NodeResult other = r.nodes().stream().filter(n -> n.name().equals(idle)).findFirst().orElseThrow();
    assertEquals(0, other.guestsEnd(), () -> idle + " keeps nothing: " + other);
    assertTrue(other.memoryUsedBytesEnd() < DOM0 + 64L * 1024 * 1024, () -> idle + " holds no claim: " + other);
    if (expected.equals("aborted")) {
      assertTrue(m.reason().contains("no progress for 5s"), m.reason());
      // The watchdog runs from when the source began to wait: the request, or the stall of its stream.
      double waitingSince = phase == Phase.PREPARE ? m.requestedAtS() : at;
      assertEquals(waitingSince + TIMEOUT_S, m.finishedAtS(), 0.1, "gave up after the timeout: " + m);
    } else if (cutS > TIMEOUT_S) {
      assertTrue(m.finishedAtS() >= at + cutS, "after GO the source waits for the cut to heal: " + m);
    }
    if (phase.compareTo(Phase.SUSPEND) >= 0 && phase.compareTo(Phase.AFTER_GO) <= 0 && cutS > 1) {
      assertTrue(m.downtimeS() == null || m.downtimeS() > 1, () -> "the guest was down through the cut: " + m);
    }
  }
}
