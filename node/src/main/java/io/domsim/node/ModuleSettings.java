package io.domsim.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import io.domsim.config.ClusterSpec;
import io.domsim.config.ConsolidationSpec;
import io.domsim.config.ConfigProblem;
import io.domsim.config.ConfigProblems;
import io.domsim.hypervisor.CostSettings;
import io.domsim.hypervisor.DirtyModel;
import io.domsim.migration.MigrationCosts;
import io.domsim.scheduler.Consolidations;
import io.domsim.scheduler.PoolSettings;
import io.domsim.config.plugin.Registry;
import java.util.ArrayList;
import java.util.List;


/**
 * Reads every module's own settings from a cluster once, before anything runs, so that a bad value
 * (say {@code --set hypervisor.costs.vmexit-cycles=abc}) is a user's mistake with its file and line, not
 * a crash in the middle of a run.
 */
public final class ModuleSettings {
  private ModuleSettings() {}

  public static void check(ClusterSpec spec) throws ConfigProblems {
    Config s = spec.settings();
    List<ConfigProblem> problems = new ArrayList<>();
    attempt(problems, spec, "hypervisor.costs", () -> CostSettings.from(s));
    attempt(problems, spec, "migration.costs", () -> MigrationCosts.from(s));
    // Every algorithm and stop rule reads its own settings now (a scenario action may name any of them),
    // and so does the placement policy; a problem is reported under the plug-in's own subtree.
    Plugins plugins = Plugins.onClassPath();
    for (var a : plugins.algorithms().all()) {
      attempt(problems, spec, subtree(plugins.algorithms(), a.name()),
          () -> a.shape(plugins.algorithms().settingsOf(a.name(), s)));
    }
    for (var r : plugins.stopRules().all()) {
      attempt(problems, spec, subtree(plugins.stopRules(), r.name()),
          () -> r.create(plugins.stopRules().settingsOf(r.name(), s), spec.migration()));
    }
    String placement = spec.scheduler().placement();
    attempt(problems, spec, subtree(plugins.placement(), placement),
        () -> plugins.placement().get(placement).create(plugins.placement().settingsOf(placement, s)));
    // Created and dropped: nothing calls a consolidation policy during a run yet, but its settings are checked,
    // and its selection's and placement's first, each problem under its own subtree.
    ConsolidationSpec consolidation = spec.scheduler().consolidation();
    boolean parts = attempt(problems, spec, subtree(plugins.selection(), consolidation.selection()),
        () -> plugins.selection().get(consolidation.selection())
            .create(plugins.selection().settingsOf(consolidation.selection(), s)));
    parts &= attempt(problems, spec, subtree(plugins.consolidationPlacement(), consolidation.placement()),
        () -> plugins.consolidationPlacement().get(consolidation.placement())
            .create(plugins.consolidationPlacement().settingsOf(consolidation.placement(), s)));
    if (parts) {
      attempt(problems, spec, subtree(plugins.consolidation(), consolidation.policy()),
          () -> Consolidations.create(consolidation, plugins.consolidation(), plugins.selection(),
              plugins.consolidationPlacement(), s, false));
    }
    attempt(problems, spec, "", () -> PoolSettings.from(s));
    attempt(problems, spec, "", () -> DirtyModel.from(s));
    attempt(problems, spec, "hypervisor.log-dirty", () -> io.domsim.hypervisor.LogDirtyCosts.from(s));
    attempt(problems, spec, "", () -> io.domsim.dom0.ShutdownTimes.from(s));
    if (!problems.isEmpty()) {
      throw new ConfigProblems(problems);
    }
  }

  /** Where a plug-in's settings live, relative to {@code domsim}. */
  private static String subtree(Registry<?> registry, String name) {
    return registry.kind().settingsPath() + "." + name;
  }

  /** Runs {@code read}; a setting it cannot read (under {@code prefix}) becomes a problem. Whether it could. */
  private static boolean attempt(List<ConfigProblem> problems, ClusterSpec spec, String prefix, Runnable read) {
    try {
      read.run();
      return true;
    } catch (ConfigException e) {
      ConfigOrigin origin = e.origin();
      String file = origin == null || origin.filename() == null ? spec.source() : origin.filename();
      if (origin != null && origin.description() != null && origin.description().contains("--set")) {
        file = "--set";
      }
      int line = origin == null ? 0 : Math.max(0, origin.lineNumber());
      String[] pathAndReason = pathAndReason(e.getMessage());
      String path = "domsim." + (prefix.isEmpty() || pathAndReason[0].startsWith(prefix) ? "" : prefix + ".")
          + pathAndReason[0];
      problems.add(new ConfigProblem(file, line, path, pathAndReason[1] + "; see the module's reference.conf for"
          + " what it takes"));
    } catch (IllegalArgumentException e) {
      // A value of the right type that the model refuses (a throttle above 100%, say).
      problems.add(new ConfigProblem(spec.source(), 0, "domsim" + (prefix.isEmpty() ? "" : "." + prefix),
          e.getMessage() + "; see the module's reference.conf for what it takes"));
    }
    return false;
  }

  /**
   * Splits Typesafe Config's messages, "ORIGIN: PATH has type X rather than Y" or "ORIGIN: Invalid value at
   * 'PATH': REASON", into the path (relative to what was read) and the reason.
   */
  private static String[] pathAndReason(String message) {
    int at = message.indexOf("at '");
    if (at >= 0) {
      int end = message.indexOf('\'', at + 4);
      return new String[] {message.substring(at + 4, end), message.substring(end + 1).replaceFirst("^:\\s*", "")};
    }
    int has = message.indexOf(" has type ");
    if (has >= 0) {
      int start = message.lastIndexOf(' ', has - 1) + 1;
      return new String[] {message.substring(start, has), "has the wrong type:" + message.substring(has + 9)};
    }
    return new String[] {"", message};
  }


}
