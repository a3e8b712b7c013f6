package io.domsim.config.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.util.Objects;

/**
 * A plug-in as a message names it: its kind, its name and its settings subtree, as data. A plug-in instance
 * cannot cross Akka Cluster members; this can, and the receiver makes the plug-in from it through its own
 * registry ({@link Registry#get(PluginChoice)}). The settings travel as concise JSON (the subtree was checked
 * when the configuration was read; only the values' origins are lost, which nothing reads after the check).
 *
 * @param settingsJson the plug-in's settings subtree rendered as JSON ({@code "{}"} for none)
 */
public record PluginChoice(PluginKind kind, String name, String settingsJson) {

  public PluginChoice {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settingsJson, "settingsJson");
  }

  /**
   * The plug-in {@code name} of {@code registry}'s kind with its own subtree of {@code settings}.
   *
   * @param settings the merged configuration under {@code domsim} ({@code ClusterSpec.settings()})
   */
  public static PluginChoice of(Registry<?> registry, String name, Config settings) {
    return new PluginChoice(registry.kind(), name,
        registry.settingsOf(name, settings).root().render(ConfigRenderOptions.concise()));
  }

  /** The settings subtree, read back. */
  public Config settings() {
    return ConfigFactory.parseString(settingsJson);
  }
}
