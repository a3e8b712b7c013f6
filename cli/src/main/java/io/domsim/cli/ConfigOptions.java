package io.domsim.cli;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConfigProblem;
import io.domsim.config.ConfigProblems;
import io.domsim.config.plugin.Registry;
import io.domsim.node.Plugins;
import io.domsim.node.ModuleSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The cluster file and the --set overrides, shared by the commands that read a cluster. */
final class ConfigOptions {
  /** Bundled with the CLI: a verbatim copy of the public contract, examples/cluster.conf. */
  static final String DEFAULT_EXAMPLE = "cluster.conf";

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "Cluster file (HOCON). Default: the bundled example examples/" + DEFAULT_EXAMPLE + ".")
  Path config;

  @Option(names = "--set", paramLabel = "PATH=VALUE",
      description = "Override one setting, e.g. --set simulation.seed=7 --set 'scheduler.placement=worst-fit'.")
  List<String> overrides = new ArrayList<>();

  /** Loads the cluster, with extra overrides applied after the user's own. */
  ClusterSpec load(List<String> extra) throws ConfigProblems {
    List<String> all = new ArrayList<>(overrides);
    all.addAll(extra);
    Plugins plugins;
    try {
      plugins = Plugins.onClassPath();
    } catch (Registry.PluginError e) {
      // A broken or clashing plug-in jar is the user's class path: bad input, not a crash.
      throw new ConfigProblems(List.of(new ConfigProblem("DOMSIM_PLUGINS", 0, "domsim", e.getMessage())));
    }
    ClusterSpec spec = config != null
        ? ClusterConfigLoader.load(config, all, plugins)
        : ClusterConfigLoader.parse(bundled(DEFAULT_EXAMPLE), "examples/" + DEFAULT_EXAMPLE + " (bundled)", all,
            plugins);
    ModuleSettings.check(spec);
    return spec;
  }

  static String bundled(String name) {
    try (InputStream in = ConfigOptions.class.getResourceAsStream("/examples/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the bundled example " + name + " is missing from the domsim jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled example " + name, e);
    }
  }
}
