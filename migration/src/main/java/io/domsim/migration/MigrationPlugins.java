package io.domsim.migration;

import com.typesafe.config.Config;
import io.domsim.config.MigrationSpec;
import io.domsim.config.plugin.PluginKind;
import io.domsim.config.plugin.Registry;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The migration algorithms and stop rules of one run, made once from their plug-ins and settings and
 * then looked up by the names a configuration or an operator uses. Built before the run starts, so that
 * a bad setting of any of them is a configuration error, not a failure in the middle of a run.
 */
public final class MigrationPlugins {
  private final MigrationSpec defaults;
  private final SortedMap<String, MigrationShape> shapes = new TreeMap<>();
  private final SortedMap<String, StopRule> stopRules = new TreeMap<>();

  /**
   * @param settings the merged configuration under {@code domsim}
   * @throws com.typesafe.config.ConfigException when a plug-in's settings are bad
   */
  public MigrationPlugins(Registry<MigrationAlgorithm> algorithms, Registry<StopRulePlugin> rules, Config settings,
      MigrationSpec defaults) {
    this.defaults = defaults;
    for (MigrationAlgorithm a : algorithms.all()) {
      MigrationShape shape = a.shape(algorithms.settingsOf(a.name(), settings));
      if (!shape.algorithm().equals(a.name())) {
        throw new IllegalStateException("migration algorithm " + a.name() + " describes its shape as "
            + shape.algorithm() + "; they must agree");
      }
      shapes.put(a.name(), shape);
    }
    for (StopRulePlugin r : rules.all()) {
      stopRules.put(r.name(), r.create(rules.settingsOf(r.name(), settings), defaults));
    }
  }

  /** The algorithms and stop rules on domsim's class path (built-ins and plug-ins). */
  public static MigrationPlugins load(Config settings, MigrationSpec defaults) {
    return new MigrationPlugins(algorithmRegistry(), stopRuleRegistry(), settings, defaults);
  }

  public static Registry<MigrationAlgorithm> algorithmRegistry() {
    return Registry.load(PluginKind.MIGRATION_ALGORITHM, MigrationAlgorithm.class);
  }

  public static Registry<StopRulePlugin> stopRuleRegistry() {
    return Registry.load(PluginKind.STOP_RULE, StopRulePlugin.class);
  }

  /** The cluster's migration settings: the default algorithm and policy among them. */
  public MigrationSpec defaults() {
    return defaults;
  }

  /** The shape of a validated algorithm name. */
  public MigrationShape shape(String algorithm) {
    MigrationShape s = shapes.get(algorithm);
    if (s == null) {
      throw new IllegalArgumentException("no migration algorithm " + algorithm + "; known: " + shapes.keySet());
    }
    return s;
  }

  /** The rule of a validated stop-rule name. */
  public StopRule stopRule(String policy) {
    StopRule r = stopRules.get(policy);
    if (r == null) {
      throw new IllegalArgumentException("no pre-copy stop rule " + policy + "; known: " + stopRules.keySet());
    }
    return r;
  }
}
