package io.domsim.config;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.PluginParameter;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The names of domsim's built-in plug-ins, for this module's tests (which cannot see the modules that
 * implement them). The node module's tests check that the real registries hold exactly these, and that the
 * consolidation policies declare these parameters.
 */
final class BuiltInNames {
  private BuiltInNames() {}

  static final Map<String, PluginParameter> PARAMETERS = Map.of(
      "thr", new PluginParameter("CPU utilisation threshold", 0.8, 0, false, 1),
      "iqr", new PluginParameter("safety parameter", 1.5, 0, true, Double.POSITIVE_INFINITY),
      "mad", new PluginParameter("safety parameter", 2.5, 0, true, Double.POSITIVE_INFINITY),
      "lr", new PluginParameter("safety parameter", 1.2, 0, false, Double.POSITIVE_INFINITY),
      "lrr", new PluginParameter("safety parameter", 1.2, 0, false, Double.POSITIVE_INFINITY));

  static final PluginCatalog CATALOG = new PluginCatalog() {
    @Override
    public SortedSet<String> names(PluginKind kind) {
      return switch (kind) {
        case PLACEMENT -> set("best-fit", "first-fit", "worst-fit");
        case CONSOLIDATION -> set("iqr", "lr", "lrr", "mad", "none", "thr");
        case GUEST_SELECTION -> set("mc", "mmt", "mu", "rs");
        case CONSOLIDATION_PLACEMENT -> set("pabfd");
        case MIGRATION_ALGORITHM -> set("post-copy", "pre-copy", "stop-and-copy");
        case STOP_RULE -> set("qemu", "xen", "xen-legacy");
      };
    }

    @Override
    public Optional<PluginParameter> parameter(PluginKind kind, String name) {
      return kind == PluginKind.CONSOLIDATION ? Optional.ofNullable(PARAMETERS.get(name)) : Optional.empty();
    }
  };

  private static SortedSet<String> set(String... names) {
    return new TreeSet<>(java.util.List.of(names));
  }
}
