package io.domsim.config.plugin;

import java.util.SortedSet;

/**
 * The names a configuration may choose from, per kind: what the loader checks a chosen name against.
 * The command line builds it from the registries of every module (built-ins and plug-ins alike).
 */
@FunctionalInterface
public interface PluginCatalog {

  /** Every name of this kind, in order. */
  SortedSet<String> names(PluginKind kind);
}
