package io.domsim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code workload.trace}, a group's {@code traces} and {@code vcpu-ghz}, read from files on disk. */
class TracesConfigTest {

  private static final String NODES = "nodes = [ { name = n1 } ]\n";

  @TempDir
  Path dir;

  private Path write(String relative, String text) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private ClusterSpec load(Path config, String... overrides) throws ConfigProblems {
    return ClusterConfigLoader.load(config, List.of(overrides), BuiltInNames.CATALOG);
  }

  private List<ConfigProblem> problems(Path config, String... overrides) {
    return assertThrows(ConfigProblems.class, () -> load(config, overrides)).problems();
  }

  private static ConfigProblem only(List<ConfigProblem> problems) {
    assertEquals(1, problems.size(), () -> "expected one problem, got " + problems);
    return problems.get(0);
  }

  private static void assertContains(String text, String phrase) {
    assertTrue(text.contains(phrase), () -> "expected <" + phrase + "> in: " + text);
  }

  @Test
  void aTracedGuestFollowsItsFileRelativeToTheConfigurationFile() throws Exception {
    write("cfg/traces/a.txt", "10\n50\r\n 100 \n0");
    Path config = write("cfg/c.conf", "domsim {\n" + NODES
        + "guests = [ { name = g, workload { trace = \"traces/a.txt\", cpu = 0.9 } } ]\n}\n");
    WorkloadSpec w = load(config).guest("g").orElseThrow().workload();
    Trace t = w.trace().orElseThrow();
    assertEquals(List.of(10, 50, 100, 0), IntStream.range(0, t.length()).map(t::percent).boxed().toList());
    assertEquals(0.4, w.cpu(), 1e-12, "a traced guest's cpu is its trace's mean, whatever cpu says");
    assertEquals(Duration.ofMinutes(5), w.traceInterval(), "PlanetLab's interval by default");
    assertEquals(dir.resolve("cfg/traces/a.txt").toString(), t.file());
  }

  @Test
  void aGuestWithoutTraceHasNone() throws Exception {
    Path config = write("c.conf", "domsim {\n" + NODES + "guests = [ { name = g } ]\n}\n");
    GuestSpec g = load(config).guest("g").orElseThrow();
    assertTrue(g.workload().trace().isEmpty());
    assertEquals(0.5, g.workload().cpu());
    assertEquals(OptionalDouble.empty(), g.vcpuGhz(), "vcpu-ghz = host by default");
  }

  @Test
  void guestsNamingOneFileShareOneTrace() throws Exception {
    write("t.txt", "1\n2\n");
    Path config = write("c.conf", "domsim {\n" + NODES + "guest-defaults.workload.trace = \"t.txt\"\n"
        + "guests = [ { name = a }, { name = b, workload.trace = \"./t.txt\" } ]\n"
        + "guest-groups = [ { prefix = g-, count = 2 } ]\n}\n");
    ClusterSpec spec = load(config);
    Trace first = spec.guest("a").orElseThrow().workload().trace().orElseThrow();
    for (String name : List.of("b", "g-1", "g-2")) {
      assertSame(first, spec.guest(name).orElseThrow().workload().trace().orElseThrow(), name);
    }
  }

  @Test
  void anIncludedFilesTraceIsRelativeToThatFile() throws Exception {
    write("parts/t.txt", "7\n");
    write("parts/guests.conf", "domsim.guests = [ { name = g, workload.trace = \"t.txt\" } ]\n");
    Path config = write("c.conf", "include \"parts/guests.conf\"\ndomsim {\n" + NODES + "}\n");
    assertEquals(7, load(config).guest("g").orElseThrow().workload().trace().orElseThrow().percent(0));
  }

  @Test
  void anOverridesTraceIsRelativeToTheUsersFile() throws Exception {
    write("cfg/t.txt", "9\n");
    Path config = write("cfg/c.conf", "domsim {\n" + NODES + "guests = [ { name = g } ]\n}\n");
    assertEquals(9, load(config, "guest-defaults.workload.trace=t.txt").guest("g").orElseThrow().workload().trace()
        .orElseThrow().percent(0));
  }

  @Test
  void aGroupsTracesMakeOneGuestPerFileInNameOrder() throws Exception {
    write("day/b", "20\n");
    write("day/a", "10\n");
    write("day/C", "30\n"); // upper case sorts first, as LC_ALL=C ls
    write("day/.hidden", "not a trace\n");
    Files.createDirectories(dir.resolve("day/sub"));
    Path config = write("c.conf", "domsim {\n" + NODES
        + "guest-groups = [ { prefix = vm-, traces = day, vcpus = 1 } ]\n}\n");
    ClusterSpec spec = load(config);
    assertEquals(List.of("vm-1", "vm-2", "vm-3"), spec.guests().stream().map(GuestSpec::name).toList());
    assertEquals(List.of(30, 10, 20), spec.guests().stream()
        .map(g -> g.workload().trace().orElseThrow().percent(0)).toList());
    assertEquals(0.1, spec.guest("vm-2").orElseThrow().workload().cpu(), 1e-12);

    Path two = write("two.conf", "domsim {\n" + NODES
        + "guest-groups = [ { prefix = vm-, traces = day, count = 2 } ]\n}\n");
    assertEquals(List.of(30, 10), load(two).guests().stream()
        .map(g -> g.workload().trace().orElseThrow().percent(0)).toList(), "the first files in name order");
  }

