package io.domsim.scheduler.consolidation;

import static io.domsim.scheduler.consolidation.Views.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every detector with every selection, both options on and off, on random data centres: what the pool
 * master relies on holds, and the same view and seed give the same decisions.
 */
class ConsolidationInvariantsTest {

  private static final List<OverloadDetector> DETECTORS = List.of(OverloadDetectors.threshold(0.8),
      OverloadDetectors.interQuartileRange(1.5), OverloadDetectors.medianAbsoluteDeviation(2.5),
      OverloadDetectors.localRegression(1.2), OverloadDetectors.robustLocalRegression(1.2));
  private static final List<GuestSelection> SELECTIONS = List.of(GuestSelections.MINIMUM_MIGRATION_TIME,
      GuestSelections.MINIMUM_UTILISATION, GuestSelections.RANDOM, GuestSelections.MAXIMUM_CORRELATION);

  /** Hosts of both PlanetLab types, mostly on; guests of the study's four types with random histories. */
  static DataCentre randomView(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int hostCount = 3 + r.nextInt(20);
    List<DataCentre.Host> hosts = new ArrayList<>();
    Map<String, Long> free = new HashMap<>();
    for (int i = 0; i < hostCount; i++) {
      double roll = r.nextDouble();
      DataCentre.Power power = roll < 0.75 ? DataCentre.Power.ON : roll < 0.95 ? DataCentre.Power.OFF
          : DataCentre.Power.UNAVAILABLE;
      boolean g5 = i % 2 == 1;
      PowerCurve curve = g5 ? PowerCurve.table(93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135)
          : PowerCurve.table(86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117);
      hosts.add(new DataCentre.Host("h" + i, 2, g5 ? 2660 : 1860, 4 * GIB, 4 * GIB, 0, true, power, curve, 62.5e6));
      free.put("h" + i, 4 * GIB);
    }
    double[] mips = {2500, 2000, 1000, 500};
    long[] memory = {870L << 20, 1740L << 20, 1740L << 20, 613L << 20};
    List<DataCentre.Guest> guests = new ArrayList<>();
    int guestCount = r.nextInt(3 * hostCount);
    for (int i = 0; i < guestCount; i++) {
      int type = r.nextInt(4);
      DataCentre.Host h = hosts.get(r.nextInt(hostCount));
      String on = h.name();
      if (h.power() == DataCentre.Power.OFF || free.get(on) < memory[type]) {
        continue;
      }
      free.put(on, free.get(on) - memory[type]);
      double[] history = new double[r.nextInt(35)];
      double level = r.nextDouble();
      for (int t = 0; t < history.length; t++) {
        level = Math.max(0, Math.min(1, level + r.nextGaussian() * 0.15));
        history[t] = level * mips[type];
      }
      String to = null;
      if (r.nextDouble() < 0.05) {
        DataCentre.Host d = hosts.get(r.nextInt(hostCount));
        String dest = d.name();
        if (!dest.equals(on) && d.power() == DataCentre.Power.ON && free.get(dest) >= memory[type]) {
          free.put(dest, free.get(dest) - memory[type]);
          to = dest;
        }
      }
      double demand = history.length == 0 ? r.nextDouble() * mips[type] : history[history.length - 1];
      guests.add(new DataCentre.Guest("g" + i, on, memory[type], false, mips[type], demand, history, to));
    }
    List<DataCentre.Host> withFree = new ArrayList<>();
    for (DataCentre.Host h : hosts) {
      withFree.add(new DataCentre.Host(h.name(), h.cores(), h.mhzPerCore(), h.memoryBytes(), free.get(h.name()), 0,
          true, h.power(), h.curve(), h.migrationBytesPerSecond()));
    }
    return new DataCentre(withFree, guests, 300);
  }

  @Test
  void decisionsAreAlwaysSafeToCarryOut() {
    int moves = 0;
    int offs = 0;
    int ons = 0;
    for (long seed = 0; seed < 60; seed++) {
      DataCentre view = randomView(seed);
      for (OverloadDetector d : DETECTORS) {
        for (GuestSelection s : SELECTIONS) {
          for (ConsolidationOptions o : List.of(ConsolidationOptions.OVERLOAD_ONLY, new ConsolidationOptions(true, true))) {
            Decisions decisions = new ConsolidationStep(d, s, new Pabfd(), o).decide(view, new SplittableRandom(seed));
            check(view, o, decisions);
            moves += decisions.moves().size();
            offs += decisions.switchOff().size();
            ons += decisions.powerOn().size();
          }
        }
      }
    }
    // The random data centres exercise every kind of decision.
    assertTrue(moves > 100 && offs > 100 && ons > 10, moves + " moves, " + offs + " off, " + ons + " on");
  }

