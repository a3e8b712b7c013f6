package io.domsim.cli.chaos;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblems;
import io.domsim.node.Plugins;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The bundled chaos cluster (examples/chaos.conf, in the CLI's jar) and what the chaos tests build from it. */
final class ChaosFixtures {
  static final Plugins PLUGINS = Plugins.onClassPath();
  static final String NAME = "examples/chaos.conf";

  private ChaosFixtures() {}

  static String text() {
    try (InputStream in = ChaosFixtures.class.getResourceAsStream("/examples/chaos.conf")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bundled chaos cluster with {@code overrides}; a configuration problem fails the test. */
  static ClusterSpec spec(List<String> overrides) {
    try {
      return ClusterConfigLoader.parse(text(), NAME, overrides, PLUGINS);
    } catch (ConfigProblems p) {
      throw new AssertionError("the configuration was refused: " + p.problems(), p);
    }
  }

  static ChaosBase base() {
    return ChaosBase.of(spec(List.of()), PLUGINS);
  }

  static ChaosRunner.Loader loader(List<String> userOverrides) {
    return extra -> {
      List<String> all = new ArrayList<>(userOverrides);
      all.addAll(extra);
      return ClusterConfigLoader.parse(text(), NAME, all, PLUGINS);
    };
  }
}
