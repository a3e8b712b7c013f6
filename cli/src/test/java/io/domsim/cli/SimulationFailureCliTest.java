package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A failure inside the simulated world, through the real command line: exit code 1 within seconds, one
 * line on stderr naming the actor, the simulated time and the exception, the stack trace in the run's
 * log, no report. The failure is real: beta's hypercall counter throws inside beta's hypervisor actor,
 * as a broken metrics backend would.
 */
@Timeout(60)
class SimulationFailureCliTest {
  @TempDir
  Path tmp;

  static final class MetersBroken extends RuntimeException {
    MetersBroken(String message) {
      super(message);
    }
  }

  /** Beta's hypercall counter throws on its {@code n}-th increment (one per simulated second). */
  static SimpleMeterRegistry breakingAt(int n) {
    AtomicInteger increments = new AtomicInteger();
    return new SimpleMeterRegistry() {
      @Override
      protected Counter newCounter(Meter.Id id) {
        Counter real = super.newCounter(id);
        if (!id.getName().equals("domsim.node.hypercalls") || !"beta".equals(id.getTag("node"))) {
          return real;
        }
        return new Counter() {
          @Override
          public void increment(double amount) {
            if (increments.incrementAndGet() == n) {
              throw new MetersBroken("counter broken\nafter " + n + " samples");
            }
            real.increment(amount);
          }

          @Override
          public double count() {
            return real.count();
          }

          @Override
          public Id getId() {
            return real.getId();
          }
        };
      }
    };
  }

  record Outcome(int code, String out, String err, long wallNanos) {}

  /** Runs the real command line with beta's meters breaking at the {@code n}-th sample. */
  static Outcome run(int n, String... args) {
    CommandLine cl = Main.commandLine();
    RunCommand command = cl.getSubcommands().get(args[0]).getCommand();
    command.localRegistry = () -> breakingAt(n);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    long start = System.nanoTime();
    int code = cl.execute(args);
    return new Outcome(code, out.toString(), err.toString(), System.nanoTime() - start);
  }

  Path config(String simulation) throws IOException {
    Path conf = tmp.resolve("failing.conf");
    Files.writeString(conf, """
        domsim {
          simulation { %s, sample-interval = 1s }
          node-defaults { memory = 16GiB, dom0 { memory = 1GiB } }
          nodes = [ { name = alpha }, { name = beta } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = beta } ]
        }
        """.formatted(simulation));
    return conf;
  }

  @Test
  void runExitsWithOneAndOneLineNamingTheActorTheTimeAndTheException() throws IOException {
    Path dir = tmp.resolve("out");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"), "{ \"from\": \"an earlier run\" }");
    Outcome o = run(1, "run", config("duration = 10h").toString(), "--out", dir.toString(), "--no-progress");

    assertEquals(1, o.code(), o.err());
    assertTrue(o.wallNanos() < 20_000_000_000L, "took " + o.wallNanos() / 1e9 + " s");
    assertEquals("", o.out());
    Path log = dir.resolve("domsim.log");
    assertEquals(List.of("domsim: /user/sim/beta/xen failed at simulated time 1 s: " + MetersBroken.class.getName()
        + ": counter broken after 1 samples (stack trace in " + log + ")"), o.err().lines().toList());
    assertFalse(Files.exists(dir.resolve("report.json")), "a failed run writes no report, nor leaves an older one");
    String trace = Files.readString(log);
    assertTrue(trace.contains("/user/sim/beta/xen failed at simulated time 1 s"), trace);
    assertTrue(trace.contains("\tat io.domsim.cli.SimulationFailureCliTest"), "the stack trace is in the log: " + trace);
  }

  @Test
  void aRunThatDoesNotFailLeavesNoLogBehind() throws IOException {
    Path dir = tmp.resolve("out");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("domsim.log"), "from an earlier run");
    Outcome o = run(Integer.MAX_VALUE, "run", config("duration = 1m").toString(), "--out", dir.toString(),
        "--no-progress");
    assertEquals(0, o.code(), o.err());
    assertEquals("", o.err());
    assertTrue(Files.exists(dir.resolve("report.json")));
    assertFalse(Files.exists(dir.resolve("domsim.log")), "a stale log would blame this run");
  }

  @Test
  void launchExitsWithOneAndShutsItsControlApiDown() throws IOException {
    Path dir = tmp.resolve("out");
    // Speed 100: the failure at simulated 100 s comes a wall second in, after the control API is up; the
    // configured hour would take 36 s.
    Outcome o = run(100, "launch", config("duration = 1h, speed = 100").toString(), "--out", dir.toString(),
        "--api-port", "0", "--no-progress");

    assertEquals(1, o.code(), o.err());
    assertTrue(o.wallNanos() < 20_000_000_000L, "took " + o.wallNanos() / 1e9 + " s");
    List<String> lines = o.err().lines().toList();
    assertEquals(2, lines.size(), o.err());
    Matcher api = Pattern.compile("control API at http://127\\.0\\.0\\.1:(\\d+) ").matcher(lines.get(0));
    assertTrue(api.find(), lines.get(0));
    String failure = lines.get(1);
    assertTrue(failure.startsWith("domsim: /user/sim/beta/xen failed at simulated time 1"), failure);
    assertTrue(failure.contains(" s: " + MetersBroken.class.getName() + ": counter broken after 100 samples"), failure);
    assertFalse(Files.exists(dir.resolve("report.json")));
    int port = Integer.parseInt(api.group(1));
    assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(), "the control API still answers");
  }
}
