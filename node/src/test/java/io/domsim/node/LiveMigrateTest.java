package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ScenarioAction;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A live migrate request (domsim launch) is answered once the destination has answered the prepare: a
 * refusal by the destination's Dom0 (no VT-x, not enough memory) is the request's answer, not a record that
 * turns up a moment later.
 */
@Timeout(60)
class LiveMigrateTest {

  private static ClusterRun launch() throws Exception {
    // Real clock at speed 1 with 20 ms of latency: the destination's answer comes 40 ms of wall time later.
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { clock = real, speed = 1, duration = 1h }
          network.latency = 20ms
          node-defaults { memory = 8GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b, cpu.hvm-support = false }, { name = c, memory = 4GiB } ]
          guests = [ { name = db, type = hvm, memory = 1GiB, node = a }
                     { name = big, type = pv, memory = 5GiB, node = a } ]
        }
        """, "live.conf", List.of(), Plugins.onClassPath());
    return ClusterRun.start(spec, null);
  }

  private static Throwable refusal(ClusterRun run, String guest, String to) throws Exception {
    CompletableFuture<String> answer = run.operate(new ScenarioAction.Migrate(Duration.ofNanos(run.now()), guest, to,
        Optional.empty(), Optional.empty()));
    try {
      String id = answer.get(10, TimeUnit.SECONDS);
      throw new AssertionError("migrating " + guest + " to " + to + " was accepted as " + id);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aDestinationsRefusalIsTheAnswerToTheRequest() throws Exception {
    try (ClusterRun run = launch()) {
      Thread.sleep(300); // the guests start
      Throwable noVtx = refusal(run, "db", "b");
      assertInstanceOf(OperationRefused.class, noVtx);
      assertTrue(noVtx.getMessage().contains("no VT-x/AMD-V"), noVtx.getMessage());
      Throwable noRoom = refusal(run, "big", "c");
      assertInstanceOf(OperationRefused.class, noRoom);
      assertTrue(noRoom.getMessage().startsWith("not enough memory on c for big"), noRoom.getMessage());
      String id = run.operate(new ScenarioAction.Migrate(Duration.ofNanos(run.now()), "db", "c", Optional.empty(),
          Optional.empty())).get(10, TimeUnit.SECONDS);
      assertEquals("m3", id);
    }
  }

  private static ConsoleView.DomainRow domain(ConsoleView v, String name) {
    return v.domains().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theConsoleSeesNodesDomainsMigrationsAndLostGuests() throws Exception {
    try (ClusterRun run = launch()) {
      Thread.sleep(300);
      ConsoleView v = run.inspect().get(10, TimeUnit.SECONDS);
      assertEquals(List.of("a", "b", "c"), v.nodes().stream().map(ConsoleView.NodeRow::name).toList());
      assertEquals(3, v.domains().stream().filter(ConsoleView.DomainRow::dom0).count(), v.domains().toString());
      ConsoleView.NodeRow b = v.nodes().get(1);
      assertEquals(ConsoleView.NodeState.UP, b.state());
      assertTrue(!b.hvm() && v.nodes().get(0).hvm());
      assertEquals(8L << 30, v.nodes().get(0).memoryBytes());
      // Dom0 and two guests on a: 1 + 1 + 5 GiB and the domains' overheads.
      assertTrue(v.nodes().get(0).memoryUsedBytes() > 7L << 30, v.nodes().get(0).toString());
      assertEquals(ConsoleView.DomainState.RUNNING, domain(v, "db").state());
      assertEquals("a", domain(v, "db").node());

      run.operate(new ScenarioAction.Migrate(Duration.ofNanos(run.now()), "db", "c", Optional.empty(),
          Optional.empty())).get(10, TimeUnit.SECONDS);
      ConsoleView during = run.inspect().get(10, TimeUnit.SECONDS);
      ConsoleView.MigrationRow m = during.migrations().get(0);
      assertEquals("m1", m.id());
      assertTrue(!m.ended(), m.toString());
      assertEquals(ConsoleView.DomainState.MIGRATING, domain(during, "db").state());
      // 1 GiB over 10 Gbit/s: about 0.9 s; the bytes move within the round.
      long before = m.bytesSent();
      Thread.sleep(200);
      ConsoleView view = run.inspect().get(10, TimeUnit.SECONDS);
      ConsoleView.MigrationRow later = view.migrations().get(0);
      assertTrue(later.ended() || later.bytesSent() > before, before + " then " + later);
      // xentop's network columns of the two Dom0s follow the stream while it goes: a's sent, c's received.
      ConsoleView.DomainRow dom0a = view.domains().stream().filter(d -> d.dom0() && d.node().equals("a"))
          .findFirst().orElseThrow();
      ConsoleView.DomainRow dom0c = view.domains().stream().filter(d -> d.dom0() && d.node().equals("c"))
          .findFirst().orElseThrow();
      assertEquals(later.bytesSent(), dom0a.netTxBytes(), dom0a.toString());
      assertEquals(later.bytesSent(), dom0c.netRxBytes(), dom0c.toString());
      assertTrue(dom0a.netTxBytes() > 0 && dom0a.netRxBytes() == 0, dom0a.toString());
      for (int i = 0; i < 50 && !later.ended(); i++) {
        Thread.sleep(100);
        later = run.inspect().get(10, TimeUnit.SECONDS).migrations().get(0);
      }
      assertEquals(io.domsim.migration.Phase.COMPLETED, later.phase(), later.toString());

      run.operate(new ScenarioAction.Fail(Duration.ofNanos(run.now()), "a")).get(10, TimeUnit.SECONDS);
      ConsoleView after = run.inspect().get(10, TimeUnit.SECONDS);
      assertEquals(ConsoleView.NodeState.FAILED, after.nodes().get(0).state());
      ConsoleView.DomainRow big = domain(after, "big");
      assertEquals(ConsoleView.DomainState.LOST, big.state());
      assertEquals("a", big.node());
      assertTrue(big.note().startsWith("its node a failed at"), big.note());
      assertEquals("c", domain(after, "db").node());
      assertEquals(2, after.domains().stream().filter(ConsoleView.DomainRow::dom0).count());
    }
  }
}
