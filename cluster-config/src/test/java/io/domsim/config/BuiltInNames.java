package io.domsim.config;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The names of domsim's built-in plug-ins, for this module's tests (which cannot see the modules that
 * implement them). The node module's tests check that the real registries hold exactly these.
 */
final class BuiltInNames {
  private BuiltInNames() {}

  static final PluginCatalog CATALOG = kind -> switch (kind) {
    case PLACEMENT -> set("best-fit", "first-fit", "worst-fit");
    case CONSOLIDATION -> set("none");
    case MIGRATION_ALGORITHM -> set("post-copy", "pre-copy", "stop-and-copy");
    case STOP_RULE -> set("qemu", "xen", "xen-legacy");
  };

  private static SortedSet<String> set(String... names) {
    return new TreeSet<>(java.util.List.of(names));
  }
}
