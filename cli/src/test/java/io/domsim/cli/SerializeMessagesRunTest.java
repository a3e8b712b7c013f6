package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import io.domsim.node.ClusterRun;
import io.domsim.node.ModuleSettings;
import io.domsim.node.RunResult;
import java.util.List;
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
    String plain = report(example, override, ConfigFactory.empty());
    // Akka logs a message it cannot serialize and drops it ("swallowing exception during message send"):
    // catch the log, so that an unregistered class fails here even if the report happened not to change.
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    root.addAppender(log);
    String serialized;
    try {
      serialized = report(example, override, SERIALIZE_MESSAGES);
    } finally {
      root.detachAppender(log);
    }
    List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ": "
            + e.getThrowableProxy().getMessage()))
        .filter(m -> !m.contains("Using serialize-messages")) // Akka's own note that the check is on
        .toList();
    assertEquals(List.of(), errors);
    assertTrue(plain.contains("\"migrations\""), plain);
    assertEquals(plain, serialized);
  }

  private static String report(String example, String override, Config akka) throws Exception {
    ClusterSpec spec = ConfigOptions.load(null, example, List.of(override), ConfigOptions.plugins());
    ModuleSettings.check(spec);
    RunResult result;
    try (ClusterRun run = ClusterRun.start(spec, null, null, akka)) {
      result = run.awaitEnd(t -> { });
    }
    return ReportWriter.toJson(result, 0);
  }
}
