package io.domsim.scheduler;

import static io.domsim.scheduler.Guests.GIB;
import static io.domsim.scheduler.Guests.MIB;
import static io.domsim.scheduler.Guests.OVERHEAD;
import static io.domsim.scheduler.Guests.host;
import static io.domsim.scheduler.Guests.hvm;
import static io.domsim.scheduler.Guests.pv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The three placement policies as pure functions over host views. */
class PlacementPolicyTest {

  static Stream<Arguments> policies() {
    return Stream.of(
        Arguments.of("first-fit", PlacementPolicy.FIRST_FIT),
        Arguments.of("best-fit", PlacementPolicy.BEST_FIT),
        Arguments.of("worst-fit", PlacementPolicy.WORST_FIT));
  }

  // ---- first-fit ----

  @Test
  void firstFitPicksTheFirstHostThatFitsInListOrder() {
    List<HostView> hosts = List.of(host("a", 1 * GIB), host("b", 8 * GIB), host("c", 3 * GIB), host("d", 64 * GIB));
    assertEquals(Optional.of(1), PlacementPolicy.FIRST_FIT.choose(pv("g", 2 * GIB), hosts));
    // Smaller guest: now the first host fits, although it is the tightest.
    assertEquals(Optional.of(0), PlacementPolicy.FIRST_FIT.choose(pv("g", 512 * MIB), hosts));
    // Bigger than all but the last.
    assertEquals(Optional.of(3), PlacementPolicy.FIRST_FIT.choose(pv("g", 9 * GIB), hosts));
  }

  @Test
  void firstFitFollowsListOrderNotNames() {
    List<HostView> hosts = List.of(host("zz", 4 * GIB), host("aa", 4 * GIB));
    assertEquals(Optional.of(0), PlacementPolicy.FIRST_FIT.choose(pv("g", 1 * GIB), hosts));
  }

  // ---- best-fit ----

  @Test
  void bestFitPicksTheHostLeftWithTheLeastFreeMemory() {
    List<HostView> hosts = List.of(host("a", 8 * GIB), host("b", 3 * GIB), host("c", 4 * GIB), host("d", 1 * GIB));
    // Leftovers: a 6, b 1, c 2; d does not fit.
    assertEquals(Optional.of(1), PlacementPolicy.BEST_FIT.choose(pv("g", 2 * GIB), hosts));
    // 3.5 GiB: only a (4.5 left) and c (0.5 left) fit.
    assertEquals(Optional.of(2), PlacementPolicy.BEST_FIT.choose(pv("g", 3 * GIB + 512 * MIB), hosts));
  }

  @Test
  void bestFitPrefersAnExactFit() {
    List<HostView> hosts = List.of(host("a", 8 * GIB), host("b", 2 * GIB), host("c", 2 * GIB + 1));
    assertEquals(Optional.of(1), PlacementPolicy.BEST_FIT.choose(pv("g", 2 * GIB), hosts));
  }

  // ---- worst-fit ----

  @Test
  void worstFitPicksTheHostLeftWithTheMostFreeMemory() {
    List<HostView> hosts = List.of(host("a", 3 * GIB), host("b", 8 * GIB), host("c", 4 * GIB), host("d", 1 * GIB));
    assertEquals(Optional.of(1), PlacementPolicy.WORST_FIT.choose(pv("g", 2 * GIB), hosts));
    assertEquals(Optional.of(1), PlacementPolicy.WORST_FIT.choose(pv("g", 512 * MIB), hosts));
  }

  @Test
  void worstFitSkipsTheRoomiestWhenTheGuestCannotUseIt() {
    List<HostView> hosts = List.of(host("a", 3 * GIB), host("legacy", 64 * GIB, false), host("c", 4 * GIB));
    assertEquals(Optional.of(2), PlacementPolicy.WORST_FIT.choose(hvm("g", 2 * GIB), hosts));
    assertEquals(Optional.of(1), PlacementPolicy.WORST_FIT.choose(pv("g", 2 * GIB), hosts));
  }

