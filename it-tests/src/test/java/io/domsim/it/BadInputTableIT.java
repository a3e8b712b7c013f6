package io.domsim.it;

import static io.domsim.it.BadInputs.accepted;
import static io.domsim.it.BadInputs.both;
import static io.domsim.it.BadInputs.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bad inputs a user can type, one test per kind (issue 7's table): each file goes to {@code validate} and
 * {@code run} through the real command line, and each must end within a minute with exit 2 and a
 * {@code FILE:LINE} sentence, or with exit 0 where the wanted behaviour is that it simply works; never exit 1,
 * a stack trace or a hang.
 */
class BadInputTableIT {

  @TempDir
  Path tmp;

  private static final String SMALL = """
      domsim {
        simulation { duration = 20s }
      """;

  private Path write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }

  private Path writeBytes(String name, byte[] bytes) throws IOException {
    return Files.write(tmp.resolve(name), bytes);
  }

  // ------------------------------------------------------------------ names

  @Test
  void namesWithSpacesSlashesDollarsLeadingDashesAndNonAsciiLettersWorkEndToEnd() throws IOException {
    // A node's name was its actor's name, which Akka refuses for all of these: run exited 1.
    Path file = write("names.conf", SMALL + """
          nodes = [ { name = "n 1" }, { name = "a/b" }, { name = "x$y" }, { name = "-lead" }, { name = "Zürich" }
                    { name = "." }, { name = ".." }, { name = "a+b" }, { name = "a%20b" }, { name = "東京" } ]
          guests = [ { name = "g 1", node = "n 1" }, { name = "g/2", node = "a/b" }, { name = "$g3", node = "." }
                     { name = "-g4", node = "a+b" }, { name = "gästé" }, { name = "ü", node = "a%20b" } ]
          scenario = [ { at = 5s, action = migrate, guest = "g 1", to = "a/b" }
                       { at = 6s, action = migrate, guest = "$g3", to = ".." }
                       { at = 7s, action = migrate, guest = "-g4", to = "東京" } ]
        }
        """);
    BadInputs.Both both = both(file, tmp);
    accepted(both);
    JsonNode report = Cli.report(both.out());
    assertEquals("a/b", Cli.guest(report, "g 1").get("node_end").asText());
    assertEquals("..", Cli.guest(report, "$g3").get("node_end").asText());
    assertEquals("東京", Cli.guest(report, "-g4").get("node_end").asText());
    assertEquals("a%20b", Cli.guest(report, "ü").get("node_end").asText());
    for (JsonNode m : report.get("migrations")) {
      assertEquals("completed", m.get("outcome").asText(), m::toString);
    }
  }

  @Test
  void aNameWithAControlCharacterIsRefusedAtItsLine() throws IOException {
    Path escaped = write("escaped.conf", SMALL + """
          nodes = [ { name = n1 } ]
          guests = [ { name = "g\\u0007x" } ]
        }
        """);
    refused(both(escaped, tmp), escaped + ":4: domsim.guests[0].name: ", "unprintable character U+0007");
    Path raw = write("raw.conf", SMALL + "  nodes = [ { name = \"n\u0001\" } ]\n}\n");
    refused(both(raw, tmp), raw + ":3: domsim: ", "control character");
  }

  @Test
  void aNameLongerThan255CharactersIsRefused() throws IOException {
    Path file = write("long.conf", SMALL + "  nodes = [ { name = " + "n".repeat(256) + " } ]\n}\n");
    refused(both(file, tmp), file + ":3: domsim.nodes[0].name: ", "256 characters; at most 255");
  }

  // ------------------------------------------------------------------ the file itself

  @Test
  void invalidUtf8IsRefusedAtItsLine() throws IOException {
    byte[] head = (SMALL + "  nodes = [ { name = \"n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\" } ]\n}\n".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 2 + tail.length];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xff;
    bytes[head.length + 1] = (byte) 0xfe;
    System.arraycopy(tail, 0, bytes, head.length + 2, tail.length);
    Path file = writeBytes("latin.conf", bytes);
    refused(both(file, tmp), file + ":3: domsim: ", "not valid UTF-8 (byte 0xFF");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"objects, '{a = ', '}'", "lists, '[', ']'"})
  void tenThousandLevelsOfNestingAreRefusedWithoutAStackOverflow(String what, String open, String close)
      throws IOException {
    Path file = write(what + ".conf", SMALL + "  nodes = [ { name = n1 } ]\n  x = " + open.repeat(10_000) + "1"
        + close.repeat(10_000) + "\n}\n");
    refused(both(file, tmp), file + ":4: domsim: ", "nested more than 64 deep");
  }

  @Test
  void aDottedKeyTenThousandLevelsDeepIsRefused() throws IOException {
    String key = String.join(".", java.util.Collections.nCopies(10_000, "a"));
    Path file = write("dotted.conf", SMALL + "  nodes = [ { name = n1 } ]\n  " + key + " = 1\n  " + key + " = 2\n}\n");
    refused(both(file, tmp), file + ": domsim: ", "nested too deeply");
  }

  @Test
  void anEmptyFileOrOneWithoutDomsimIsNoDomsimSection() throws IOException {
    // Both used to run the bundled defaults and exit 0.
    Path empty = write("empty.conf", "");
    refused(both(empty, tmp), empty + ": domsim: ", "no domsim section");
    Path other = write("other.conf", "xen { nodes = [ { name = n1 } ] }\n");
    refused(both(other, tmp), other + ": domsim: ", "no domsim section: the file has only xen");
  }

  @Test
  void devZeroALinkToItAndAFifoAreRefusedAtOnce() throws IOException, InterruptedException {
    Path zero = Path.of("/dev/zero");
    Assumptions.assumeTrue(Files.exists(zero), "a Unix /dev/zero");
    refused(both(zero, tmp), "/dev/zero: domsim: ", "not a regular file");
    Path link = Files.createSymbolicLink(tmp.resolve("zero.conf"), zero);
    Path including = write("including.conf", "include \"zero.conf\"\n" + SMALL + "}\n");
    refused(both(including, tmp), including + ":1: domsim: ", "not a regular file");
    refused(both(link, tmp), link + ": domsim: ", "not a regular file");
    Path fifo = tmp.resolve("fifo.conf");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    Assumptions.assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
    refused(both(fifo, tmp), fifo + ": domsim: ", "not a regular file");
  }

  @Test
  void aFileOverTheSizeCapIsRefused() throws IOException {
    Path file = write("huge.conf", SMALL + "  nodes = [ { name = n1 } ]\n  # " + "x".repeat(33 << 20) + "\n}\n");
    refused(both(file, tmp), file + ": domsim: ", "32MiB in all");
  }

  @Test
  void aTwentyMegabyteTokenIsCutInTheMessage() throws IOException {
    Path file = write("token.conf", SMALL + "  nodes = [ { name = n1, memory = " + "9".repeat(20_000_000) + "x } ]\n}\n");
    BadInputs.Both both = both(file, tmp);
    refused(both, file + ":3: domsim.nodes[0].memory: ", "characters)");
    assertTrue(both.validate().err().length() < 2_000, () -> both.validate().err().length() + " characters");
    assertTrue(both.run().err().length() < 2_000, () -> both.run().err().length() + " characters");
  }

  // ------------------------------------------------------------------ includes and substitutions

  @Test
  void aUrlIncludeIsRefusedAndNeverFetched() throws IOException {
    try (ServerSocket server = new ServerSocket(0)) {
      server.setSoTimeout(200);
      String url = "http://127.0.0.1:" + server.getLocalPort() + "/c.conf";
      Path explicit = write("url.conf", "include url(\"" + url + "\")\n" + SMALL + "}\n");
      refused(both(explicit, tmp), explicit + ":1: domsim: ", "includes name local files only");
      Path heuristic = write("url2.conf", SMALL + "}\ninclude required(\"" + url + "\")\n");
      refused(both(heuristic, tmp), heuristic + ":4: domsim: ", "not URLs");
      Path classpath = write("classpath.conf", "include classpath(\"reference.conf\")\n" + SMALL + "}\n");
      refused(both(classpath, tmp), classpath + ":1: domsim: ", "includes name local files only");
      try {
        server.accept().close();
        throw new AssertionError("domsim connected to " + url);
      } catch (SocketTimeoutException expected) {
        // nobody came
      }
    }
  }

  @Test
  void aLocalIncludeResolvesNextToTheIncludingFile() throws IOException {
    Path sub = Files.createDirectories(tmp.resolve("sub"));
    Files.writeString(sub.resolve("nodes.conf"), "domsim.nodes = [ { name = n1 }, { name = n2 } ]\n");
    Path file = write("main.conf", "include \"sub/nodes.conf\"\n" + SMALL + "  guests = [ { name = g, node = n3 } ]\n}\n");
    // the guest's mistake is found with the included nodes in view
    refused(both(file, tmp), file + ":4: domsim.guests[0].node: ", "no node is named \"n3\"");
    Files.writeString(sub.resolve("nodes.conf"), "domsim.nodes = [ { name = n1 }, { name = 3 }, { name = n4 ] ]\n");
    refused(both(file, tmp), tmp.resolve("sub/nodes.conf") + ":1: domsim: ", "not valid HOCON");
  }

  @Test
  void aMissingRequiredIncludeIsOneSentenceAtItsLine() throws IOException {
    Path file = write("missing.conf", SMALL + "  nodes = [ { name = n1 } ]\n}\ninclude required(\"nowhere.conf\")\n");
    refused(both(file, tmp), file + ":5: domsim: ", "cannot include \"nowhere.conf\": there is no file");
  }

  @Test
  void aCyclicIncludeIsOneSentenceAtItsLine() throws IOException {
    Path a = write("a.conf", "include \"b.conf\"\n" + SMALL + "  nodes = [ { name = n1 } ]\n}\n");
    write("b.conf", "# b\ninclude \"a.conf\"\n");
    BadInputs.Both both = both(a, tmp);
    refused(both, tmp.resolve("b.conf") + ":2: domsim: ", "it includes itself (" + a + " → " + tmp.resolve("b.conf")
        + " → " + a + ")");
    assertEquals(2, both.validate().err().lines().count(), both.validate().err()); // the problem and the count
  }

  @Test
  void anUnsetSubstitutionIsNamed() throws IOException {
    Path file = write("env.conf", SMALL + "  nodes = [ { name = ${DOMSIM_SURELY_UNSET_VARIABLE} } ]\n}\n");
    refused(both(file, tmp), file + ":3: domsim: ", "${DOMSIM_SURELY_UNSET_VARIABLE} is not set");
  }

  // ------------------------------------------------------------------ quantities

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "memory = 1e999999999 | nodes = [ { name = n1, memory = 1e999999999 } ] | domsim.nodes[0].memory | at most 1PiB",
      "memory = Infinity | nodes = [ { name = n1, memory = Infinity } ] | domsim.nodes[0].memory | at most 1PiB",
      "power.max = 1e400W | nodes = [ { name = n1, power.max = \"1e400W\" } ] | domsim.nodes[0].power.max | to 1MW",
      "duration = 1e999999999s | simulation.duration = 1e999999999s | domsim.simulation.duration | at most 365d",
      "a million days | simulation.duration = 1000000d | domsim.simulation.duration | at most 365d",
      "latency overflow | network.latency = 106751d | domsim.network.latency | at most 1s",
      "phase-mean = 1ns | guest-defaults.workload.phase-mean = 1ns | domsim.guest-defaults.workload.phase-mean | from 100ms",
      "sample-interval = 1ns | simulation.sample-interval = 1ns | domsim.simulation.sample-interval | at least 1ms",
      "a billion samples | simulation { duration = 300d, sample-interval = 1ms } | domsim.simulation.sample-interval"
          + " | more than 100000000",
      "an action near Long.MAX_VALUE | scenario = [ { at = 9223372036854775806ns, action = fail, node = n1 } ]"
          + " | domsim.scenario[0].at | at most 365d",
      "variability = 1e300 | guest-defaults.workload.variability = 1e300 | domsim.guest-defaults.workload.variability"
          + " | from 0 to 10",
      "a number of 70 digits | nodes = [ { name = n1, cpu.cores = 1" + "0000000000" + "0000000000" + "0000000000"
          + "0000000000" + "0000000000" + "0000000000" + "000000000 } ] | domsim.nodes[0].cpu.cores | too long"})
  void aHugeOrTinyQuantityIsRefusedWithItsRange(String what, String line, String path, String range)
      throws IOException {
    Path file = write("quantity.conf", SMALL + "  nodes = [ { name = n1 } ]\n  " + line + "\n}\n");
    refused(both(file, tmp), file + ":4: " + path + ": ", range);
  }

  @Test
  void aMillionNodesOrGuestsThatCannotFitTheHeapAreRefusedAtOnce() throws IOException {
    // A million nodes hung the run; a million guests ran out of memory (exit 1).
    Path nodes = write("nodes.conf", SMALL + "  node-groups = [ { prefix = n, count = 1000000 } ]\n}\n");
    refused(both(nodes, tmp), nodes + ":3: domsim.node-groups[0].count: ", "1000000 nodes and 0 guests need about");
    Path guests = write("guests.conf", SMALL + "  node-groups = [ { prefix = n, count = 100, memory = 1PiB } ]\n"
        + "  guest-groups = [ { prefix = g, count = 1000000, memory = 1MiB } ]\n}\n");
    refused(both(guests, tmp), guests + ":4: domsim.guest-groups[0].count: ", "more than the");
  }

  // ------------------------------------------------------------------ validate predicts the run

  @Test
  void aGuestSizedExactlyToANodesFreeMemoryStartsAndOneByteMoreIsRefused() throws IOException {
    // 12 GiB - 4 GiB for dom0 - 20,000 bytes of dom0's and the guest's own hypervisor state each.
    long fits = 12L * 1024 * 1024 * 1024 - 4L * 1024 * 1024 * 1024 - 2 * 20_000;
    for (String pin : new String[] {"", ", node = n1"}) {
      Path exact = write("exact.conf", SMALL + "  nodes = [ { name = n1, memory = 12GiB } ]\n"
          + "  guests = [ { name = g, memory = " + fits + "B" + pin + " } ]\n}\n");
      BadInputs.Both ok = both(exact, tmp);
      accepted(ok);
      assertEquals("running", Cli.guest(Cli.report(ok.out()), "g").get("state_end").asText());
      validatePredictsTheRun(ok, 1);
      Path over = write("over.conf", SMALL + "  nodes = [ { name = n1, memory = 12GiB } ]\n"
          + "  guests = [ { name = g, memory = " + (fits + 1) + "B" + pin + " } ]\n}\n");
      refused(both(over, tmp), over + ":4: domsim.guests[0].memory: ", "does not fit on any node");
    }
  }

  @Test
  void pinnedGuestsThatOvercommitANodeTogetherArePredictedNotToStart() throws IOException {
    // validate said every pinned guest starts; the run then refused the ones that no longer fit.
    Path file = write("pinned.conf", SMALL + """
          nodes = [ { name = n1, memory = 12GiB }, { name = n2 } ]
          guests = [ { name = a, memory = 6GiB, node = n1 }
                     { name = b, memory = 6GiB, node = n1 }
                     { name = c, memory = 512MiB } ]
          guest-groups = [ { prefix = w, count = 3, memory = 1GiB, node = n1 } ]
        }
        """);
    BadInputs.Both both = both(file, tmp);
    accepted(both);
    assertTrue(both.validate().out().lines().anyMatch(l -> l.startsWith("b ") && l.contains("nowhere: pinned to n1")),
        both.validate().out());
    validatePredictsTheRun(both, 6);
  }

  /** Every guest starts where validate said, and those it said would not start do not. */
  private static void validatePredictsTheRun(BadInputs.Both both, int guests) {
    JsonNode report = Cli.report(both.out());
    assertEquals(guests, report.get("guests").size());
    for (JsonNode g : report.get("guests")) {
      String name = g.get("name").asText();
      String line = both.validate().out().lines().filter(l -> l.startsWith(name + " ")).findFirst()
          .orElseThrow(() -> new AssertionError("validate does not list " + name + ":\n" + both.validate().out()));
      String where = line.substring(line.lastIndexOf("  ") + 2);
      if (g.get("state_end").asText().equals("not-started")) {
        assertTrue(where.startsWith("not started") || where.startsWith("nowhere"), () -> name + ": " + line);
      } else {
        assertTrue(where.startsWith(g.get("node_start").asText() + " ("), () -> name + ": " + line + " but " + g);
      }
    }
  }

  @Test
  void aLatencyOfHalfTheHostTimeoutIsRefusedAndJustBelowItWorks() throws IOException {
    // Every host answered the pool master after its timeout: "no node is available" for every guest.
    String cluster = "  nodes = [ { name = n1 }, { name = n2 } ]\n  guests = [ { name = g } ]\n}\n";
    Path slow = write("slow.conf", SMALL + "  network.latency = 500ms\n  scheduler.host-timeout = 1s\n" + cluster);
    refused(both(slow, tmp), slow + ":3: domsim.network.latency: ", "not less than scheduler.host-timeout (1s)");
    Path ok = write("ok.conf", SMALL + "  network.latency = 499ms\n  scheduler.host-timeout = 1s\n" + cluster);
    BadInputs.Both both = both(ok, tmp);
    accepted(both);
    assertEquals("running", Cli.guest(Cli.report(both.out()), "g").get("state_end").asText());
    validatePredictsTheRun(both, 1);
  }
}
