package io.domsim.config;

import com.typesafe.config.ConfigUtil;
import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Reads the {@code scenario} timeline and checks that every action names a guest and nodes that exist. */
final class ScenarioReader {

  /** The actions a scenario entry may take. */
  private enum Action {
    MIGRATE, FAIL;

    String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private ScenarioReader() {}

  /** The actions sorted by {@code at}; entries at the same time keep their order in the file. */
  static List<ScenarioAction> read(Section domsim, Collection<String> nodeNames, Collection<String> guestNames,
      PluginCatalog catalog) {
    List<ScenarioAction> actions = new ArrayList<>();
    boolean complete = true;
    for (Section entry : domsim.entries("scenario", "{ at = 30s, action = migrate, guest = web-1, to = node-3 }")) {
      ScenarioAction action = action(entry, nodeNames, guestNames, catalog);
      complete &= action != null;
      if (action != null) {
        actions.add(action);
      }
    }
    actions.sort(Comparator.comparing(ScenarioAction::at)); // List.sort is stable
    return complete ? actions : null;
  }

  private static ScenarioAction action(Section entry, Collection<String> nodeNames, Collection<String> guestNames,
      PluginCatalog catalog) {
    // An action after the end of the run is allowed: it simply never fires.
    Duration at = entry.duration("at", true, Limits.MAX_DURATION, "a duration of at least 0 and at most 365d, such as 30s");
    Action action = entry.choice("action", "an action", Action.values(), Action::configName);
    if (action == null) {
      return null;
    }
    switch (action) {
      case MIGRATE -> {
        String guest = reference(entry, "guest", guestNames, "guest", "the name of a guest such as web-1");
        String to = reference(entry, "to", nodeNames, "node", "the name of the destination node");
        boolean hasAlgorithm = entry.has("algorithm");
        String algorithm = hasAlgorithm ? entry.pluginName("algorithm", PluginKind.MIGRATION_ALGORITHM, catalog) : null;
        boolean hasPolicy = entry.has("policy");
        String policy = hasPolicy ? entry.pluginName("policy", PluginKind.STOP_RULE, catalog) : null;
        if (at == null || guest == null || to == null || (hasAlgorithm && algorithm == null)
            || (hasPolicy && policy == null)) {
          return null;
        }
        return new ScenarioAction.Migrate(at, guest, to, Optional.ofNullable(algorithm),
            Optional.ofNullable(policy));
      }
      case FAIL -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the node to fail");
        return at == null || node == null ? null : new ScenarioAction.Fail(at, node);
      }
      default -> throw new AssertionError(action);
    }
  }

  /** A name that must be one of {@code known}; reported with a did-you-mean when it is not. */
  private static String reference(Section entry, String key, Collection<String> known, String noun,
      String allowed) {
    String name = entry.name(key, allowed);
    if (name != null && !known.contains(name)) {
      entry.report(entry.field(key), "no " + noun + " is named " + ConfigUtil.quoteString(name)
          + DidYouMean.hint(name, known, "the " + noun + "s"));
      return null;
    }
    return name;
  }

}
