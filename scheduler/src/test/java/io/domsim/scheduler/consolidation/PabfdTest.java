package io.domsim.scheduler.consolidation;

import static io.domsim.scheduler.consolidation.Views.GIB;
import static io.domsim.scheduler.consolidation.Views.dc;
import static io.domsim.scheduler.consolidation.Views.guest;
import static io.domsim.scheduler.consolidation.Views.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** PABFD on small data centres (hosts of 2,000 MHz; linear power curves, so increases are easy to follow). */
class PabfdTest {
  private static final OverloadDetector THR = OverloadDetectors.threshold(0.8);
  private static final PowerCurve STEEP = PowerCurve.linear(100, 200); // 100 W per unit of utilisation
  private static final PowerCurve FLAT = PowerCurve.linear(100, 150); // 50 W per unit

  /** Detaches the named guests, places them off their own hosts, and returns "guest->host" in placement order. */
  private static List<String> place(DataCentre view, boolean mayPowerOn, String... names) {
    Allocation a = new Allocation(view, THR);
    List<Integer> guests = new ArrayList<>();
    Set<Integer> sources = new TreeSet<>();
    for (String name : names) {
      int g = indexOf(view, name);
      sources.add(a.hostOf(g));
      a.detach(g);
      guests.add(g);
    }
    guests.sort(null);
    List<String> out = new ArrayList<>();
    for (int g : new Pabfd().place(new ConsolidationPlacement.Request(guests, h -> !sources.contains(h), mayPowerOn,
        false), a)) {
      out.add(view.guests().get(g).name() + "->" + a.host(a.hostOf(g)).name() + (a.poweredOnThisStep(a.hostOf(g))
          ? " (powered on)" : ""));
    }
    return out;
  }

