package io.domsim.scheduler.consolidation;

import static io.domsim.scheduler.consolidation.Views.GIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class GuestSelectionsTest {
  private static final SplittableRandom UNUSED = new SplittableRandom(0);

  private static DataCentre.Guest g(String name, long memory, double capacity, double demand, double... history) {
    return DataCentre.Guest.running(name, "h", memory, capacity, demand, history);
  }

  @Test
  void mmtTakesTheGuestWithTheLeastMemoryTheEarlierOnATie() {
    List<DataCentre.Guest> guests = List.of(g("a", 2 * GIB, 1000, 100), g("b", GIB, 1000, 900),
        g("c", GIB, 1000, 10));
    assertEquals(1, GuestSelections.MINIMUM_MIGRATION_TIME.select(guests, UNUSED));
  }

  @Test
  void muTakesTheGuestUsingTheLeastOfItsOwnCapacity() {
    // a: 500 of 1,000 MHz = 0.5; b: 800 of 2,000 = 0.4 (more MHz, less of itself); c: 450 of 1,000 = 0.45.
    List<DataCentre.Guest> guests = List.of(g("a", GIB, 1000, 500), g("b", GIB, 2000, 800), g("c", GIB, 1000, 450));
    assertEquals(1, GuestSelections.MINIMUM_UTILISATION.select(guests, UNUSED));
  }

  @Test
  void rsIsUniformOverTheCandidatesAndFollowsTheSeed() {
    List<DataCentre.Guest> guests = List.of(g("a", GIB, 1000, 1), g("b", GIB, 1000, 1), g("c", GIB, 1000, 1));
    assertEquals(new SplittableRandom(42).nextInt(3), GuestSelections.RANDOM.select(guests, new SplittableRandom(42)));
    TreeSet<Integer> seen = new TreeSet<>();
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 100; i++) {
      seen.add(GuestSelections.RANDOM.select(guests, r));
    }
    assertEquals(new TreeSet<>(List.of(0, 1, 2)), seen);
  }

  @Test
  void mcTakesTheGuestTheOthersExplainBest() {
    // ConsolidationMathTest's histories: R2(A | B, C) = 1/6, R2(B | A, C) = R2(C | A, B) = 1/11. A is last in
    // configuration order and has the most memory, so neither a tie nor MMT could have chosen it.
    List<DataCentre.Guest> guests = List.of(
        g("b", GIB, 1000, 10, 11, 9, 10, 10, 10),
        g("c", GIB, 1000, 10, 10, 10, 11, 9, 10),
        g("a", 2 * GIB, 1000, 6, 12, 10, 12, 10, 6));
    assertEquals(2, GuestSelections.MAXIMUM_CORRELATION.select(guests, UNUSED));
  }

  @Test
  void mcUsesTheMostRecentValuesEveryGuestHas() {
    // The same histories behind older values that would change every R2: they are cut off, since b and c
    // have only five.
    List<DataCentre.Guest> guests = List.of(
        g("b", GIB, 1000, 10, 11, 9, 10, 10, 10),
        g("c", GIB, 1000, 10, 10, 10, 11, 9, 10),
        g("a", 2 * GIB, 1000, 6, 50, 0, 70, 12, 10, 12, 10, 6));
    assertEquals(2, GuestSelections.MAXIMUM_CORRELATION.select(guests, UNUSED));
  }

  @Test
  void mcFallsBackToMmtWhenRSquaredIsNotDetermined() {
    // Three guests with three values: two regressors and an intercept leave no degree of freedom.
    List<DataCentre.Guest> guests = List.of(
        g("a", 2 * GIB, 1000, 1, 1, 2, 3),
        g("b", GIB, 1000, 1, 3, 1, 2),
        g("c", 3 * GIB, 1000, 1, 2, 2, 1));
    assertEquals(1, GuestSelections.MAXIMUM_CORRELATION.select(guests, UNUSED));
    // A lone guest has no others to be explained by.
    assertEquals(0, GuestSelections.MAXIMUM_CORRELATION.select(List.of(g("a", GIB, 1000, 1, 1, 2, 3, 4, 5)), UNUSED));
  }

  @Test
  void mcOnTwoGuestsIsSymmetricSoTheEarlierWins() {
    // With one regressor R2 is the squared correlation, the same both ways.
    List<DataCentre.Guest> guests = List.of(g("a", 2 * GIB, 1000, 1, 1, 2, 3, 5), g("b", GIB, 1000, 1, 2, 2, 4, 4));
    assertEquals(0, GuestSelections.MAXIMUM_CORRELATION.select(guests, UNUSED));
    assertTrue(ConsolidationMath.rSquared(new double[] {1, 2, 3, 5}, new double[][] {{2, 2, 4, 4}}) > 0);
  }
}
