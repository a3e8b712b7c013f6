package io.domsim.scheduler;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.ConsolidationSpec;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.PluginParameter;
import io.domsim.config.plugin.Registry;
import io.domsim.scheduler.consolidation.DataCentre;
import io.domsim.scheduler.consolidation.Decisions;
import io.domsim.scheduler.consolidation.PowerCurve;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The built-in consolidation plug-ins, found as a user's would be, and built from a configuration. */
class ConsolidationPolicyTest {
  private static final long GIB = 1L << 30;
  private static final Registry<ConsolidationPolicyPlugin> POLICIES =
      Registry.load(PluginKind.CONSOLIDATION, ConsolidationPolicyPlugin.class);
  private static final Registry<GuestSelectionPlugin> SELECTIONS =
      Registry.load(PluginKind.GUEST_SELECTION, GuestSelectionPlugin.class);
  private static final Registry<ConsolidationPlacementPlugin> PLACEMENTS =
      Registry.load(PluginKind.CONSOLIDATION_PLACEMENT, ConsolidationPlacementPlugin.class);

  private static ConsolidationPolicy create(String policy, OptionalDouble parameter, String selection,
      boolean switchOffIdle) {
    return Consolidations.create(new ConsolidationSpec(policy, parameter, selection, "pabfd", switchOffIdle,
        Duration.ofMinutes(5)), POLICIES, SELECTIONS, PLACEMENTS, ConfigFactory.empty(), false);
  }

  /** a at 0.85 (g1 900 MHz, 1 GiB; g2 800 MHz, 2 GiB), b at 0.5, c empty: hosts of 2 x 1,000 MHz. */
  private static DataCentre view() {
    PowerCurve curve = PowerCurve.linear(100, 200);
    List<DataCentre.Host> hosts = List.of("a", "b", "c").stream()
        .map(n -> new DataCentre.Host(n, 2, 1000, 8 * GIB, 8 * GIB, 0, true, DataCentre.Power.ON, curve, 1e8))
        .toList();
    return new DataCentre(hosts, List.of(DataCentre.Guest.running("g1", "a", GIB, 1000, 900),
        DataCentre.Guest.running("g2", "a", 2 * GIB, 1000, 800), DataCentre.Guest.running("g3", "b", GIB, 1000, 1000)),
        300);
  }

  @Test
  void theBuiltInsAreFoundByServiceLoaderUnderTheirConfigNames() {
    assertEquals(List.of("iqr", "lr", "lrr", "mad", "none", "thr"), List.copyOf(POLICIES.names()));
    assertEquals(List.of("mc", "mmt", "mu", "rs"), List.copyOf(SELECTIONS.names()));
    assertEquals(List.of("pabfd"), List.copyOf(PLACEMENTS.names()));
  }

  @Test
  void eachDetectorDeclaresThePapersDefaultAndItsRange() {
    assertEquals(new PluginParameter("CPU utilisation threshold", 0.8, 0, false, 1), POLICIES.get("thr").parameter().get());
    assertEquals(1.5, POLICIES.get("iqr").parameter().get().defaultValue());
    assertEquals(2.5, POLICIES.get("mad").parameter().get().defaultValue());
    assertEquals(1.2, POLICIES.get("lr").parameter().get().defaultValue());
    assertEquals(1.2, POLICIES.get("lrr").parameter().get().defaultValue());
    assertEquals(java.util.Optional.empty(), POLICIES.get("none").parameter());
  }

  @Test
  void noneDecidesNothingUnlessIdleHostsAreToBeSwitchedOff() {
    assertSame(ConsolidationPolicy.NONE, create("none", OptionalDouble.empty(), "mmt", false));
    assertEquals(new Decisions(List.of(), List.of(), List.of("c")),
        create("none", OptionalDouble.empty(), "mmt", true).decide(view(), new SplittableRandom(1)));
  }

  @Test
  void thrWithMmtMovesTheSmallestGuestOffTheOverloadedHost() {
    Decisions d = create("thr", OptionalDouble.of(0.8), "mmt", false).decide(view(), new SplittableRandom(1));
    assertEquals(List.of(new Decisions.Move("g1", "a", "c", Decisions.Reason.OVERLOAD)), d.moves());
    // With the threshold at 0.9, a (0.85) is not overloaded.
    assertEquals(Decisions.NONE, create("thr", OptionalDouble.of(0.9), "mmt", false).decide(view(),
        new SplittableRandom(1)));
  }

  @Test
  void muChoosesByUtilisationWhereMmtChoosesByMemory() {
    // MU: g2 uses 0.8 of its 1,000 MHz, g1 0.9: g2 leaves.
    Decisions d = create("thr", OptionalDouble.empty(), "mu", false).decide(view(), new SplittableRandom(1));
    assertEquals(List.of(new Decisions.Move("g2", "a", "c", Decisions.Reason.OVERLOAD)), d.moves());
  }

  @Test
  void aParameterOutOfRangeIsRefusedByThePolicyToo() {
    assertThrows(IllegalArgumentException.class, () -> create("thr", OptionalDouble.of(1.5), "mmt", false));
  }
}
