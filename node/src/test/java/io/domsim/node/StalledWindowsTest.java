package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import io.domsim.kernel.SimulationFailedException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Windows that stand still end the run with a sentence (exit 1 from the command line) instead of leaving every member
 * waiting for ever: here m2 never runs (its nodes: none, so the setup passes without it), and its reports never come,
 * as when a message between members is lost. (A 10,000-node run stalled so, silently, when Artery dropped tells.)
 */
@Timeout(60)
class StalledWindowsTest {

  @Test
  void windowsThatStandStillFailTheRun() throws Exception {
    int m1;
    int m2;
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
      m1 = a.getLocalPort();
      m2 = b.getLocalPort();
    }
    ClusterSpec spec = ClusterOverMembersTest.spec("""
        domsim {
          simulation { duration = 60s, seed = 3 }
          nodes = [ { name = a, member = m1 }, { name = b, member = m1 } ]
          guests = [ { name = g, type = pv, memory = 1GiB, node = a } ]
          cluster.members = [ { name = m1, host = "127.0.0.1", port = %d }, { name = m2, host = "127.0.0.1", port = %d } ]
        }
        """.formatted(m1, m2));
    try (ClusterRun run = ClusterRun.startOverMembers(spec, null, null, ConfigFactory.empty(), system -> { })) {
      run.stallLimit(Duration.ofSeconds(2));
      SimulationFailedException e = assertThrows(SimulationFailedException.class, () -> run.awaitEnd(t -> { }));
      assertTrue(e.getMessage().contains("no window has ended for 2 s"), e.getMessage());
    }
  }
}
