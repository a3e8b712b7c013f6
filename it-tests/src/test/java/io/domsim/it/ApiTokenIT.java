package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `domsim launch`'s API options: anything but loopback needs a token, which every request then carries;
 * a port, host or token that cannot work is refused with exit 2 before anything starts.
 */
@Timeout(120)
class ApiTokenIT {
  private static final String TOKEN = "it-test-token-0123456789";

  @TempDir
  Path tmp;

  private Path config() throws Exception {
    Path conf = tmp.resolve("live.conf");
    Files.writeString(conf, """
        domsim {
          simulation { speed = 50, duration = 1h }
          nodes = [ { name = a }, { name = b } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a } ]
        }
        """);
    return conf;
  }

  /** A launch that must be refused at once: exit 2, the sentence, and nothing started (no output directory). */
  private String refusedBeforeAnythingStarts(String... options) throws Exception {
    Path out = tmp.resolve("out");
    String[] args = new String[options.length + 5];
    args[0] = "launch";
    args[1] = config().toString();
    args[2] = "--out";
    args[3] = out.toString();
    args[4] = "--no-progress";
    System.arraycopy(options, 0, args, 5, options.length);
    long start = System.nanoTime();
    Cli.Outcome o = Cli.run(args);
    assertEquals(2, o.code(), o.err());
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "refused at once");
    assertFalse(o.err().contains("Exception"), o.err());
    assertFalse(o.err().contains("control API at"), o.err());
    assertFalse(Files.exists(out), "nothing started, not even the output directory");
    assertEquals(1, o.err().lines().count(), o.err());
    return o.err();
  }

  @Test
  void aPortOutOfRangeIsRefusedBeforeAnythingStarts() throws Exception {
    assertEquals("domsim: --api-port 70000 is not a port; use 0 to 65535 (0 picks a free port).\n",
        refusedBeforeAnythingStarts("--api-port", "70000"));
    assertTrue(refusedBeforeAnythingStarts("--api-port", "-1").startsWith("domsim: --api-port -1 is not a port"));
  }

  @Test
  void aBusyPortIsRefusedBeforeAnythingStarts() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      String err = refusedBeforeAnythingStarts("--api-port", Integer.toString(busy.getLocalPort()));
      assertTrue(err.startsWith("domsim: cannot serve the control API on 127.0.0.1:" + busy.getLocalPort() + " ("), err);
      assertTrue(err.contains("choose another with --api-port PORT"), err);
    }
  }

  @Test
  void anyAddressButLoopbackNeedsAToken() throws Exception {
    String err = refusedBeforeAnythingStarts("--api-host", "0.0.0.0", "--api-port", "0");
    assertTrue(err.startsWith("domsim: --api-host 0.0.0.0 makes the control API reachable from other machines;"
        + " give it a secret with --api-token TOKEN or DOMSIM_API_TOKEN"), err);
    assertTrue(refusedBeforeAnythingStarts("--api-host", "bogus host", "--api-port", "0")
        .startsWith("domsim: --api-host bogus host is not an address of this machine"));
    assertTrue(refusedBeforeAnythingStarts("--api-token", "short", "--api-port", "0")
        .startsWith("domsim: the API token is 5 characters long; use at least 16"));
  }

  @Test
  void withATokenEveryRequestMustCarryIt() throws Exception {
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> Main.execute(
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), "launch", uncheckedConfig(),
        "--out", tmp.resolve("out").toString(), "--api-port", "0", "--api-token", TOKEN, "--no-progress"));
    String api = null;
    for (int i = 0; i < 1000 && api == null; i++) {
      Matcher m = Pattern.compile("control API at (http://127\\.0\\.0\\.1:\\d+)").matcher(err.toString());
      if (m.find()) {
        api = m.group(1);
      } else if (launch.isDone()) {
        throw new AssertionError(err.toString());
      } else {
        Thread.sleep(20);
      }
    }
    try {
      Cli.Outcome without = Cli.run("status", "--api", api);
      assertEquals(2, without.code());
      assertTrue(without.err().startsWith("domsim: this endpoint wants a token: send Authorization: Bearer TOKEN"),
          without.err());
      Cli.Outcome wrong = Cli.run("stop", "--api", api, "--api-token", "not-the-token-at-all");
      assertEquals(2, wrong.code());
      assertTrue(wrong.err().startsWith("domsim: the token is wrong"), wrong.err());
      assertFalse(launch.isDone(), "a wrong token stops nothing");

      HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/status"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, raw.statusCode());
      assertEquals("Bearer realm=\"domsim\"", raw.headers().firstValue("WWW-Authenticate").orElse(""));

      Cli.Outcome with = Cli.run("status", "--api", api, "--api-token", TOKEN);
      assertEquals(0, with.code(), with.err());
      assertTrue(with.out().contains("\"guest_locations\""), with.out());
      assertEquals(0, Cli.run("stop", "--api", api, "--api-token", TOKEN).code());
      assertEquals(0, launch.get(60, TimeUnit.SECONDS).intValue(), err.toString());
    } finally {
      if (!launch.isDone()) {
        Cli.run("stop", "--api", api, "--api-token", TOKEN);
      }
    }
  }

  private String uncheckedConfig() {
    try {
      return config().toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
