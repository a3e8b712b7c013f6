package io.domsim.scheduler.consolidation;

import static io.domsim.scheduler.consolidation.Decisions.Reason.OVERLOAD;
import static io.domsim.scheduler.consolidation.Decisions.Reason.UNDERLOAD;
import static io.domsim.scheduler.consolidation.Views.GIB;
import static io.domsim.scheduler.consolidation.Views.dc;
import static io.domsim.scheduler.consolidation.Views.guest;
import static io.domsim.scheduler.consolidation.Views.host;
import static io.domsim.scheduler.consolidation.Views.migrating;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.scheduler.consolidation.Decisions.Move;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole steps on small data centres, worked by hand: hosts of 2,000 MHz drawing 100 W idle and 200 W busy
 * (so 1,000 MHz more is 50 W more on any host), THR 0.8, MMT, PABFD.
 */
class ConsolidationStepTest {
  private static final ConsolidationOptions ALL = new ConsolidationOptions(true, false);

  private static Decisions step(DataCentre view, ConsolidationOptions options) {
    return new ConsolidationStep(OverloadDetectors.threshold(0.8), GuestSelections.MINIMUM_MIGRATION_TIME,
        new Pabfd(), options).decide(view, new SplittableRandom(1));
  }

  @Test
  void aGuestLeavesAnOverloadedHostForTheHostWhosePowerRisesLeast() {
    // a: 900 + 800 = 0.85 > 0.8. MMT takes g1 (1 GiB): a is left at 0.4. g1 (45 W more anywhere) ties on b
    // (0.7) and c (0.75): b, the earlier. Then c (0.3) is the only under-load candidate (a overloaded, b
    // receiving); its 600 MHz would take b to 1.0: it stays.
    DataCentre view = dc(List.of(host("a"), host("b"), host("c")),
        guest("g1", "a", GIB, 900), guest("g2", "a", 2 * GIB, 800),
        guest("g3", "b", GIB, 500), guest("g4", "c", GIB, 600));
    assertEquals(new Decisions(List.of(), List.of(new Move("g1", "a", "b", OVERLOAD)), List.of()), step(view, ALL));
  }

  @Test
  void selectionGoesOnUntilTheHostIsNoLongerOverloaded() {
    // a: 100 + 800 + 900 = 0.9. Without g1 (1 GiB): 0.85, still overloaded; without g2 (2 GiB): 0.45.
    // Placed largest first: g2 on b, idle (+40 W; c would reach 0.9); g1 ties b and c (+5 W): b.
    DataCentre view = dc(List.of(host("a"), host("b"), host("c")),
        guest("g1", "a", GIB, 100), guest("g2", "a", 2 * GIB, 800), guest("g3", "a", 3 * GIB, 900),
        guest("g4", "c", GIB, 1000));
    assertEquals(List.of(new Move("g2", "a", "b", OVERLOAD), new Move("g1", "a", "b", OVERLOAD)),
        step(view, ALL).moves());
  }

  @Test
  void underloadedHostsAreEmptiedLeastUtilisedFirstAndIdleOnesSwitchedOff() {
    // Nothing overloaded. By utilisation: b 0.1, c 0.15, a 0.5. b's g2 ties a and c (+10 W): a. c's g3 goes
    // to a (b is emptied): a at 0.75. a has received, so it stays. d is on and empty; e is off.
    DataCentre view = dc(List.of(host("a"), host("b"), host("c"), host("d"), host("e").power(DataCentre.Power.OFF)),
        guest("g1", "a", GIB, 1000), guest("g2", "b", GIB, 200), guest("g3", "c", GIB, 300));
    assertEquals(new Decisions(List.of(),
            List.of(new Move("g2", "b", "a", UNDERLOAD), new Move("g3", "c", "a", UNDERLOAD)),
            List.of("b", "c", "d")),
        step(view, ALL));
  }

  @Test
  void aHostKeptOnIsNeitherEmptiedNorSwitchedOffButStillTakesGuests() {
    // As above, with b (the least utilised) and d (idle) kept on: c's g3 goes to a, c is switched off.
    DataCentre plain = dc(List.of(host("a"), host("b"), host("c"), host("d"), host("e").power(DataCentre.Power.OFF)),
        guest("g1", "a", GIB, 1000), guest("g2", "b", GIB, 200), guest("g3", "c", GIB, 300));
    DataCentre view = new DataCentre(plain.hosts(), plain.guests(), plain.intervalSeconds(), java.util.Set.of("b", "d"));
    Decisions d = step(view, ALL);
    assertEquals(List.of("c"), d.switchOff());
    assertEquals(1, d.moves().size(), d.toString());
    assertEquals("g3", d.moves().get(0).guest());
    assertEquals(new Decisions(List.of(), List.of(), List.of()), ConsolidationStep.switchOffIdle(
        new DataCentre(plain.hosts(), plain.guests(), plain.intervalSeconds(), java.util.Set.of("d"))));
  }

