package io.domsim.scheduler;

import static io.domsim.scheduler.Guests.GIB;
import static io.domsim.scheduler.Guests.host;
import static io.domsim.scheduler.Guests.pv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.typesafe.config.ConfigFactory;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.Registry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsolidationPolicyTest {

  @Test
  void noneIsFoundByServiceLoaderUnderItsConfigName() {
    Registry<ConsolidationPolicyPlugin> registry =
        Registry.load(PluginKind.CONSOLIDATION, ConsolidationPolicyPlugin.class);
    assertEquals(List.of("none"), List.copyOf(registry.names()));
    assertSame(ConsolidationPolicy.NONE, registry.get("none").create(ConfigFactory.empty()));
  }

  @Test
  void noneNeverMovesAGuestHoweverUnevenTheHosts() {
    // Everything on one host, the other idle: a consolidating or balancing policy would move something.
    List<HostView> hosts = List.of(host("a", 1 * GIB), host("b", 60 * GIB));
    List<ConsolidationPolicy.Running> guests = List.of(
        new ConsolidationPolicy.Running(pv("g1", 8 * GIB), "a"),
        new ConsolidationPolicy.Running(pv("g2", 8 * GIB), "a"));
    assertEquals(List.of(), ConsolidationPolicy.NONE.moves(hosts, guests));
  }
}
