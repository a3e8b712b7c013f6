package io.domsim.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.ScenarioAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class VariationsTest {
  static final Set<FaultKind> MAIN = EnumSet.of(FaultKind.CRASH, FaultKind.PARTITION, FaultKind.DEGRADE);

  @Test
  void aSeedGivesOneVariationAndOtherSeedsOthers() {
    ChaosBase base = ChaosFixtures.base();
    assertEquals(Variations.generate(base, MAIN, 42), Variations.generate(base, MAIN, 42));
    assertNotEquals(Variations.generate(base, MAIN, 42).scenario(), Variations.generate(base, MAIN, 43).scenario());
  }

  @Test
  void runZeroHasTheSessionSeedSoThatAReproducerRerunsIt() {
    long[] seeds = Variations.runSeeds(9, 50);
    assertEquals(9, seeds[0]);
    assertEquals(List.of(seeds[0], seeds[1], seeds[2]), List.of(Variations.runSeeds(9, 3)[0],
        Variations.runSeeds(9, 3)[1], Variations.runSeeds(9, 3)[2]), "a longer session starts with the same runs");
    SortedSet<Long> distinct = new TreeSet<>();
    for (long s : seeds) {
      assertTrue(s >= 0, "a run's seed reads as one word on the command line: " + s);
      distinct.add(s);
    }
    assertEquals(50, distinct.size());
    assertEquals(-5, Variations.runSeeds(-5, 1)[0], "the session's own seed is kept as given");
  }

  @Test
  void leavingAKindOutLeavesTheMigrationsAndTheOtherKindsAsTheyWere() {
    ChaosBase base = ChaosFixtures.base();
    for (long seed = 1; seed <= 50; seed++) {
      List<String> all = Variations.generate(base, MAIN, seed).scenario();
      List<String> noPartition = Variations.generate(base, EnumSet.of(FaultKind.CRASH, FaultKind.DEGRADE), seed)
          .scenario();
      assertEquals(all.stream().filter(e -> !e.contains("action = partition")).toList(), noPartition);
    }
  }

  /**
   * Every variation is a valid configuration (the loader refuses overlapping faults on a node, names that do
   * not exist, latencies below the cluster's), keeps a majority of the nodes up, stays inside the run, and
   * over many seeds asks for every algorithm and stop rule, for PV and HVM guests, and injects every kind.
   */
  @Test
  void everyVariationLoadsStaysInBoundsAndTogetherTheyCoverEverything() throws Exception {
    ChaosBase base = ChaosFixtures.base();
    ChaosRunner.Loader loader = ChaosFixtures.loader(List.of());
    SortedSet<String> algorithms = new TreeSet<>();
    SortedSet<String> stopRules = new TreeSet<>();
    Set<GuestType> types = EnumSet.noneOf(GuestType.class);
    Map<FaultKind, Integer> kinds = new TreeMap<>();
    for (long seed : Variations.runSeeds(1, 300)) {
      Variation v = Variations.generate(base, MAIN, seed);
      ClusterSpec spec = loader.load(v.overrides());
      assertEquals(seed, spec.simulation().seed());
      Duration end = spec.simulation().duration();
      List<String> crashed = new ArrayList<>();
      int migrations = 0;
      Map<String, GuestType> created = new TreeMap<>();
      for (ScenarioAction a : spec.scenario()) {
        assertTrue(a.at().compareTo(Duration.ZERO) > 0 && a.at().compareTo(end) < 0, a.toString());
        if (a instanceof ScenarioAction.Create c) {
          created.put(c.guest().name(), c.guest().type());
        } else if (a instanceof ScenarioAction.Migrate m) {
          migrations++;
          algorithms.add(m.algorithm().orElseThrow());
          stopRules.add(m.policy().orElseThrow());
          types.add(spec.guest(m.guest()).map(GuestSpec::type).orElseGet(() -> created.get(m.guest())));
        } else if (a instanceof ScenarioAction.Fail f) {
          crashed.add(f.node());
        }
      }
      assertEquals(v.migrations(), migrations);
      assertEquals(v.faultCount(FaultKind.CRASH), crashed.size());
      assertEquals(crashed.size(), new TreeSet<>(crashed).size(), "a node crashes at most once: " + crashed);
      assertTrue(crashed.size() <= (spec.nodes().size() - 1) / 2, "a majority stays up: " + crashed);
      assertEquals(EnumSet.allOf(GuestType.class), EnumSet.copyOf(created.values()),
          "a guest of every type is created (chaos.conf's nodes run them all)");
      assertEquals(v.faultCount(FaultKind.PARTITION) + v.faultCount(FaultKind.DEGRADE) + crashed.size() + migrations
          + created.size(), spec.scenario().size());
      v.faults().forEach((k, n) -> kinds.merge(k, n, Integer::sum));
    }
    assertEquals(new TreeSet<>(base.algorithms()), algorithms);
    assertEquals(new TreeSet<>(base.stopRules()), stopRules);
    // The base cluster has PV and HVM guests (examples/chaos.conf); the variations migrate all four types.
    Set<GuestType> present = EnumSet.noneOf(GuestType.class);
    loader.load(Variations.generate(base, MAIN, 1).overrides()).guests().forEach(g -> present.add(g.type()));
    assertEquals(EnumSet.of(GuestType.PV, GuestType.HVM), present);
    assertEquals(EnumSet.allOf(GuestType.class), types);
    assertEquals(MAIN, kinds.keySet());
  }

  /**
   * Message faults and recovery, drawn for a build that declares them: the loss rate (and the duplicate
   * rate and reordering when declared, by their type), once a run when drawn; a recovery only of a node that
   * crashed, after its crash.
   */
  @Test
  void lossAndRecoverFollowWhatTheBuildDeclares() {
    ChaosBase plain = ChaosFixtures.base();
    ChaosBase declaring = new ChaosBase(plain.nodes(), plain.guests(), plain.durationMillis(), plain.latencyNanos(),
        plain.timeoutMillis(), plain.algorithms(), plain.stopRules(),
        ConfigFactory.parseString("network.faults { loss = 0, duplicate = 0, reorder = false }")
            .withFallback(plain.settings()), plain.pinnedTo(), plain.hvmGuests(), plain.hvmNodes(), plain.typeOneNodes());
    int withLoss = 0;
    int recovered = 0;
    for (long seed = 1; seed <= 200; seed++) {
      Variation v = Variations.generate(declaring, EnumSet.of(FaultKind.CRASH, FaultKind.LOSS, FaultKind.RECOVER), seed);
      if (v.faultCount(FaultKind.LOSS) > 0) {
        withLoss++;
        assertEquals(1, v.faultCount(FaultKind.LOSS));
        assertEquals(Set.of("network.faults.loss", "network.faults.duplicate", "network.faults.reorder"),
            v.settings().keySet());
        assertTrue(Set.of("true", "false").contains(v.settings().get("network.faults.reorder")));
        double loss = Double.parseDouble(v.settings().get("network.faults.loss"));
        assertTrue(loss > 0 && loss < 0.1, "a rate: " + loss);
        assertTrue(v.overrides().contains("network.faults.loss=" + v.settings().get("network.faults.loss")));
      } else {
        assertEquals(Map.of(), v.settings());
      }
      Map<String, Long> crashes = new TreeMap<>();
      for (String e : v.scenario()) {
        long at = Long.parseLong(e.substring(e.indexOf("at = ") + 5, e.indexOf("ms")));
        String node = e.substring(e.indexOf("node = ") + 7, e.lastIndexOf(" }"));
        if (e.contains("action = fail")) {
          crashes.put(node, at);
        } else if (e.contains("action = recover")) {
          recovered++;
          assertTrue(crashes.containsKey(node) && crashes.get(node) < at, "recovers a crashed node: " + v.scenario());
        }
      }
    }
    assertTrue(withLoss > 50 && withLoss < 150, "loss in about half the runs: " + withLoss);
    assertTrue(recovered > 20, "recoveries: " + recovered);
  }
}