  @Test
  void anUnderloadedHostStaysWhenOneOfItsGuestsFitsNowhere() {
    // b (0.3): g2 fits on a (0.7) but g3 (3 GiB) does not fit a's 2 GiB free; c is idle and takes no guests
    // of an emptied host (that would just swap which host is on). b keeps both; a (0.55) next: its 1,100 MHz
    // would take b to 0.85. Only the idle c is switched off.
    DataCentre view = dc(List.of(host("a").free(2 * GIB), host("b"), host("c")),
        guest("g1", "a", GIB, 1100), guest("g2", "b", GIB, 300), guest("g3", "b", 3 * GIB, 300));
    assertEquals(new Decisions(List.of(), List.of(), List.of("c")), step(view, ALL));
  }

  @Test
  void aHostThatJustReceivedAGuestIsNotEmptiedInTheSameStep() {
    // g1 leaves the overloaded a for b (b's 0.05 becomes 0.5; c would reach 0.95). b is now the least
    // utilised, but it receives: emptying it would move g1 again. (CloudSim 3.0.3 means to exclude it too
    // but reads an empty list.) c's g4 fits nowhere: nothing else happens.
    DataCentre view = dc(List.of(host("a"), host("b"), host("c")),
        guest("g1", "a", GIB, 900), guest("g2", "a", 2 * GIB, 800),
        guest("g3", "b", GIB, 100), guest("g4", "c", GIB, 1000));
    assertEquals(new Decisions(List.of(), List.of(new Move("g1", "a", "b", OVERLOAD)), List.of()), step(view, ALL));
  }

  @Test
  void aMigratingGuestIsNeverChosenAndLoadsItsDestination() {
    // a: m (1,700, migrating to b) + g1 (100) = 0.9. Only g1 may leave (a stays overloaded at 0.85: nothing
    // else may go). b will carry m: 1,800 with g1 is 0.9, so g1 goes to c. b has a migration landing: it is
    // neither emptied nor idle.
    DataCentre view = dc(List.of(host("a"), host("b"), host("c")),
        migrating("m", "a", "b", GIB, 1700), guest("g1", "a", 2 * GIB, 100), guest("g2", "c", GIB, 500));
    assertEquals(new Decisions(List.of(), List.of(new Move("g1", "a", "c", OVERLOAD)), List.of()), step(view, ALL));
  }

  @Test
  void aHostIsPoweredOnOnlyWhenAllowedAndNothingThatIsOnFits() {
    DataCentre view = dc(List.of(host("a"), host("b").free(0), host("c").power(DataCentre.Power.OFF)),
        guest("g1", "a", GIB, 900), guest("g2", "a", 2 * GIB, 800), guest("g3", "b", GIB, 100));
    assertEquals(Decisions.NONE, step(view, ConsolidationOptions.OVERLOAD_ONLY));
    assertEquals(new Decisions(List.of("c"), List.of(new Move("g1", "a", "c", OVERLOAD)), List.of()),
        step(view, new ConsolidationOptions(false, true)));
  }

  @Test
  void withoutSwitchOffIdleOnlyOverloadedHostsAreRelieved() {
    DataCentre view = dc(List.of(host("a"), host("b"), host("c"), host("d")),
        guest("g1", "a", GIB, 1000), guest("g2", "b", GIB, 200), guest("g3", "c", GIB, 300));
    assertEquals(Decisions.NONE, step(view, ConsolidationOptions.OVERLOAD_ONLY));
    assertEquals(new Decisions(List.of(), List.of(), List.of("d")), ConsolidationStep.switchOffIdle(view));
  }

  @Test
  void unavailableHostsAreLeftAlone() {
    // A failed host with an overloading guest is not relieved, and an empty booting host is not switched off.
    DataCentre view = dc(List.of(host("failed").power(DataCentre.Power.UNAVAILABLE), host("b"),
            host("booting").power(DataCentre.Power.UNAVAILABLE)),
        guest("g1", "failed", GIB, 1900), guest("g2", "b", GIB, 100));
    assertEquals(Decisions.NONE, step(view, ALL));
  }
}
