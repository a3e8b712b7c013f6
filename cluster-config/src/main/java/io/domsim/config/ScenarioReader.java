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
    MIGRATE("guest", "to", "algorithm", "policy"),
    FAIL("node"),
    RECOVER("node"),
    POWER_OFF("node"),
    POWER_ON("node"),
    PARTITION("node", "duration"),
    DEGRADE_LINK("node", "bandwidth", "latency", "duration"),
    NETWORK_FAULTS("loss", "duplicate", "reorder"),
    CREATE("guest"),
    DESTROY("guest"),
    PAUSE("guest"),
    UNPAUSE("guest"),
    SHUTDOWN("guest");

    /** The keys an entry of this action may have, {@code at} and {@code action} included. */
    final List<String> keys;

    Action(String... own) {
      List<String> all = new ArrayList<>(List.of("at", "action"));
      all.addAll(List.of(own));
      this.keys = List.copyOf(all);
    }

    String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The keys a scenario entry with action {@code name} may have; for an unknown action (reported on its
   * own), every key any action takes.
   */
  static List<String> keysOf(Object name) {
    java.util.Set<String> any = new java.util.TreeSet<>();
    for (Action a : Action.values()) {
      if (a.configName().equals(name)) {
        return a.keys;
      }
      any.addAll(a.keys);
    }
    return List.copyOf(any);
  }

  private ScenarioReader() {}

  /**
   * What the scenario needs to know of the guests: the configured ones (their names, and the type of each
   * valid one), how to read a created guest's entry (as an entry of {@code guests}), and how long each type
   * takes to shut down (after which the guest no longer exists).
   */
  record Guests(Collection<String> names, java.util.Map<String, GuestType> types,
      java.util.function.Function<Section, GuestSpec> readCreated,
      java.util.function.Function<GuestType, Duration> shutdownTime) {}

  /**
   * The actions sorted by {@code at}; entries at the same time keep their order in the file.
   *
   * @param baseLatency {@code network.latency}, or null when it is itself wrong (a degraded link's latency
   *     may not be shorter: the latency is the lookahead of a run spread over several JVMs)
   */
  static List<ScenarioAction> read(Section domsim, Collection<String> nodeNames, Guests guests,
      PluginCatalog catalog, Duration baseLatency) {
    List<Read> read = new ArrayList<>();
    boolean complete = true;
    List<Section> entries = domsim.entries("scenario", "{ at = 30s, action = migrate, guest = web-1, to = node-3 }");
    // A guest created by the scenario may be named by any action (whether it exists then is checked below).
    java.util.Set<String> guestNames = new java.util.LinkedHashSet<>(guests.names());
    entries.forEach(e -> createdName(e).ifPresent(guestNames::add));
    for (Section entry : entries) {
      ScenarioAction action = action(entry, nodeNames, guestNames, guests, catalog, baseLatency);
      complete &= action != null;
      if (action != null) {
        read.add(new Read(action, entry));
      }
    }
    read.sort(Comparator.comparing(r -> r.action().at())); // List.sort is stable
    complete &= nodeStatesFollow(read);
    complete &= noOverlap(read);
    // Only over a whole timeline: a create that could not be read would make every later use of its guest
    // look wrong.
    complete = complete && GuestTimeline.check(read, guests);
    return complete ? read.stream().map(Read::action).toList() : null;
  }

  /** An action read, with the entry it came from (to report a problem of the timeline at its line). */
  record Read(ScenarioAction action, Section entry) {}

  /** The name a create entry gives its guest, if it is a create with a readable name (a first, quiet look). */
  private static Optional<String> createdName(Section entry) {
    Section.Field action = entry.field("action");
    Section.Field guest = entry.field("guest");
    if (action.missing() || !"create".equals(action.value().unwrapped()) || guest.missing()
        || guest.value().valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
      return Optional.empty();
    }
    com.typesafe.config.ConfigValue name = ((com.typesafe.config.ConfigObject) guest.value()).get("name");
    return name != null && (name.valueType() == com.typesafe.config.ConfigValueType.STRING
        || name.valueType() == com.typesafe.config.ConfigValueType.NUMBER)
        ? Optional.of(String.valueOf(name.unwrapped())) : Optional.empty();
  }

  /** What the timeline makes of a node: up, crashed, or switched off. */
  private enum NodeState { UP, FAILED, OFF }

  /**
   * A node's fails, recovers and power actions must follow one another: only a failed node recovers, only
   * an up node fails or is switched off, only an off node is switched on. Reports each action that does
   * not follow, with what would make it.
   */
  private static boolean nodeStatesFollow(List<Read> timeline) {
    java.util.Map<String, NodeState> state = new java.util.TreeMap<>();
    boolean ok = true;
    for (Read r : timeline) {
      ScenarioAction a = r.action();
      NodeState need;
      NodeState then;
      String fix;
      if (a instanceof ScenarioAction.Fail) {
        need = NodeState.UP;
        then = NodeState.FAILED;
        fix = "only a running node can fail";
      } else if (a instanceof ScenarioAction.Recover) {
        need = NodeState.FAILED;
        then = NodeState.UP;
        fix = "a recover must follow a fail of the same node with no recover in between: add { action = fail,"
            + " node = " + a.nodeOrNull() + " } before it, or remove it";
      } else if (a instanceof ScenarioAction.PowerOff) {
        need = NodeState.UP;
        then = NodeState.OFF;
        fix = "only a running node can be switched off";
      } else if (a instanceof ScenarioAction.PowerOn) {
        need = NodeState.OFF;
        then = NodeState.UP;
        fix = "a power-on must follow a power-off of the same node with no power-on in between: add { action ="
            + " power-off, node = " + a.nodeOrNull() + " } before it, or remove it";
      } else {
        continue;
      }
      NodeState now = state.getOrDefault(a.nodeOrNull(), NodeState.UP);
      if (a instanceof ScenarioAction.Fail && now == NodeState.FAILED) {
        continue; // failing a failed node changes nothing, as it always has
      }
      if (now != need) {
        String what = a instanceof ScenarioAction.Recover ? "recover" : a instanceof ScenarioAction.PowerOn
            ? "be switched on" : a instanceof ScenarioAction.PowerOff ? "be switched off" : "fail";
        String is = need == NodeState.UP ? words(now) : "not " + words(need);
        r.entry().report(r.entry().field("node"), "node " + a.nodeOrNull() + " is " + is + " at "
            + Units.formatDuration(a.at()) + ", so it cannot " + what + "; " + fix);
        ok = false;
        continue;
      }
      state.put(a.nodeOrNull(), then);
    }
    return ok;
  }

  private static String words(NodeState s) {
    return switch (s) {
      case UP -> "running";
      case FAILED -> "failed";
      case OFF -> "switched off";
    };
  }

  private static ScenarioAction action(Section entry, Collection<String> nodeNames, Collection<String> guestNames,
      Guests guests, PluginCatalog catalog, Duration baseLatency) {
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
      case RECOVER -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the failed node to boot again");
        return at == null || node == null ? null : new ScenarioAction.Recover(at, node);
      }
      case POWER_OFF -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the node to switch off");
        return at == null || node == null ? null : new ScenarioAction.PowerOff(at, node);
      }
      case POWER_ON -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the node to switch on");
        return at == null || node == null ? null : new ScenarioAction.PowerOn(at, node);
      }
      case NETWORK_FAULTS -> {
        Double loss = entry.has("loss") ? entry.decimal("loss", d -> d >= 0 && d < 1,
            "a fraction from 0 to below 1, such as 0.01 (1 would lose every message: use a partition)") : null;
        Double duplicate = entry.has("duplicate")
            ? entry.decimal("duplicate", d -> d >= 0 && d <= 1, "a fraction from 0 to 1, such as 0.01") : null;
        Boolean reorder = entry.has("reorder") ? entry.bool("reorder") : null;
        boolean ok = at != null && (!entry.has("loss") || loss != null)
            && (!entry.has("duplicate") || duplicate != null) && (!entry.has("reorder") || reorder != null);
        if (ok && loss == null && duplicate == null && reorder == null) {
          entry.report(entry.field("action"), "network-faults needs a loss, a duplicate or a reorder; add loss = 0.01,"
              + " duplicate = 0.01 or reorder = true");
          return null;
        }
        return ok ? new ScenarioAction.NetworkFaults(at, Optional.ofNullable(loss), Optional.ofNullable(duplicate),
            Optional.ofNullable(reorder)) : null;
      }
      case PARTITION -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the node to cut off");
        Optional<Duration> duration = optionalDuration(entry);
        return at == null || node == null || duration == null ? null
            : new ScenarioAction.Partition(at, node, duration);
      }
      case DEGRADE_LINK -> {
        String node = reference(entry, "node", nodeNames, "node", "the name of the node whose link degrades");
        Long bandwidth = entry.has("bandwidth")
            ? entry.bitsPerSecond("bandwidth", false, Limits.MAX_BITS_PER_SECOND,
                "a bandwidth greater than 0, such as 100Mbps") : null;
        Duration latency = entry.has("latency")
            ? entry.duration("latency", false, Limits.MAX_LATENCY, "a duration greater than 0 and at most 1s, such as"
                + " 20ms") : null;
        Optional<Duration> duration = optionalDuration(entry);
        boolean ok = at != null && node != null && duration != null
            && (!entry.has("bandwidth") || bandwidth != null) && (!entry.has("latency") || latency != null);
        if (ok && bandwidth == null && latency == null) {
          entry.report(entry.field("action"), "degrade-link needs a bandwidth, a latency or both; add"
              + " bandwidth = 100Mbps or latency = 20ms");
          return null;
        }
        if (ok && latency != null && baseLatency != null && latency.compareTo(baseLatency) < 0) {
          entry.report(entry.field("latency"), Units.formatDuration(latency) + " is shorter than network.latency ("
              + Units.formatDuration(baseLatency) + "); a degraded link is no faster: use at least "
              + Units.formatDuration(baseLatency));
          return null;
        }
        return ok ? new ScenarioAction.DegradeLink(at, node, Optional.ofNullable(bandwidth),
            Optional.ofNullable(latency), duration) : null;
      }
      case CREATE -> {
        // The entry is read as one of guests (over guest-defaults) and checked the same way: it fits on some
        // node, and its node, if it names one, exists, has room and runs its type.
        Section.Field field = entry.field("guest");
        Section guest = entry.section("guest"); // reports a guest that is missing or not an object
        if (field.missing() || field.value().valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
          return null;
        }
        GuestSpec spec = guests.readCreated().apply(guest);
        return at == null || spec == null ? null : new ScenarioAction.Create(at, spec);
      }
      case DESTROY, PAUSE, UNPAUSE, SHUTDOWN -> {
        String guest = reference(entry, "guest", guestNames, "guest", "the name of a guest such as web-1");
        return at == null || guest == null ? null
            : new ScenarioAction.GuestAction(at, GuestOp.valueOf(action.name()), guest);
      }
      default -> throw new AssertionError(action);
    }
  }

  /** An optional {@code duration} greater than 0: empty when absent, null when wrong (reported). */
  private static Optional<Duration> optionalDuration(Section entry) {
    if (!entry.has("duration")) {
      return Optional.empty();
    }
    Duration d = entry.duration("duration", false, Limits.MAX_DURATION, "a duration greater than 0 and at most"
        + " 365d, such as 30s (or leave it out: until the end of the run)");
    return d == null ? null : Optional.of(d);
  }

  /**
   * A node takes one partition and one degraded link at a time: a second one while the first lasts is
   * reported at the second, since what its end would mean is unclear.
   */
  private static boolean noOverlap(List<Read> timeline) {
    boolean ok = true;
    for (int i = 0; i < timeline.size(); i++) {
      ScenarioAction a = timeline.get(i).action();
      if (!(a instanceof ScenarioAction.Partition || a instanceof ScenarioAction.DegradeLink)) {
        continue;
      }
      for (int j = i + 1; j < timeline.size(); j++) {
        ScenarioAction b = timeline.get(j).action();
        if (b.getClass() == a.getClass() && node(b).equals(node(a))
            && a.endsAt().map(end -> b.at().compareTo(end) < 0).orElse(true)) {
          Section entry = timeline.get(j).entry();
          entry.report(entry.field("at"), "node " + node(a) + " is already " + (a instanceof ScenarioAction.Partition
              ? "cut off" : "on a degraded link") + " from " + Units.formatDuration(a.at())
              + a.endsAt().map(e -> " to " + Units.formatDuration(e)).orElse(" to the end of the run")
              + "; start this one after that ends");
          ok = false;
        }
      }
    }
    return ok;
  }

  private static String node(ScenarioAction a) {
    if (a instanceof ScenarioAction.Partition p) {
      return p.node();
    }
    return ((ScenarioAction.DegradeLink) a).node();
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