  private static void check(DataCentre view, ConsolidationOptions options, Decisions decisions) {
    Map<String, DataCentre.Host> hosts = new HashMap<>();
    view.hosts().forEach(h -> hosts.put(h.name(), h));
    Map<String, DataCentre.Guest> guests = new HashMap<>();
    view.guests().forEach(g -> guests.put(g.name(), g));
    Map<String, Long> memoryIn = new HashMap<>();
    Map<String, Double> demand = new HashMap<>();
    for (DataCentre.Guest g : view.guests()) {
      demand.merge(g.host(), g.demandMhz(), Double::sum);
      if (g.migrating()) {
        demand.merge(g.migratingTo(), g.demandMhz(), Double::sum);
      }
    }
    Set<String> moved = new HashSet<>();
    for (Decisions.Move m : decisions.moves()) {
      DataCentre.Guest g = guests.get(m.guest());
      assertFalse(g.migrating(), "a migrating guest is never moved: " + m);
      assertTrue(moved.add(m.guest()), "moved twice: " + m);
      assertEquals(g.host(), m.from());
      assertNotEquals(m.from(), m.to());
      DataCentre.Host to = hosts.get(m.to());
      assertTrue(to.power() == DataCentre.Power.ON || decisions.powerOn().contains(m.to()),
          "never onto a host that is off or unavailable: " + m);
      assertFalse(decisions.switchOff().contains(m.to()), "never onto a host being switched off: " + m);
      assertTrue(m.reason() == Decisions.Reason.OVERLOAD || options.switchOffIdle());
      memoryIn.merge(m.to(), to.footprint(g), Long::sum);
      demand.merge(m.from(), -g.demandMhz(), Double::sum);
      demand.merge(m.to(), g.demandMhz(), Double::sum);
    }
    for (var e : memoryIn.entrySet()) {
      assertTrue(e.getValue() <= hosts.get(e.getKey()).freeMemoryBytes(), "memory exceeded on " + e.getKey());
      assertTrue(demand.get(e.getKey()) <= hosts.get(e.getKey()).capacityMhz() * (1 + 1e-9),
          "CPU beyond capacity on " + e.getKey());
    }
    for (String off : decisions.switchOff()) {
      assertTrue(options.switchOffIdle());
      assertEquals(DataCentre.Power.ON, hosts.get(off).power());
      for (DataCentre.Guest g : view.guests()) {
        assertFalse(off.equals(g.migratingTo()), "a migration lands on " + off);
        assertTrue(!g.host().equals(off) || g.migrating() || moved.contains(g.name()), off + " keeps " + g.name());
      }
    }
    for (String on : decisions.powerOn()) {
      assertTrue(options.powerOnWhenNothingFits());
      assertEquals(DataCentre.Power.OFF, hosts.get(on).power());
      assertTrue(decisions.moves().stream().anyMatch(m -> m.to().equals(on)), "powered on for nothing: " + on);
    }
  }

  @Test
  void theSameViewAndSeedGiveTheSameDecisions() {
    for (long seed = 0; seed < 20; seed++) {
      DataCentre view = randomView(seed);
      for (GuestSelection s : SELECTIONS) {
        ConsolidationStep step = new ConsolidationStep(OverloadDetectors.localRegression(1.2), s, new Pabfd(),
            new ConsolidationOptions(true, true));
        assertEquals(step.decide(view, new SplittableRandom(seed)), step.decide(view, new SplittableRandom(seed)));
      }
    }
  }

  @Test
  void randomSelectionFollowsTheSeed() {
    // Over many views, some step chooses differently under another seed.
    boolean differs = false;
    for (long seed = 0; seed < 40 && !differs; seed++) {
      DataCentre view = randomView(seed);
      ConsolidationStep step = new ConsolidationStep(OverloadDetectors.threshold(0.5), GuestSelections.RANDOM,
          new Pabfd(), ConsolidationOptions.OVERLOAD_ONLY);
      differs = !step.decide(view, new SplittableRandom(1)).equals(step.decide(view, new SplittableRandom(2)));
    }
    assertTrue(differs);
  }
}
