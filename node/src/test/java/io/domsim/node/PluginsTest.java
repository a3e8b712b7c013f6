package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.domsim.config.plugin.PluginKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registries on domsim's own class path: the names cluster-config's tests (BuiltInNames) assume. */
class PluginsTest {

  @Test
  void everyKindHasExactlyTheBuiltIns() {
    Plugins plugins = Plugins.onClassPath();
    assertEquals(List.of("best-fit", "first-fit", "worst-fit"), List.copyOf(plugins.names(PluginKind.PLACEMENT)));
    assertEquals(List.of("none"), List.copyOf(plugins.names(PluginKind.CONSOLIDATION)));
    assertEquals(List.of("post-copy", "pre-copy", "stop-and-copy"),
        List.copyOf(plugins.names(PluginKind.MIGRATION_ALGORITHM)));
    assertEquals(List.of("qemu", "xen", "xen-legacy"), List.copyOf(plugins.names(PluginKind.STOP_RULE)));
  }
}
