package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.node.ClusterRun;
import io.domsim.node.ModuleSettings;
import io.domsim.node.RunResult;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * A whole run with {@code akka.actor.serialize-messages = on}: every message that may cross Akka Cluster
 * members (CrossJvm) is written by Kryo and read back before it is delivered, as if it had crossed, and the
 * report is the same as without. Messages that never leave their member (SameMember) are not copied.
 */
class SerializeMessagesRunTest {
  static final Config SERIALIZE_MESSAGES = ConfigFactory.parseString(
      "akka.actor.serialize-messages = on\nakka.actor.serialize-creators = off");

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "cluster.conf   | simulation.duration=3m",
      "migration.conf | simulation.seed=42",
      "lifecycle.conf | simulation.seed=1",
  })
  @Timeout(120)
  void theReportIsTheSameWhenEveryCrossingMessageIsSerialized(String example, String override) throws Exception {
    ClusterSpec spec = ConfigOptions.load(null, example, List.of(override), ConfigOptions.plugins());
    String plain = report(spec, ConfigFactory.empty());
    assertTrue(plain.contains("\"migrations\""), plain);
    assertEquals(plain, checked(spec));
  }

  /**
   * What the examples leave out: the pool master's placement and consolidation rounds (load reports, orders,
   * power states, power-off and on), a node's failure and recovery, a degraded link, lost datagrams.
   */
  static final String FAULTS_AND_CONSOLIDATION = """
      domsim {
        simulation { duration = 12m, seed = 5, sample-interval = 10s }
        node-defaults {
          cpu { cores = 4, ghz = 2.0 }
          memory = 16GiB
          nic = 1Gbps
          power { model = hp-proliant-ml110-g5, off = 0W, shutdown-time = 10s, boot-time = 60s }
          dom0 { vcpus = 1, memory = 1GiB }
        }
        node-groups = [ { prefix = "h", count = 6 } ]
        guest-defaults { type = pv, vcpus = 1, memory = 1GiB, workload { cpu = 0.3, dirty-rate = 500, io-rate = 10 } }
        guest-groups = [ { prefix = "g", count = 8 } ]
        scheduler {
          placement = worst-fit
          consolidation { policy = thr, selection = mmt, switch-off-idle = true, interval = 2m }
        }
        scenario = [
          { at = 20s, action = degrade-link, node = h2, bandwidth = 100Mbps, latency = 5ms, duration = 1m }
          { at = 30s, action = network-faults, loss = 0.1 }
          { at = 50s, action = fail, node = h3 }
          { at = 5m, action = recover, node = h3 }
        ]
      }
      """;

  @Test
  @Timeout(120)
  void faultsAndConsolidationGiveTheSameReportWhenSerialized() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse(FAULTS_AND_CONSOLIDATION, "faults.conf", List.of(),
        ConfigOptions.plugins());
    String plain = report(spec, ConfigFactory.empty());
    assertTrue(plain.contains("power-off"), plain);
    assertEquals(plain, checked(spec));
  }

  /**
   * The report of a run with serialize-messages on. Akka logs a message it cannot serialize and drops it
   * ("swallowing exception during message send"): the log is caught, so that an unregistered class fails
   * here even where the report would not show the loss.
   */
  private static String checked(ClusterSpec spec) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    String serialized;
    try {
      serialized = report(spec, SERIALIZE_MESSAGES);
    } finally {
      root.detachAppender(log);
    }
    List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ": "
            + e.getThrowableProxy().getMessage()))
        .filter(m -> !m.contains("serialize-messages")) // Akka's own note that the check is on
        .toList();
    assertEquals(List.of(), errors);
    return serialized;
  }

  private static String report(ClusterSpec spec, Config akka) throws Exception {
    ModuleSettings.check(spec);
    RunResult result;
    try (ClusterRun run = ClusterRun.start(spec, null, null, akka)) {
      result = run.awaitEnd(t -> { });
    }
    return ReportWriter.toJson(result, 0);
  }
}