  private static int indexOf(DataCentre view, String name) {
    for (int i = 0; i < view.guests().size(); i++) {
      if (view.guests().get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  @Test
  void theHostWhosePowerRisesLeast() {
    // 400 MHz is 0.2 of a host: 20 W more on the steep host, 10 W on the flat one.
    DataCentre view = dc(List.of(host("src"), host("steep").curve(STEEP), host("flat").curve(FLAT)),
        guest("g", "src", GIB, 400), guest("s", "steep", GIB, 500), guest("f", "flat", GIB, 500));
    assertEquals(List.of("g->flat"), place(view, false, "g"));
  }

  @Test
  void notAHostTheDetectorWouldThenCallOverloaded() {
    // The flat host at 1,300 MHz would reach 1,700 / 2,000 = 0.85 > 0.8: the steep one (0.45) takes it.
    DataCentre view = dc(List.of(host("src"), host("steep").curve(STEEP), host("flat").curve(FLAT)),
        guest("g", "src", GIB, 400), guest("s", "steep", GIB, 500), guest("f", "flat", GIB, 1300));
    assertEquals(List.of("g->steep"), place(view, false, "g"));
    // At exactly 0.8 it is not overloaded (THR is strictly above): 1,200 + 400 = 1,600.
    DataCentre edge = dc(List.of(host("src"), host("steep").curve(STEEP), host("flat").curve(FLAT)),
        guest("g", "src", GIB, 400), guest("s", "steep", GIB, 500), guest("f", "flat", GIB, 1200));
    assertEquals(List.of("g->flat"), place(edge, false, "g"));
  }

  @Test
  void notAHostWithoutTheMemoryOrTheHvmSupport() {
    DataCentre view = dc(List.of(host("src"), host("steep").curve(STEEP), host("flat").curve(FLAT).free(GIB - 1)),
        guest("g", "src", GIB, 400), guest("s", "steep", GIB, 500), guest("f", "flat", GIB, 500));
    assertEquals(List.of("g->steep"), place(view, false, "g"));
  }

  @Test
  void largestDemandFirst() {
    // cheap holds 200 MHz. Decreasing: big (1,000) -> cheap (0.6); small (600) -> cheap would be 0.9, so dear.
    // In increasing order small would have taken cheap (0.4) and big would not have fitted there (0.9).
    DataCentre view = dc(List.of(host("src"), host("cheap").curve(FLAT), host("dear").curve(STEEP)),
        guest("small", "src", GIB, 600), guest("big", "src", GIB, 1000),
        guest("c", "cheap", GIB, 200), guest("d", "dear", GIB, 100));
    assertEquals(List.of("big->cheap", "small->dear"), place(view, false, "small", "big"));
  }

  @Test
  void tiesGoToTheEarlierHostInConfigurationOrder() {
    DataCentre ab = dc(List.of(host("src"), host("a"), host("b")),
        guest("g", "src", GIB, 400), guest("x", "a", GIB, 500), guest("y", "b", GIB, 500));
    assertEquals(List.of("g->a"), place(ab, false, "g"));
    DataCentre ba = dc(List.of(host("src"), host("b"), host("a")),
        guest("g", "src", GIB, 400), guest("x", "a", GIB, 500), guest("y", "b", GIB, 500));
    assertEquals(List.of("g->b"), place(ba, false, "g"));
  }

  @Test
  void anOffHostOnlyWhenAllowedAndNothingElseFits() {
    DataCentre view = dc(List.of(host("src"), host("full").free(0), host("off").power(DataCentre.Power.OFF),
            host("broken").power(DataCentre.Power.UNAVAILABLE)),
        guest("g", "src", GIB, 400), guest("f", "full", GIB, 100));
    assertEquals(List.of(), place(view, false, "g"));
    assertEquals(List.of("g->off (powered on)"), place(view, true, "g"));
  }

  @Test
  void whenAnOffHostIsPoweredOnTheNextGuestsMayFollowIt() {
    DataCentre view = dc(List.of(host("src"), host("off1").power(DataCentre.Power.OFF),
            host("off2").power(DataCentre.Power.OFF)),
        guest("g1", "src", GIB, 600), guest("g2", "src", GIB, 500));
    assertEquals(List.of("g1->off1 (powered on)", "g2->off1 (powered on)"), place(view, true, "g1", "g2"));
  }

  @Test
  void allOrNothingStopsAtTheFirstGuestThatFitsNowhere() {
    // big (1,500) fits nowhere (b would reach 0.95); small (300) would fit b. Largest first, so all-or-nothing
    // places nothing, while the ordinary request places small.
    DataCentre view = dc(List.of(host("src"), host("b")),
        guest("small", "src", GIB, 300), guest("big", "src", GIB, 1500), guest("x", "b", GIB, 400));
    Allocation a = new Allocation(view, THR);
    a.detach(0);
    a.detach(1);
    assertEquals(List.of(), new Pabfd().place(new ConsolidationPlacement.Request(List.of(0, 1), h -> h == 1, false,
        true), a));
    assertEquals(List.of("small->b"), place(view, false, "small", "big"));
  }

  @Test
  void anIdleHostIsNotAskedWhetherTheGuestWouldOverloadIt() {
    // 1,700 MHz alone is 0.85 > 0.8, yet an empty host is the best it can get.
    DataCentre view = dc(List.of(host("src"), host("idle")), guest("g", "src", GIB, 1700), guest("h", "src", GIB, 10));
    assertEquals(List.of("g->idle"), place(view, false, "g"));
  }

  @Test
  void anOverloadingRegressionDetectorIsAskedOnlyForAWinningHost() {
    // Counting the detector's calls: hosts in order of falling power increase, so each one wins in turn.
    List<Views.H> hosts = new ArrayList<>();
    hosts.add(host("src"));
    List<DataCentre.Guest> guests = new ArrayList<>();
    guests.add(guest("g", "src", GIB, 100));
    for (int i = 0; i < 5; i++) {
      hosts.add(host("h" + i).curve(PowerCurve.linear(100, 200 - 10 * i)));
      guests.add(guest("r" + i, "h" + i, GIB, 100));
    }
    int[] calls = {0};
    OverloadDetector counting = load -> {
      calls[0]++;
      return false;
    };
    DataCentre view = new DataCentre(hosts.stream().map(Views.H::build).toList(), guests, 300);
    Allocation a = new Allocation(view, counting);
    a.detach(0);
    List<Integer> placed = new Pabfd().place(new ConsolidationPlacement.Request(List.of(0), h -> h != 0, false, false), a);
    assertEquals(List.of(0), placed);
    assertEquals("h4", a.host(a.hostOf(0)).name());
    assertEquals(5, calls[0]);
    // Reversed, the first host wins at once and the others cannot beat it: one call.
    calls[0] = 0;
    List<Views.H> reversed = new ArrayList<>(hosts.subList(1, hosts.size()));
    java.util.Collections.reverse(reversed);
    reversed.add(0, hosts.get(0));
    Allocation b = new Allocation(new DataCentre(reversed.stream().map(Views.H::build).toList(), guests, 300),
        counting);
    b.detach(0);
    new Pabfd().place(new ConsolidationPlacement.Request(List.of(0), h -> h != 0, false, false), b);
    assertEquals(1, calls[0]);
    assertTrue(b.host(b.hostOf(0)).name().equals("h4"));
    assertFalse(b.poweredOnThisStep(b.hostOf(0)));
  }
}
