package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.PluginParameter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The registries on domsim's own class path: the names cluster-config's tests (BuiltInNames) assume. */
class PluginsTest {

  @Test
  void everyKindHasExactlyTheBuiltIns() {
    Plugins plugins = Plugins.onClassPath();
    assertEquals(List.of("best-fit", "first-fit", "worst-fit"), List.copyOf(plugins.names(PluginKind.PLACEMENT)));
    assertEquals(List.of("iqr", "lr", "lrr", "mad", "none", "thr"), List.copyOf(plugins.names(PluginKind.CONSOLIDATION)));
    assertEquals(List.of("mc", "mmt", "mu", "rs"), List.copyOf(plugins.names(PluginKind.GUEST_SELECTION)));
    assertEquals(List.of("pabfd"), List.copyOf(plugins.names(PluginKind.CONSOLIDATION_PLACEMENT)));
    assertEquals(List.of("post-copy", "pre-copy", "stop-and-copy"),
        List.copyOf(plugins.names(PluginKind.MIGRATION_ALGORITHM)));
    assertEquals(List.of("qemu", "xen", "xen-legacy"), List.copyOf(plugins.names(PluginKind.STOP_RULE)));
  }

  @Test
  void theConsolidationPoliciesDeclareTheParametersBuiltInNamesAssumes() {
    Plugins plugins = Plugins.onClassPath();
    assertEquals(Optional.of(new PluginParameter("CPU utilisation threshold", 0.8, 0, false, 1)),
        plugins.parameter(PluginKind.CONSOLIDATION, "thr"));
    double inf = Double.POSITIVE_INFINITY;
    assertEquals(Optional.of(new PluginParameter("safety parameter", 1.5, 0, true, inf)),
        plugins.parameter(PluginKind.CONSOLIDATION, "iqr"));
    assertEquals(Optional.of(new PluginParameter("safety parameter", 2.5, 0, true, inf)),
        plugins.parameter(PluginKind.CONSOLIDATION, "mad"));
    assertEquals(Optional.of(new PluginParameter("safety parameter", 1.2, 0, false, inf)),
        plugins.parameter(PluginKind.CONSOLIDATION, "lr"));
    assertEquals(Optional.of(new PluginParameter("safety parameter", 1.2, 0, false, inf)),
        plugins.parameter(PluginKind.CONSOLIDATION, "lrr"));
    assertEquals(Optional.empty(), plugins.parameter(PluginKind.CONSOLIDATION, "none"));
    assertEquals(Optional.empty(), plugins.parameter(PluginKind.PLACEMENT, "best-fit"));
  }
}
