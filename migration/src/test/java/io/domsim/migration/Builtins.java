package io.domsim.migration;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.MigrationSpec;
import java.time.Duration;

/** The built-in algorithms and stop rules as the registries make them from reference.conf, for tests. */
final class Builtins {
  private Builtins() {}

  static final Config SETTINGS = ConfigFactory.load().getConfig("domsim");

  static MigrationPlugins plugins(Config settings, Duration downtimeLimit, boolean autoConverge) {
    return MigrationPlugins.load(settings, new MigrationSpec("pre-copy", "xen", downtimeLimit, autoConverge,
        java.util.OptionalLong.empty(),
        java.time.Duration.ofMinutes(15)));
  }

  /** The rule named {@code name} with the default constants, this downtime limit and auto-converge on. */
  static StopRule rule(String name, Duration downtimeLimit) {
    return plugins(SETTINGS, downtimeLimit, true).stopRule(name);
  }

  static MigrationShape shape(String algorithm) {
    return plugins(SETTINGS, Duration.ofMillis(300), false).shape(algorithm);
  }

  /** QEMU's auto-converge with its default parameters. */
  static AutoConverge autoConverge() {
    return rule("qemu", Duration.ofMillis(300)).newAutoConverge();
  }
}
