package io.domsim.config.plugin;

import java.util.Optional;
import java.util.SortedSet;

/**
 * The names a configuration may choose from, per kind: what the loader checks a chosen name against.
 * The command line builds it from the registries of every module (built-ins and plug-ins alike).
 */
@FunctionalInterface
public interface PluginCatalog {

  /** Every name of this kind, in order. */
  SortedSet<String> names(PluginKind kind);

  /**
   * The number the plug-in {@code name} of {@code kind} takes from its chooser's {@code parameter} key, if
   * it takes one (only consolidation policies do so far).
   */
  default Optional<PluginParameter> parameter(PluginKind kind, String name) {
    return Optional.empty();
  }
}