  @Test
  void groupsShareADirectoryInBlocksWithTracesSkip() throws Exception {
    write("day/a", "10\n");
    write("day/b", "20\n");
    write("day/c", "30\n");
    Path config = write("c.conf", "domsim {\n" + NODES + "guest-groups = [\n"
        + "{ prefix = big-, traces = day, count = 1, vcpu-ghz = 2.5 }\n"
        + "{ prefix = small-, traces = day, traces-skip = 1, vcpu-ghz = 0.5 }\n]\n}\n");
    ClusterSpec spec = load(config);
    assertEquals(List.of("big-1", "small-1", "small-2"), spec.guests().stream().map(GuestSpec::name).toList());
    assertEquals(List.of(10, 20, 30), spec.guests().stream()
        .map(g -> g.workload().trace().orElseThrow().percent(0)).toList());

    Path all = write("all.conf", "domsim {\n" + NODES
        + "guest-groups = [ { prefix = vm-, traces = day,\n traces-skip = 3 } ]\n}\n");
    ConfigProblem p = only(problems(all));
    assertEquals(4, p.line());
    assertContains(p.message(), "3 skips every one of the 3 trace files; skip fewer");
    Path untraced = write("untraced.conf", "domsim {\n" + NODES
        + "guest-groups = [ { prefix = vm-, count = 2,\n traces-skip = 1 } ]\n}\n");
    assertContains(only(problems(untraced)).message(), "traces-skip takes effect only with traces");
  }

  @Test
  void aCountLargerThanTheFilesIsAnError() throws Exception {
    write("day/a", "10\n");
    write("day/b", "20\n");
    Path config = write("c.conf", "domsim {\n" + NODES
        + "guest-groups = [ { prefix = vm-, traces = day,\n count = 3 } ]\n}\n");
    ConfigProblem p = only(problems(config));
    assertEquals(config.toString(), p.file());
    assertEquals(4, p.line());
    assertEquals("domsim.guest-groups[0].count", p.path());
    assertContains(p.message(), "3 is more than the 2 trace files of \"day\"; use at most 2");
  }

  @Test
  void aBadLineIsAProblemAtItsFileAndLine() throws Exception {
    Path trace = write("t.txt", "10\n20\nabc\n30\n101\n");
    Path config = write("c.conf", "domsim {\n" + NODES
        + "guests = [ { name = g,\n workload.trace = \"t.txt\" } ]\n}\n");
    ConfigProblem p = only(problems(config));
    assertEquals(trace.toString(), p.file());
    assertEquals(3, p.line());
    assertEquals("domsim.guests[0].workload.trace", p.path());
    assertContains(p.message(), "\"abc\" is not a whole percent (named at " + config + ":4) (and 1 more bad line)");
    assertContains(p.message(), "one whole percent from 0 to 100 per line");
  }

  @Test
  void valuesAboveAHundredEmptyLinesAndEmptyFilesAreRefused() throws Exception {
    write("high.txt", "10\n150\n");
    write("gap.txt", "10\n\n20\n");
    write("empty.txt", "");
    write("frac.txt", "12.5\n");
    for (var c : List.of(new Object[] {"high.txt", 2, "\"150\" is more than 100%"},
        new Object[] {"gap.txt", 2, "the line is empty"},
        new Object[] {"empty.txt", 1, "the trace file is empty"},
        new Object[] {"frac.txt", 1, "\"12.5\" is not a whole percent"})) {
      Path config = write("c-" + c[0] + ".conf", "domsim {\n" + NODES
          + "guests = [ { name = g, workload.trace = \"" + c[0] + "\" } ]\n}\n");
      ConfigProblem p = only(problems(config));
      assertEquals(dir.resolve((String) c[0]).toString() + ":" + c[1], new Location(p.file(), p.line()).toString());
      assertContains(p.message(), (String) c[2]);
    }
  }

  @Test
  void aMissingFileIsAProblemAtTheLineThatNamesIt() throws Exception {
    Path config = write("c.conf", "domsim {\n" + NODES
        + "guests = [ { name = g,\n workload.trace = \"nope.txt\" } ]\n}\n");
    ConfigProblem p = only(problems(config));
    assertEquals(config + ":4", new Location(p.file(), p.line()).toString());
    assertContains(p.message(), "there is no trace file " + dir.resolve("nope.txt"));
  }

