package io.domsim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** examples/scale-1000.conf, the 1,000-node benchmark cluster, validates and has the size it says. */
class ScaleExampleTest {

  /** Surefire runs in the module directory; the examples live at the project root. */
  private static final Path EXAMPLE = Path.of("../examples/scale-1000.conf");

  @Test
  void theScaleExampleLoadsWithAThousandNodesAndTenThousandGuests() throws ConfigProblems {
    assumeTrue(Files.isRegularFile(EXAMPLE), "no " + EXAMPLE + " here");
    ClusterSpec spec = ClusterConfigLoader.load(EXAMPLE, List.of(), BuiltInNames.CATALOG);

    assertEquals(1000, spec.nodes().size());
    assertEquals(10_000, spec.guests().size());
    assertEquals(new SimulationSpec(ClockMode.VIRTUAL, 1.0, Duration.ofHours(1), 42, Duration.ofSeconds(1)),
        spec.simulation());
    assertEquals("best-fit", spec.scheduler().placement());

    Map<String, Long> mix = spec.guests().stream().collect(Collectors.groupingBy(
        g -> g.name().substring(0, g.name().indexOf('-')), Collectors.counting()));
    assertEquals(Map.of("web", 6000L, "db", 3000L, "batch", 1000L), mix);
    assertTrue(spec.guests().stream().filter(g -> g.name().startsWith("db-"))
        .allMatch(g -> g.type() == GuestType.HVM), "the db guests are HVM");

    long guestMemory = spec.guests().stream().mapToLong(GuestSpec::memoryBytes).sum();
    long freeMemory = spec.nodes().stream().mapToLong(n -> n.memoryBytes() - n.dom0().memoryBytes()).sum();
    assertTrue(guestMemory < freeMemory, () -> guestMemory + " bytes of guests, " + freeMemory + " free");
  }
}
