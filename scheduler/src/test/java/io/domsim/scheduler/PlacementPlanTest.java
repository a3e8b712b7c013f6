package io.domsim.scheduler;

import static io.domsim.scheduler.Guests.GIB;
import static io.domsim.scheduler.Guests.MIB;
import static io.domsim.scheduler.Guests.OVERHEAD;
import static io.domsim.scheduler.Guests.host;
import static io.domsim.scheduler.Guests.hvm;
import static io.domsim.scheduler.Guests.pv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The pool master's debiting view. */
class PlacementPlanTest {

  private static long free(PlacementPlan plan, String node) {
    return plan.view().stream().filter(h -> h.node().equals(node)).findFirst().orElseThrow().freeMemoryBytes();
  }

  private static String placed(Optional<HostView> h) {
    return h.map(HostView::node).orElse("-");
  }

  @Test
  void successivePlacementsDebitTheViewUntilTheHostIsFull() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT,
        List.of(host("a", 5 * GIB, true, OVERHEAD), host("b", 3 * GIB, true, OVERHEAD)));
    GuestSpec g = pv("g", 2 * GIB);
    long fp = 2 * GIB + OVERHEAD;

    assertEquals("a", placed(plan.place(g, Set.of())));
    assertEquals(5 * GIB - fp, free(plan, "a"));
    assertEquals(3 * GIB, free(plan, "b"));

    assertEquals("a", placed(plan.place(g, Set.of())));
    assertEquals(5 * GIB - 2 * fp, free(plan, "a"));

    // a has 1 GiB - 40 kB left: full for this guest; first-fit moves on to b.
    assertEquals("b", placed(plan.place(g, Set.of())));
    assertEquals(3 * GIB - fp, free(plan, "b"));

    assertEquals(Optional.empty(), plan.place(g, Set.of()), "both hosts are full");
    assertEquals(5 * GIB - 2 * fp, free(plan, "a"), "a failed placement debits nothing");
    assertEquals(3 * GIB - fp, free(plan, "b"));

    // A small guest still fits into what is left.
    assertEquals("a", placed(plan.place(pv("tiny", 512 * MIB), Set.of())));
  }

  private static GuestSpec busy(String name, int vcpus, double cpu) {
    return new GuestSpec(name, GuestType.PV, vcpus, GIB, 256, Optional.empty(),
        new io.domsim.config.WorkloadSpec(cpu, 0, 0, 0, 0, java.time.Duration.ofSeconds(30)));
  }

  private static double demand(PlacementPlan plan, String node) {
    return plan.view().stream().filter(h -> h.node().equals(node)).findFirst().orElseThrow().cpuDemandCores();
  }

  @Test
  void placementsAndPinnedDebitsAddTheGuestsCpuDemandToTheView() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of(host("a", 8 * GIB), host("b", 8 * GIB)));
    plan.place(busy("web", 4, 0.5), Set.of());
    assertEquals(2.0, demand(plan, "a"), "cpu x vcpus");
    plan.debit("b", busy("db", 2, 0.75));
    assertEquals(1.5, demand(plan, "b"));
    plan.place(busy("batch", 1, 1.0), Set.of("a"));
    assertEquals(2.5, demand(plan, "b"));
    plan.update("b", GIB);
    assertEquals(2.5, demand(plan, "b"), "a host's memory report leaves the demand as it was");
    assertEquals(16 - 2.0, plan.view().get(0).idleCores());
  }

  @Test
  void aPolicyCanChooseByCpuLoad() {
    // The least loaded host by demand per core: a load-aware policy written against the view alone.
    PlacementPolicy leastLoaded = (guest, hosts) -> {
      int best = -1;
      for (int i = 0; i < hosts.size(); i++) {
        HostView h = hosts.get(i);
        if (h.fits(guest) && (best < 0
            || h.cpuDemandCores() / h.cores() < hosts.get(best).cpuDemandCores() / hosts.get(best).cores())) {
          best = i;
        }
      }
      return best < 0 ? Optional.empty() : Optional.of(best);
    };
    PlacementPlan plan = new PlacementPlan(leastLoaded,
        List.of(Guests.host("small", 4, 64 * GIB, true, 0), Guests.host("big", 16, 64 * GIB, true, 0)));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      got.add(placed(plan.place(busy("g" + i, 2, 1.0), Set.of())));
    }
    // small: 0, 2/4; big: 0, 2/16, 4/16, 6/16, 8/16 (ties to the earlier host).
    assertEquals(List.of("small", "big", "big", "big", "big"), got);
    assertEquals(2.0, demand(plan, "small"));
    assertEquals(8.0, demand(plan, "big"));
  }

  @Test
  void theDemandOfSeveralGuestsDoesNotDependOnTheirOrder() {
    List<GuestSpec> guests = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      guests.add(busy("g" + i, 1 + i % 7, 0.1 + 0.013 * i));
    }
    double sum = HostView.demandOf(guests, 2.0);
    java.util.Collections.reverse(guests);
    assertEquals(sum, HostView.demandOf(guests, 2.0), 0.0);
    java.util.Collections.shuffle(guests, new java.util.Random(7));
    assertEquals(sum, HostView.demandOf(guests, 2.0), 0.0);
  }

  @Test
  void placeReturnsTheHostAsItWasBeforeTheDebit() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of(host("a", 5 * GIB)));
    HostView chosen = plan.place(pv("g", 2 * GIB), Set.of()).orElseThrow();
    assertEquals(5 * GIB, chosen.freeMemoryBytes());
    assertEquals(3 * GIB, free(plan, "a"));
  }

  @Test
  void bestFitFillsTheTightestHostFirstThenMovesOn() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.BEST_FIT,
        List.of(host("a", 8 * GIB), host("b", 4 * GIB), host("c", 6 * GIB)));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      got.add(placed(plan.place(pv("g" + i, 2 * GIB), Set.of())));
    }
    assertEquals(List.of("b", "b", "c", "c", "c", "a", "a", "a", "a"), got);
    assertEquals(Optional.empty(), plan.place(pv("g9", 2 * GIB), Set.of()));
  }

  @Test
  void worstFitSpreadsGuests() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.WORST_FIT,
        List.of(host("a", 8 * GIB), host("b", 8 * GIB), host("c", 8 * GIB)));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      got.add(placed(plan.place(pv("g" + i, 1 * GIB), Set.of())));
    }
    assertEquals(List.of("a", "b", "c", "a", "b", "c"), got);
  }

  @Test
  void excludedHostsAreSkippedAndTheRightHostIsDebited() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.BEST_FIT,
        List.of(host("a", 8 * GIB), host("b", 3 * GIB), host("c", 4 * GIB)));
    // Without b, best-fit's choice is c (index 2 of the view, index 1 of the candidates).
    assertEquals("c", placed(plan.place(pv("g", 2 * GIB), Set.of("b"))));
    assertEquals(8 * GIB, free(plan, "a"));
    assertEquals(3 * GIB, free(plan, "b"));
    assertEquals(2 * GIB, free(plan, "c"));

    assertEquals("a", placed(plan.place(pv("g2", 2 * GIB), Set.of("b", "c"))));
    assertEquals(6 * GIB, free(plan, "a"));

    assertEquals(Optional.empty(), plan.place(pv("g3", 1 * GIB), Set.of("a", "b", "c")));
    assertEquals(List.of(6 * GIB, 3 * GIB, 2 * GIB), plan.view().stream().map(HostView::freeMemoryBytes).toList());
    assertEquals(List.of(0.5, 0.0, 0.5), plan.view().stream().map(HostView::cpuDemandCores).toList(),
        "the failed placement added no demand either");
  }

  @Test
  void excludingAnUnknownNodeChangesNothing() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of(host("a", 4 * GIB), host("b", 4 * GIB)));
    assertEquals("a", placed(plan.place(pv("g", 1 * GIB), Set.of("nope"))));
  }

  @Test
  void debitChargesAPinnedGuestToItsHost() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT,
        List.of(host("a", 4 * GIB, true, OVERHEAD), host("b", 8 * GIB, true, OVERHEAD)));
    plan.debit("a", pv("pinned", 3 * GIB));
    assertEquals(4 * GIB - 3 * GIB - OVERHEAD, free(plan, "a"));
    assertEquals(8 * GIB, free(plan, "b"));
    // The next decision sees the pinned guest: a no longer fits 2 GiB.
    assertEquals("b", placed(plan.place(pv("g", 2 * GIB), Set.of())));
    // Debiting an unknown node is ignored.
    plan.debit("nope", pv("x", 1 * GIB));
    assertEquals(2, plan.view().size());
  }

  @Test
  void updateReplacesTheViewOfOneHost() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of(host("a", 16 * GIB), host("b", 8 * GIB)));
    plan.update("a", 1 * GIB);
    assertEquals(1 * GIB, free(plan, "a"));
    assertEquals("b", placed(plan.place(pv("g", 2 * GIB), Set.of())));
  }

  @Test
  void theViewIsACopy() {
    List<HostView> hosts = new ArrayList<>(List.of(host("a", 4 * GIB)));
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, hosts);
    hosts.set(0, host("a", 0));
    assertEquals(4 * GIB, free(plan, "a"), "the plan copies the hosts it is given");
    assertThrows(UnsupportedOperationException.class, () -> plan.view().clear());
    plan.place(pv("g", 1 * GIB), Set.of());
    assertEquals(0, hosts.get(0).freeMemoryBytes(), "the caller's list is never debited");
  }

  // ---- why no fit ----

  @Test
  void whyNoFitNamesTheRoomiestHostAndItsFreeMemory() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.BEST_FIT,
        List.of(host("a", 1 * GIB, true, OVERHEAD), host("b", 3 * GIB, true, OVERHEAD),
            host("c", 2 * GIB, true, OVERHEAD)));
    GuestSpec big = pv("big-1", 4 * GIB);
    assertEquals(Optional.empty(), plan.place(big, Set.of()));
    String why = plan.whyNoFit(big);
    assertTrue(why.contains("big-1"), why);
    assertTrue(why.contains("3072 MiB on b"), why);
    assertTrue(why.contains("4096 MiB needed"), why);
    assertFalse(why.contains(" on a"), why);
    assertFalse(why.contains(" on c"), why);
  }

  @Test
  void whyNoFitReflectsDebits() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of(host("a", 4 * GIB), host("b", 3 * GIB)));
    plan.place(pv("g", 3 * GIB), Set.of()); // a: 1 GiB left, b: 3 GiB
    String why = plan.whyNoFit(pv("big", 5 * GIB));
    assertTrue(why.contains("3072 MiB on b"), why);
  }

  @Test
  void whyNoFitOnEqualFreeMemoryNamesTheEarlierHost() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of(host("x", 2 * GIB), host("y", 2 * GIB)));
    String why = plan.whyNoFit(pv("big", 5 * GIB));
    assertTrue(why.contains("2048 MiB on x"), why);
  }

  @Test
  void whyNoFitSaysNoNodeCanHostHvmWhenNoHostHasHvmSupport() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.WORST_FIT,
        List.of(host("legacy-1", 64 * GIB, false), host("legacy-2", 64 * GIB, false)));
    GuestSpec g = hvm("win-1", 1 * GIB);
    assertEquals(Optional.empty(), plan.place(g, Set.of()));
    String why = plan.whyNoFit(g);
    assertTrue(why.contains("no node can host HVM"), why);
    assertTrue(why.contains("win-1"), why);
    assertTrue(why.contains("hvm-support"), why);
  }

  @Test
  void whyNoFitForHvmOnlyConsidersHvmHosts() {
    PlacementPlan plan = new PlacementPlan(PlacementPolicy.WORST_FIT,
        List.of(host("legacy", 64 * GIB, false), host("vt", 2 * GIB, true)));
    String why = plan.whyNoFit(hvm("win-1", 4 * GIB));
    assertTrue(why.contains("2048 MiB on vt"), why);
    assertFalse(why.contains("legacy"), why);
    assertFalse(why.contains("no node can host HVM"), why);
  }

  @Test
    void whyNoFitForAPvGuestOverNoHostsDoesNotTalkAboutHvm() {
    String why = new PlacementPlan(PlacementPolicy.FIRST_FIT, List.of()).whyNoFit(pv("web-1", 1 * GIB));
    assertTrue(why.contains("web-1"), why);
    assertFalse(why.contains("HVM"), why);
  }

  // ---- property: free memory never goes negative ----

  private static final long[] SIZES = {64 * MIB, 256 * MIB, 512 * MIB, 1 * GIB, 2 * GIB, 3 * GIB, 4 * GIB,
      8 * GIB, 16 * GIB};

  @Test
  void noSequenceOfPlacementsDrivesFreeMemoryNegative() {
    SplittableRandom random = new SplittableRandom(20240611L);
    PlacementPolicy[] policies = {PlacementPolicy.FIRST_FIT, PlacementPolicy.BEST_FIT, PlacementPolicy.WORST_FIT};
    int placedTotal = 0;
    int refusedTotal = 0;
    for (int c = 0; c < 2000; c++) {
      int policyIndex = random.nextInt(3);
      PlacementPolicy policy = policies[policyIndex];
      int n = 1 + random.nextInt(6);
      List<HostView> hosts = new ArrayList<>();
      long overhead = random.nextBoolean() ? 0 : OVERHEAD;
      for (int i = 0; i < n; i++) {
        long free = random.nextLong(0, 33) * 512 * MIB + random.nextLong(0, 2 * OVERHEAD);
        hosts.add(Guests.host("h" + i, 1 + random.nextInt(32), free, random.nextInt(4) != 0, overhead));
      }
      PlacementPlan plan = new PlacementPlan(policy, hosts);
      int steps = 1 + random.nextInt(40);
      for (int s = 0; s < steps; s++) {
        String ctx = "case " + c + " step " + s + " policy " + policyIndex + " view " + plan.view();
        if (random.nextInt(10) == 0) {
          // The host reports its real state (a refusal does this): never negative from a real host.
          int i = random.nextInt(n);
          plan.update("h" + i, random.nextLong(0, 16 * GIB));
          continue;
        }
        GuestSpec g = Guests.guest("g" + s, random.nextInt(3) == 0 ? GuestType.HVM : GuestType.PV,
            SIZES[random.nextInt(SIZES.length)] + random.nextLong(0, MIB));
        Set<String> excluded = new HashSet<>();
        for (int i = 0; i < n; i++) {
          if (random.nextInt(5) == 0) {
            excluded.add("h" + i);
          }
        }
        List<HostView> before = plan.view();
        Optional<HostView> got = plan.place(g, excluded);
        List<HostView> after = plan.view();
        for (HostView h : after) {
          assertTrue(h.freeMemoryBytes() >= 0, ctx + ": " + h + " went negative placing " + g);
        }
        List<HostView> candidates = before.stream().filter(h -> !excluded.contains(h.node())).toList();
        List<HostView> fitting = candidates.stream().filter(h -> h.fits(g)).toList();
        if (got.isEmpty()) {
          refusedTotal++;
          assertEquals(before, after, ctx + ": a failed placement must not change the view");
          assertTrue(fitting.isEmpty(), ctx + ": " + g + " was refused although " + fitting + " fit");
          continue;
        }
        placedTotal++;
        HostView chosen = got.get();
        assertFalse(excluded.contains(chosen.node()), ctx + ": chose excluded " + chosen);
        assertTrue(chosen.fits(g), ctx + ": chose " + chosen + " that does not fit " + g);
        assertTrue(g.type() != GuestType.HVM || chosen.hvmSupport(), ctx + ": HVM guest on " + chosen);
        for (int i = 0; i < n; i++) {
          long expected = before.get(i).node().equals(chosen.node())
              ? before.get(i).freeMemoryBytes() - chosen.footprint(g)
              : before.get(i).freeMemoryBytes();
          assertEquals(expected, after.get(i).freeMemoryBytes(), ctx + ": debit of " + after.get(i).node());
        }
        // The chosen host is the one the policy promises, ties to the earlier host.
        HostView expected = fitting.get(0);
        for (HostView h : fitting) {
          long left = h.freeMemoryBytes() - h.footprint(g);
          long bestLeft = expected.freeMemoryBytes() - expected.footprint(g);
          if ((policy == PlacementPolicy.BEST_FIT && left < bestLeft)
              || (policy == PlacementPolicy.WORST_FIT && left > bestLeft)) {
            expected = h;
          }
        }
        assertEquals(expected, chosen, ctx + ": policy choice for " + g);
      }
    }
    // The generator must exercise both outcomes a lot, or the property says little.
    assertTrue(placedTotal > 5000, "placed " + placedTotal);
    assertTrue(refusedTotal > 2000, "refused " + refusedTotal);
  }
}
