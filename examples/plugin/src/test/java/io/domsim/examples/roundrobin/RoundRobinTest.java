package io.domsim.examples.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.GuestSpec;
import io.domsim.config.GuestType;
import io.domsim.config.WorkloadSpec;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.Registry;
import io.domsim.scheduler.HostView;
import io.domsim.scheduler.PlacementPlan;
import io.domsim.scheduler.PlacementPolicy;
import io.domsim.scheduler.PlacementPolicyPlugin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinTest {
  private static final long GIB = 1L << 30;
  private static final Config NO_SETTINGS = ConfigFactory.empty();

  private static HostView host(String node, long freeGib) {
    return new HostView(node, 16, 2.4, 64 * GIB, 10_000_000_000L, true, freeGib * GIB, 0, 0);
  }

  private static GuestSpec guest(String name, long memoryGib) {
    return new GuestSpec(name, GuestType.PV, 1, memoryGib * GIB, 256, Optional.empty(),
        new WorkloadSpec(0.5, 0, 0, 0, 0, Duration.ofSeconds(30)));
  }

  /** Places the guests in order through the pool master's own plan; the node each went to. */
  private static List<String> place(PlacementPolicy policy, List<HostView> hosts, GuestSpec... guests) {
    PlacementPlan plan = new PlacementPlan(policy, hosts);
    List<String> where = new ArrayList<>();
    for (GuestSpec g : guests) {
      where.add(plan.place(g, Set.of()).map(HostView::node).orElse("-"));
    }
    return where;
  }

  @Test
  void theKthGuestGoesToTheKthNodeCycling() {
    List<HostView> hosts = List.of(host("a", 32), host("b", 32), host("c", 32));
    assertEquals(List.of("a", "b", "c", "a", "b"), place(new RoundRobinPlugin().create(NO_SETTINGS), hosts,
        guest("g0", 1), guest("g1", 1), guest("g2", 1), guest("g3", 1), guest("g4", 1)));
  }

  @Test
  void aNodeWhereTheGuestDoesNotFitIsSkippedAndTheNextGuestKeepsItsTurn() {
    List<HostView> hosts = List.of(host("a", 32), host("small", 4), host("c", 32));
    // g1 does not fit on small and goes on to c; g2's turn is still c, g3's is a, g4's small again.
    assertEquals(List.of("a", "c", "c", "a", "small", "-"), place(new RoundRobinPlugin().create(NO_SETTINGS), hosts,
        guest("g0", 8), guest("g1", 8), guest("g2", 8), guest("g3", 8), guest("g4", 2), guest("huge", 40)));
  }

  @Test
  void aGuestAskedAboutAgainKeepsItsTurn() {
    // The pool master asks again, without the refusing host, when a reservation is refused.
    PlacementPolicy policy = new RoundRobinPlugin().create(NO_SETTINGS);
    List<HostView> hosts = List.of(host("a", 32), host("b", 32), host("c", 32));
    assertEquals(Optional.of(0), policy.choose(guest("g0", 1), hosts));
    assertEquals(Optional.of(1), policy.choose(guest("g1", 1), hosts));
    assertEquals(Optional.of(0), policy.choose(guest("g0", 1), List.of(host("b", 32), host("c", 32))),
        "g0's turn is still 0: position 0 of the hosts left, b");
    assertEquals(Optional.of(2), policy.choose(guest("g2", 1), hosts), "g2's turn is 2 still");
  }

  @Test
  void eachRunGetsAFreshPolicy() {
    RoundRobinPlugin plugin = new RoundRobinPlugin();
    List<HostView> hosts = List.of(host("a", 32), host("b", 32));
    assertEquals(List.of("a", "b"), place(plugin.create(NO_SETTINGS), hosts, guest("g0", 1), guest("g1", 1)));
    assertEquals(List.of("a", "b"), place(plugin.create(NO_SETTINGS), hosts, guest("g0", 1), guest("g1", 1)));
  }

  @Test
  void startChoosesTheFirstGuestsNodeAndABadValueIsRefused() {
    List<HostView> hosts = List.of(host("a", 32), host("b", 32), host("c", 32));
    PlacementPolicy fromC = new RoundRobinPlugin().create(ConfigFactory.parseString("start = 2"));
    assertEquals(List.of("c", "a"), place(fromC, hosts, guest("g0", 1), guest("g1", 1)));
    RoundRobinPlugin plugin = new RoundRobinPlugin();
    assertThrows(IllegalArgumentException.class, () -> plugin.create(ConfigFactory.parseString("start = -1")));
    assertThrows(ConfigException.class, () -> plugin.create(ConfigFactory.parseString("start = first")));
  }

  @Test
  void serviceLoaderFindsItNextToTheBuiltIns() {
    Registry<PlacementPolicyPlugin> registry = Registry.load(PluginKind.PLACEMENT, PlacementPolicyPlugin.class);
    assertEquals(List.of("best-fit", "first-fit", "round-robin", "worst-fit"), List.copyOf(registry.names()));
    assertTrue(registry.get("round-robin") instanceof RoundRobinPlugin);
    // Its defaults come from this jar's reference.conf, where domsim looks for them.
    Config settings = registry.settingsOf("round-robin", ConfigFactory.defaultReference().getConfig("domsim"));
    assertEquals(0, settings.getInt("start"));
  }
}
