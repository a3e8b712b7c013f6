package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a user can type that used to crash, hang or silently mislead: each is a problem with its line. */
class BadInputTest {

  @Nested
  class Quantities {

    @ParameterizedTest
    @ValueSource(strings = {"30s", "1.5s", "0.1s", "100us", "2.5ms", "5m", "1h", "365d", "1 second", "3 minutes",
        "7 milli", "250 nanos", "1e3s", "+5s", "0.000000001s", "12.3456789s"})
    void durationsAreReadExactlyAsTypesafeConfigReadsThem(String text) {
      // Results must not change: the own reader exists only to refuse what HOCON would clamp.
      Duration hocon = ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(text)).getDuration("v");
      assertEquals(hocon, Units.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4GiB", "1.5GiB", "512MiB", "4GB", "20kB", "2KiB", "1 byte", "3 gibibytes", "7m",
        "1PiB", "0.3MiB", "8192B", "1e3KiB"})
    void sizesAreReadExactlyAsTypesafeConfigReadsThem(String text) {
      long hocon = ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(text)).getBytes("v");
      assertEquals(hocon, Units.parseBytes(text, 1));
    }

    @Test
    void hugeAndTinyNumbersAreRefusedAtOnceInsteadOfClampedOrComputed() {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
        assertEquals("too large", assertThrows(IllegalArgumentException.class,
            () -> Units.parseDuration("1e999999999s")).getMessage());
        assertEquals("too large", assertThrows(IllegalArgumentException.class,
            () -> Units.parseBytes("1e999999999GiB", 1)).getMessage());
        assertEquals("too large", assertThrows(IllegalArgumentException.class,
            () -> Units.parseBitsPerSecond("1e999999999Gbps")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> Units.parseBitsPerSecond("1e-999999999Gbps")).getMessage().startsWith("too small"));
        assertEquals("too long", assertThrows(IllegalArgumentException.class,
            () -> Units.parseBytes("9".repeat(5_000_000), 1)).getMessage());
        assertEquals("too large", assertThrows(IllegalArgumentException.class,
            () -> Units.parseDuration("106752d")).getMessage()); // just beyond 2^63 ns
      });
    }

    @Test
    void infinityIsNoSize() {
      assertOnlyProblem("domsim.nodes = [ { name = n1, memory = Infinity } ]", "t.conf:1: domsim.nodes[0].memory: ",
          "\"Infinity\" is not a size; use a size greater than 0 and at most 1PiB");
      assertOnlyProblem("domsim.nodes = [ { name = n1, memory = 1e999999999 } ]",
          "t.conf:1: domsim.nodes[0].memory: ", "1e999999999 is not a size (too large)");
    }

    @Test
    void aModuleSettingIsHeldToTheFormOfItsDefault() throws ConfigProblems {
      // cluster-config's tests have no other module on the class path: test.conf declares two settings.
      String text = "domsim.x.costs.cycles = -1\ndomsim.x.costs.state = 1e999999999\ndomsim.x.costs.wait = 400d\n";
      Problems problems = new Problems();
      ModuleSettingRanges.check(ConfigFactory.parseString(text,
              com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("t.conf")),
          ConfigFactory.parseString("domsim.x.costs { cycles = 1545, state = 4KiB, wait = 20ms }"),
          new Sources("t.conf"), problems);
      List<String> found = problems.toException().problems().stream().map(ConfigProblem::toString).toList();
      assertEquals(List.of(
          "t.conf:1: domsim.x.costs.cycles: -1 is out of range; use a finite number of at least 0",
          "t.conf:2: domsim.x.costs.state: 1e999999999 is not a size (too large); use one from 0 to 1PiB",
          "t.conf:3: domsim.x.costs.wait: \"400d\" is out of range; use a duration from 0 to 365d, such as 20ms"),
          found);
    }
  }

  @Nested
  class Names {

    @Test
    void printableNamesOfAnyAlphabetAreNames() throws ConfigProblems {
      ClusterSpec spec = ConfigAssertions.parse("""
          domsim.nodes = [ { name = "rack a/1" }, { name = "Zürich" }, { name = "-x" }, { name = "$y" } ]
          """);
      assertEquals(List.of("rack a/1", "Zürich", "-x", "$y"), spec.nodes().stream().map(NodeSpec::name).toList());
    }

    @Test
    void unprintableCharactersAreRefused() {
      assertOnlyProblem("domsim.nodes = [ { name = \"a\\tb\" } ]", "t.conf:1: domsim.nodes[0].name: ",
          "unprintable character U+0009");
      assertOnlyProblem("domsim.node-groups = [ { prefix = \"r\\u200b\", count = 2 } ]",
          "t.conf:1: domsim.node-groups[0].prefix: ", "unprintable character U+200B");
    }

    @Test
    void aReferenceToAnUnprintableNameIsPrintedEscaped() {
      List<String> found = problems("""
          domsim.nodes = [ { name = n1 } ]
          domsim.guests = [ { name = g, node = "n\\u0007" } ]
          """);
      assertTrue(found.stream().anyMatch(p -> p.contains("no node is named \"n\\u0007\"")), found::toString);
    }
  }

  @Nested
  class Messages {

    @Test
    void longWordsAreCutAndControlCharactersEscaped() {
      ConfigProblem p = new ConfigProblem("f", 1, "domsim." + "k".repeat(500), "\"" + "x".repeat(20_000_000)
          + "\" is \u0000 wrong; use less");
      assertTrue(p.toString().length() < 400, () -> p.toString().length() + " characters");
      assertTrue(p.message().endsWith("...(20000002 characters) is \\u0000 wrong; use less"), p.message());
      assertTrue(p.path().endsWith("...(507 characters)"), p.path());
    }
  }

  @Nested
  class Files_ {

    @TempDir
    Path dir;

    private ConfigProblems load(Path file) {
      return assertThrows(ConfigProblems.class, () -> ClusterConfigLoader.load(file, List.of(), BuiltInNames.CATALOG));
    }

    private String only(ConfigProblems e) {
      assertEquals(1, e.problems().size(), e::getMessage);
      return e.problems().get(0).toString();
    }

    @Test
    void includesResolveNextToTheIncludingFileAndAreLocatedThere() throws IOException, ConfigProblems {
      Files.createDirectories(dir.resolve("parts"));
      Files.writeString(dir.resolve("parts/nodes.conf"), "include \"more.conf\"\ndomsim.nodes = [ { name = n1 } ]\n");
      Files.writeString(dir.resolve("parts/more.conf"), "domsim.node-defaults.memory = 8GiB\n");
      Path main = Files.writeString(dir.resolve("main.conf"), "include \"parts/nodes.conf\"\ndomsim { }\n");
      ClusterSpec spec = ClusterConfigLoader.load(main, List.of(), BuiltInNames.CATALOG);
      assertEquals(8L << 30, spec.nodes().get(0).memoryBytes());
      Files.writeString(dir.resolve("parts/more.conf"), "# more\ndomsim.node-defaults.memory = 8XB\n");
      assertTrue(only(load(main)).startsWith(dir.resolve("parts/more.conf") + ":2: domsim.node-defaults.memory: "),
          () -> load(main).getMessage());
    }

    @Test
    void aMissingOptionalIncludeIsNothingAndARequiredOneAProblem() throws IOException, ConfigProblems {
      Path optional = Files.writeString(dir.resolve("o.conf"), "include \"gone.conf\"\ndomsim { }\n");
      ClusterConfigLoader.load(optional, List.of(), BuiltInNames.CATALOG); // HOCON: optional may be missing
      Path required = Files.writeString(dir.resolve("r.conf"), "domsim { }\ninclude required(file(\"gone.conf\"))\n");
      assertEquals(required + ":2: domsim: cannot include \"gone.conf\": there is no file " + dir.resolve("gone.conf")
          + "; correct the name (it is relative to the including file's directory)", only(load(required)));
    }

    @Test
    void anIncludeCycleIsNamedFileByFile() throws IOException {
      Path a = Files.writeString(dir.resolve("a.conf"), "include \"b.conf\"\ndomsim { }\n");
      Files.writeString(dir.resolve("b.conf"), "include \"c.conf\"\n");
      Files.writeString(dir.resolve("c.conf"), "\n\ninclude \"b.conf\"\n");
      assertEquals(dir.resolve("c.conf") + ":3: domsim: cannot include \"b.conf\": it includes itself ("
          + dir.resolve("b.conf") + " → " + dir.resolve("c.conf") + " → " + dir.resolve("b.conf")
          + "); remove one of these includes", only(load(a)));
    }

    @Test
    void urlAndClasspathIncludesAreRefused() throws IOException {
      for (String include : List.of("url(\"http://192.0.2.1/x.conf\")", "\"https://192.0.2.1/x.conf\"",
          "classpath(\"reference.conf\")", "required(url(\"file:///etc/hostname\"))")) {
        Path file = Files.writeString(dir.resolve("u.conf"), "domsim { }\ninclude " + include + "\n");
        String problem = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> only(load(file)));
        assertTrue(problem.startsWith(file + ":2: domsim: cannot include ") && problem.contains("local files only"),
            problem);
      }
    }

    @Test
    void invalidUtf8IsAProblemAtItsLine() throws IOException {
      byte[] bytes = "domsim {\n  nodes = [ { name = \"n\u00e9\" } ]\n}\n".getBytes(StandardCharsets.ISO_8859_1);
      Path file = Files.write(dir.resolve("latin1.conf"), bytes);
      assertEquals(file + ":2: domsim: the file is not valid UTF-8 (byte 0xE9 on this line); save it as UTF-8",
          only(load(file)));
    }

    @Test
    void aByteOrderMarkIsNoProblem() throws IOException, ConfigProblems {
      Path file = Files.write(dir.resolve("bom.conf"),
          "\ufeffdomsim.nodes = [ { name = n1 } ]\n".getBytes(StandardCharsets.UTF_8));
      assertEquals(1, ClusterConfigLoader.load(file, List.of(), BuiltInNames.CATALOG).nodes().size());
    }

    @Test
    void nestingIsCountedOutsideStringsAndComments() throws ConfigProblems {
      String deepInStrings = "domsim.nodes = [ { name = \"" + "{".repeat(100) + "\" } ]  # " + "[".repeat(100)
          + "\n// " + "{".repeat(100) + "\ndomsim.guests = []\nx = \"\"\"" + "[".repeat(100) + "\"\"\"\n";
      assertEquals("{".repeat(100), ConfigAssertions.parse(deepInStrings).nodes().get(0).name());
      assertOnlyProblem("domsim {\n x = " + "[".repeat(65) + "]".repeat(65) + "\n}", "t.conf:2: domsim: ",
          "nested more than 64 deep");
      assertOnlyProblem("domsim.nodes = []", "--set: domsim.x: ", "nested more than 64 deep",
          "x=" + "{a=".repeat(100) + "1" + "}".repeat(100));
    }
  }

  @Nested
  class Heap {

    @Test
    void countsThatCannotFitTheHeapAreRefusedBeforeAnythingIsBuilt() {
      String text = """
          domsim {
            nodes = [ { name = a } ]
            node-groups = [ { prefix = r, count = 1000 }, { prefix = s, count = 30000 } ]
            guest-groups = [ { prefix = g, count = 1000, memory = 1MiB } ]
          }
          """;
      ConfigProblems e = assertThrows(ConfigProblems.class, () -> ClusterConfigLoader.parse(text, "t.conf", List.of(),
          BuiltInNames.CATALOG, 1L << 30));
      assertEquals(1, e.problems().size(), e::getMessage);
      ConfigAssertions.assertProblem(e.problems().get(0).toString(), "t.conf:3: domsim.node-groups[1].count: ",
          "31001 nodes and 1000 guests need about 1.0GiB of Java heap (about 32KiB a node and 6KiB a guest, beyond "
              + "64MiB), more than the 1.0GiB this JVM may use; use fewer, or give Java more memory, such as "
              + "DOMSIM_JAVA_OPTS=-Xmx2g");
    }

    @Test
    void theSameCountsFitABiggerHeap() throws ConfigProblems {
      ClusterSpec spec = ClusterConfigLoader.parse("domsim.node-groups = [ { prefix = r, count = 31001 } ]", "t.conf",
          List.of(), BuiltInNames.CATALOG, 2L << 30);
      assertEquals(31001, spec.nodes().size());
    }
  }

  @Nested
  class Placement {

    @Test
    void aGuestThatFitsOnlyWithoutTheHypervisorsStateIsRefused() {
      // cluster-config alone declares no overhead; the it-tests check the hypervisor's 20 kB per domain.
      assertOnlyProblem("""
          domsim {
            nodes = [ { name = n1, memory = 12GiB } ]
            guests = [ { name = g, memory = 8193MiB, node = n1 } ]
          }
          """, "t.conf:3: domsim.guests[0].memory: ", "8193MiB does not fit on any node; the largest is n1 with "
          + "8GiB free after dom0; use at most 8GiB or add a bigger node");
    }

    @Test
    void pinnedGuestsThatFitOneByOneButNotTogetherAreNoProblem() throws ConfigProblems {
      // The run starts them in order and reports the ones that no longer fit; validate predicts which.
      ClusterSpec spec = ConfigAssertions.parse("""
          domsim {
            nodes = [ { name = n1, memory = 12GiB } ]
            guests = [ { name = a, memory = 6GiB, node = n1 }, { name = b, memory = 6GiB, node = n1 } ]
          }
          """);
      assertEquals(2, spec.guests().size());
    }
  }
}
