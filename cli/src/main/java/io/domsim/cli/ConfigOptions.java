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
    ClusterSpec spec = load(config, DEFAULT_EXAMPLE, all, plugins());
    ModuleSettings.check(spec);
    return spec;
  }

  /** The plug-ins on the class path; a broken or clashing plug-in jar is the user's class path: bad input. */
  static Plugins plugins() throws ConfigProblems {
    try {
      return Plugins.onClassPath();
    } catch (Registry.PluginError e) {
      throw new ConfigProblems(List.of(new ConfigProblem("DOMSIM_PLUGINS", 0, "domsim", e.getMessage())));
    }
  }

  /** The cluster file {@code config}, or when null the bundled example {@code bundledName}. */
  static ClusterSpec load(Path config, String bundledName, List<String> overrides, Plugins plugins)
      throws ConfigProblems {
    return config != null
        ? ClusterConfigLoader.load(config, overrides, plugins)
        : ClusterConfigLoader.parse(bundled(bundledName), "examples/" + bundledName + " (bundled)", overrides,
            plugins);
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
