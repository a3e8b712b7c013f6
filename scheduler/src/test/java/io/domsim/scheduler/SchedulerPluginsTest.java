package io.domsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.ConsolidationSpec;
import io.domsim.config.plugin.PluginChoice;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.Registry;
import io.domsim.scheduler.consolidation.DataCentre;
import io.domsim.scheduler.consolidation.PowerCurve;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A role's plug-in crosses members as its name and settings; the receiver makes the same plug-in from them. */
class SchedulerPluginsTest {
  private static final long GIB = 1L << 30;
  private static final Config DOMSIM = ConfigFactory.parseString("""
      scheduler.placement-policies.capture { spread = 0.25, window = 30s, racks = [a, "b c"], nested { x = 1 } }
      scheduler.placement-policies.other { y = 2 }
      """);

  /** A placement plug-in that keeps the settings it was made with. */
  private static final class Capture implements PlacementPolicyPlugin {
    final List<Config> made = new ArrayList<>();

    @Override
    public String name() {
      return "capture";
    }

    @Override
    public String description() {
      return "first fit, keeping its settings";
    }

    @Override
    public PlacementPolicy create(Config settings) {
      made.add(settings);
      return PlacementPolicy.FIRST_FIT;
    }
  }

  private static SchedulerPlugins with(Capture capture) {
    SchedulerPlugins builtIns = SchedulerPlugins.onClassPath();
    return new SchedulerPlugins(Registry.of(PluginKind.PLACEMENT, capture), builtIns.consolidation(),
        builtIns.selection(), builtIns.consolidationPlacement());
  }

  @Test
  void aPlacementPlugInIsMadeFromItsOwnSettingsSubtreeAsTheConfigurationHasIt() {
    Capture capture = new Capture();
    SchedulerPlugins plugins = with(capture);
    PluginChoice choice = plugins.placementChoice("capture", DOMSIM);
    assertEquals(new PluginChoice(PluginKind.PLACEMENT, "capture", choice.settingsJson()), choice);
    plugins.placement(choice);
    Config made = capture.made.get(0);
    assertEquals(DOMSIM.getConfig("scheduler.placement-policies.capture"), made);
    assertEquals(Duration.ofSeconds(30), made.getDuration("window"));
    assertEquals(List.of("a", "b c"), made.getStringList("racks"));
    assertEquals(0.25, made.getDouble("spread"));
  }

  @Test
  void aPlugInWithNoSettingsIsMadeFromAnEmptySubtree() {
    Capture capture = new Capture();
    SchedulerPlugins plugins = with(capture);
    plugins.placement(plugins.placementChoice("capture", ConfigFactory.empty()));
    assertEquals(ConfigFactory.empty(), capture.made.get(0));
  }

  @Test
  void aChoiceOfAnotherKindIsRefused() {
    SchedulerPlugins plugins = SchedulerPlugins.onClassPath();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> plugins.placement(new PluginChoice(PluginKind.CONSOLIDATION, "first-fit", "{}")));
    assertEquals("\"first-fit\" is a consolidation policy, not a placement policy", e.getMessage());
  }

  /** Made from the names, the policy decides as the one made from the configuration itself. */
  @Test
  void aConsolidationChoiceMakesThePolicyTheConfigurationMakes() {
    SchedulerPlugins plugins = SchedulerPlugins.onClassPath();
    PowerCurve curve = PowerCurve.linear(100, 200);
    DataCentre view = new DataCentre(List.of("a", "b", "c").stream()
        .map(n -> new DataCentre.Host(n, 2, 1000, 8 * GIB, 8 * GIB, 0, true, DataCentre.Power.ON, curve, 1e8))
        .toList(), List.of(DataCentre.Guest.running("g1", "a", GIB, 1000, 900),
        DataCentre.Guest.running("g2", "a", 2 * GIB, 1000, 800), DataCentre.Guest.running("g3", "b", GIB, 1000, 1000)),
        300);
    for (String selection : List.of("mc", "mmt", "mu", "rs")) {
      ConsolidationSpec spec = new ConsolidationSpec("thr", OptionalDouble.of(0.8), selection, "pabfd", true,
          Duration.ofMinutes(5));
      ConsolidationPolicy direct = Consolidations.create(spec, plugins.consolidation(), plugins.selection(),
          plugins.consolidationPlacement(), ConfigFactory.empty(), true);
      ConsolidationChoice choice = plugins.consolidationChoice(spec, ConfigFactory.empty(), true);
      assertEquals(direct.decide(view, new SplittableRandom(7)),
          plugins.consolidation(choice).decide(view, new SplittableRandom(7)), selection);
    }
  }
}