  // ---- ties ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void tiesGoToTheEarlierHost(String name, PlacementPolicy policy) {
    List<HostView> hosts = List.of(host("small", 1 * GIB), host("x", 4 * GIB), host("y", 4 * GIB), host("z", 4 * GIB));
    assertEquals(Optional.of(1), policy.choose(pv("g", 2 * GIB), hosts), name);
  }

  @Test
  void tiesInLeftoverGoToTheEarlierHostEvenWhenLaterHostsAreBetterForTheOtherPolicy() {
    List<HostView> hosts = List.of(host("a", 5 * GIB), host("b", 3 * GIB), host("c", 5 * GIB), host("d", 3 * GIB));
    assertEquals(Optional.of(1), PlacementPolicy.BEST_FIT.choose(pv("g", 2 * GIB), hosts));
    assertEquals(Optional.of(0), PlacementPolicy.WORST_FIT.choose(pv("g", 2 * GIB), hosts));
  }

  // ---- HVM ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void hvmGuestNeverLandsOnAHostWithoutHvmSupport(String name, PlacementPolicy policy) {
    // Every policy would choose a non-HVM host for a PV guest here: the first, the tightest and the roomiest.
    List<HostView> hosts = List.of(
        host("legacy-tight", 2 * GIB, false),
        host("hvm-mid", 6 * GIB, true),
        host("legacy-roomy", 64 * GIB, false),
        host("hvm-big", 10 * GIB, true));
    GuestSpec guest = hvm("g", 2 * GIB);
    Optional<Integer> choice = policy.choose(guest, hosts);
    assertEquals(true, choice.isPresent(), name);
    assertEquals(true, hosts.get(choice.get()).hvmSupport(), name + " chose " + hosts.get(choice.get()));
    int expected = switch (name) {
      case "first-fit", "best-fit" -> 1;
      default -> 3;
    };
    assertEquals(Optional.of(expected), choice, name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void hvmGuestWithNoHvmHostGetsNothing(String name, PlacementPolicy policy) {
    List<HostView> hosts = List.of(host("a", 64 * GIB, false), host("b", 64 * GIB, false));
    assertEquals(Optional.empty(), policy.choose(hvm("g", 1 * GIB), hosts), name);
    assertEquals(Optional.of(0), policy.choose(pv("g", 1 * GIB), hosts), name);
  }

  // ---- nothing fits ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void nothingFitsGivesEmpty(String name, PlacementPolicy policy) {
    List<HostView> hosts = List.of(host("a", 1 * GIB), host("b", 2 * GIB), host("c", 3 * GIB));
    assertEquals(Optional.empty(), policy.choose(pv("g", 3 * GIB + 1), hosts), name);
    assertEquals(Optional.empty(), policy.choose(pv("g", 1 * GIB), List.of()), name + " over no hosts");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void theDomainOverheadCountsAgainstFreeMemory(String name, PlacementPolicy policy) {
    // Host a has exactly the guest's memory but not its per-domain overhead; b has both, exactly.
    List<HostView> hosts = List.of(host("a", 2 * GIB, true, OVERHEAD), host("b", 2 * GIB + OVERHEAD, true, OVERHEAD));
    assertEquals(Optional.of(1), policy.choose(pv("g", 2 * GIB), hosts), name);
    assertEquals(Optional.empty(), policy.choose(pv("g", 2 * GIB + 1), hosts), name);
  }

  @ParameterizedTest
  @EnumSource(GuestType.class)
  void aGuestFitsExactlyIntoItsFootprint(GuestType type) {
    HostView h = host("a", 4 * GIB + OVERHEAD, true, OVERHEAD);
    GuestSpec g = Guests.guest("g", type, 4 * GIB);
    assertEquals(4 * GIB + OVERHEAD, h.footprint(g));
    assertEquals(true, h.fits(g));
    assertEquals(false, h.withFree(h.freeMemoryBytes() - 1).fits(g));
  }

  @Test
  void theBuiltInsAreFoundByServiceLoaderUnderTheirConfigNames() {
    io.domsim.config.plugin.Registry<PlacementPolicyPlugin> registry = io.domsim.config.plugin.Registry.load(
        io.domsim.config.plugin.PluginKind.PLACEMENT, PlacementPolicyPlugin.class);
    assertEquals(java.util.List.of("best-fit", "first-fit", "worst-fit"), java.util.List.copyOf(registry.names()));
    com.typesafe.config.Config none = com.typesafe.config.ConfigFactory.empty();
    assertSame(PlacementPolicy.FIRST_FIT, registry.get("first-fit").create(none));
    assertSame(PlacementPolicy.BEST_FIT, registry.get("best-fit").create(none));
    assertSame(PlacementPolicy.WORST_FIT, registry.get("worst-fit").create(none));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void choosingDoesNotChangeTheView(String name, PlacementPolicy policy) {
    List<HostView> hosts = List.of(host("a", 4 * GIB), host("b", 8 * GIB));
    List<HostView> before = List.copyOf(hosts);
    Optional<Integer> first = policy.choose(pv("g", 2 * GIB), hosts);
    assertEquals(first, policy.choose(pv("g", 2 * GIB), hosts), "same view, same answer");
    assertEquals(before, hosts);
  }
}
