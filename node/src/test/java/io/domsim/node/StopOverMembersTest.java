package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping a run whose members host the nodes (launch's stop, Ctrl-C) ends it through the window protocol: every
 * member at the next boundary, with a report, and no window after it (here the driver alone, in one process). It
 * stopped the driver's kernel alone: the next grant superseded that stop's horizon, and awaitEnd spun on the failed
 * end forever (found in review: 500 s of CPU in ClusterRun.awaitEnd).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the bug it shows was a busy wait
class StopOverMembersTest {

  @Test
  void aStoppedRunEndsAtTheNextBoundaryWithItsReport() throws Exception {
    ClusterSpec spec = ClusterOverMembersTest.spec(ClusterOverMembersTest.CONFIG.replace("duration = 90s",
        "duration = 100d") + "\ndomsim.cluster.members = [ { name = m1, host = \"127.0.0.1\", port = 25999 } ]\n");
    try (ClusterRun run = ClusterRun.startOverMembers(spec, null, null, ConfigFactory.empty(), system -> { })) {
      while (run.now() < 60_000_000_000L) {
        Thread.sleep(5);
      }
      run.stop();
      RunResult r = run.awaitEnd(t -> { });
      String windows = windowCounts(run);
      Thread.sleep(300);
      assertEquals(windows, windowCounts(run), "no window after the stop");
      assertTrue(r.guests().size() >= 6, r.guests().toString());
      assertTrue(run.now() < 100L * 86_400 * 1_000_000_000L, "stopped at " + run.now());
    }
  }

  /** The summary's window counts, without the member's CPU time that follows them, which grows while the JVM runs. */
  private static String windowCounts(ClusterRun run) {
    String summary = run.windowsSummary();
    int cost = summary.indexOf("; this member");
    return cost < 0 ? summary : summary.substring(0, cost);
  }
}
