package io.domsim.config;

import io.domsim.config.plugin.PluginCatalog;
import io.domsim.config.plugin.PluginKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads the {@code scenario} timeline and checks that every action names a guest and nodes that exist. */
final class ScenarioReader {

  /** The actions a scenario entry may take. */
  private enum Action {
    MIGRATE, FAIL, RECOVER;

    String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private ScenarioReader() {}

  /** An action read, with the entry it came from (to report a problem of the timeline at its line). */
  private record Read(ScenarioAction action, Section entry) {}

  /** The actions sorted by {@code at}; entries at the same time keep their order in the file. */
  static List<ScenarioAction> read(Section domsim, Collection<String> nodeNames, Collection<String> guestNames,
      PluginCatalog catalog) {
    List<Read> read = new ArrayList<>();
    boolean complete = true;
    for (Section entry : domsim.entries("scenario", "{ at = 30s, action = migrate, guest = web-1, to = node-3 }")) {
      ScenarioAction action = action(entry, nodeNames, guestNames, catalog);
      complete &= action != null;
      if (action != null) {
        read.add(new Read(action, entry));
      }
    }
    read.sort(Comparator.comparing(r -> r.action().at())); // List.sort is stable
    complete &= recoversFollowFailures(read);
    return complete ? read.stream().map(Read::action).toList() : null;
  }

  /**
   * Only a failed node can boot again: each recover must come after a fail of its node (in time, or in
   * the file at the same time) with no recover of that node in between. Reports each one that does not.
   */
  private static boolean recoversFollowFailures(List<Read> timeline) {
    Set<String> failed = new TreeSet<>();
    boolean ok = true;
    for (Read r : timeline) {
      if (r.action() instanceof ScenarioAction.Fail f) {
        failed.add(f.node());
      } else if (r.action() instanceof ScenarioAction.Recover rec && !failed.remove(rec.node())) {
        r.entry().report(r.entry().field("node"), "node " + rec.node() + " is not failed at "
            + Units.formatDuration(rec.at()) + ", so it cannot recover; a recover must follow a fail of the same"
            + " node with no recover in between: add { action = fail, node = " + rec.node()
            + " } before it, or remove it");
        ok = false;
      }
    }
    return ok;
  }

  private static ScenarioAction action(Section entry, Collection<String> nodeNames, Collection<String> guestNames,
      PluginCatalog catalog) {
    // An action after the end of the run is allowed: it simply never fires.
    Duration at = entry.duration("at", true, "a duration of at least 0, such as 30s");
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
      case RECOVER -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the failed node to boot again");
        return at == null || node == null ? null : new ScenarioAction.Recover(at, node);
      }
      default -> throw new AssertionError(action);
    }
  }

  /** A name that must be one of {@code known}; reported with a did-you-mean when it is not. */
  private static String reference(Section entry, String key, Collection<String> known, String noun,
      String allowed) {
    String name = entry.name(key, allowed);
    if (name != null && !known.contains(name)) {
      entry.report(entry.field(key), "no " + noun + " is named \"" + name + "\""
          + DidYouMean.hint(name, known, "the " + noun + "s"));
      return null;
    }
    return name;
  }

}