  @Test
  void aBadFileInAGroupsDirectoryIsReportedAtItsLine() throws Exception {
    write("day/a", "10\n");
    Path bad = write("day/b", "10\n20\n-5\n");
    Path config = write("c.conf", "domsim {\n" + NODES + "guest-groups = [ { prefix = vm-, traces = day } ]\n}\n");
    ConfigProblem p = only(problems(config));
    assertEquals(bad + ":3", new Location(p.file(), p.line()).toString());
    assertEquals("domsim.guest-groups[0].traces", p.path());
  }

  @Test
  void tracesNeedsADirectoryAndExcludesTheGroupsOwnTrace() throws Exception {
    write("t.txt", "10\n");
    Path notDir = write("a.conf", "domsim {\n" + NODES + "guest-groups = [ { prefix = vm-, traces = t.txt } ]\n}\n");
    assertContains(only(problems(notDir)).message(), "is not a directory");
    write("day/a", "10\n");
    Path both = write("b.conf", "domsim {\n" + NODES
        + "guest-groups = [ { prefix = vm-, traces = day, workload.trace = t.txt } ]\n}\n");
    ConfigProblem p = only(problems(both));
    assertEquals("domsim.guest-groups[0].workload.trace", p.path());
    assertContains(p.message(), "remove workload.trace here, or traces");
    Path guests = write("c.conf", "domsim {\n" + NODES + "guests = [ { name = g, traces = day } ]\n}\n");
    assertContains(only(problems(guests)).message(), "unknown key");
  }

  @Test
  void aGroupsTracesOverrideATraceInGuestDefaults() throws Exception {
    write("t.txt", "10\n");
    write("day/a", "70\n");
    Path config = write("c.conf", "domsim {\n" + NODES + "guest-defaults.workload.trace = t.txt\n"
        + "guests = [ { name = g } ]\n"
        + "guest-groups = [ { prefix = vm-, traces = day } ]\n}\n");
    ClusterSpec spec = load(config);
    assertEquals(10, spec.guest("g").orElseThrow().workload().trace().orElseThrow().percent(0));
    assertEquals(70, spec.guest("vm-1").orElseThrow().workload().trace().orElseThrow().percent(0));
  }

  @Test
  void traceIntervalHasARange() throws Exception {
    Path config = write("c.conf", "domsim {\n" + NODES
        + "guests = [ { name = g, workload.trace-interval = 10ms } ]\n}\n");
    assertContains(only(problems(config)).message(), "use a duration from 100ms to 365d");
  }

  @Test
  void vcpuGhzIsHostOrAPositiveSpeed() throws Exception {
    Path config = write("c.conf", "domsim {\n" + NODES + "guests = [ { name = g, vcpu-ghz = 2.66 } ]\n}\n");
    assertEquals(OptionalDouble.of(2.66), load(config).guest("g").orElseThrow().vcpuGhz());
    for (String bad : List.of("0", "fast", "-1", "2000")) {
      Path b = write("b.conf", "domsim {\n" + NODES + "guests = [ { name = g, vcpu-ghz = " + bad + " } ]\n}\n");
      ConfigProblem p = only(problems(b));
      assertEquals("domsim.guests[0].vcpu-ghz", p.path());
      assertContains(p.message(), "use host (its vCPUs run at the speed of its host's cores) or a number of GHz");
    }
  }

  @Test
  void theTraceIndexWrapsAroundAfterTheLastValue() {
    WorkloadSpec w = new WorkloadSpec(0.5, 0, 0, 0, 0, Duration.ofSeconds(30))
        .withTrace(new Trace("t", new byte[] {10, 50, 50, 100}));
    WorkloadSpec traced = new WorkloadSpec(w.cpu(), 0, 0, 0, 0, Duration.ofSeconds(30), w.trace(),
        Duration.ofSeconds(10));
    long s = 1_000_000_000L;
    assertEquals(0.1, traced.tracedCpuAt(0));
    assertEquals(0.1, traced.tracedCpuAt(10 * s - 1));
    assertEquals(0.5, traced.tracedCpuAt(10 * s));
    assertEquals(1.0, traced.tracedCpuAt(39 * s));
    assertEquals(0.1, traced.tracedCpuAt(40 * s), "after the last value, the first again");
    assertEquals(10 * s, traced.nextTraceChangeAfter(0));
    assertEquals(30 * s, traced.nextTraceChangeAfter(10 * s), "the equal value at 20 s is no change");
    assertEquals(40 * s, traced.nextTraceChangeAfter(35 * s));
    WorkloadSpec flat = new WorkloadSpec(0.5, 0, 0, 0, 0, Duration.ofSeconds(30))
        .withTrace(new Trace("f", new byte[] {20, 20}));
    assertEquals(-1, flat.nextTraceChangeAfter(0), "a constant trace never changes");
  }
}
