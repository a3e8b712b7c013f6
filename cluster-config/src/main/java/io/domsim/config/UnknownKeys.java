package io.domsim.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reports keys that no module declares. The schema is the merged reference.conf of the classpath, so a key
 * another module adds (say {@code domsim.hypervisor.costs.*}) is accepted without this module knowing it.
 * The entries of {@code nodes}, {@code node-groups}, {@code guests}, {@code guest-groups} and {@code scenario}
 * are checked against {@code node-defaults} or {@code guest-defaults} plus their own keys (a scenario's
 * {@code create} has a guest entry). Type mismatches are left to the
 * readers, which report them with the expected form.
 */
final class UnknownKeys {


  private final Sources sources;
  private final Problems problems;
  private final Map<String, ConfigObject> entrySchemas = new LinkedHashMap<>();

  private UnknownKeys(Sources sources, Problems problems, ConfigObject domsimSchema) {
    this.sources = sources;
    this.problems = problems;
    ConfigObject nodeDefaults = objectOrEmpty(domsimSchema.get("node-defaults"));
    ConfigObject guestDefaults = objectOrEmpty(domsimSchema.get("guest-defaults"));
    entrySchemas.put("domsim.nodes", withKeys(nodeDefaults, List.of("name", "member")));
    entrySchemas.put("domsim.node-groups", withKeys(nodeDefaults, List.of("prefix", "count", "member")));
    entrySchemas.put("domsim.cluster.members", withKeys(ConfigValueFactory.fromMap(Map.of()),
        List.of("name", "host", "port", "metrics-port")));
    entrySchemas.put("domsim.guests", withKeys(guestDefaults, List.of("name", "node")));
    entrySchemas.put("domsim.guest-groups", withKeys(guestDefaults, List.of("prefix", "count", "node", "traces", "traces-skip")));
  }

  /**
   * @param userRoot the whole merged configuration (user over reference)
   * @param referenceRoot the merged reference.conf of the classpath
   */
  static void check(ConfigObject userRoot, ConfigObject referenceRoot, Location anchor, Sources sources,
      Problems problems) {
    ConfigObject domsimSchema = objectOrEmpty(referenceRoot.get("domsim"));
    new UnknownKeys(sources, problems, domsimSchema).check(userRoot, referenceRoot, domsimSchema, anchor);
  }

  private void check(ConfigObject userRoot, ConfigObject referenceRoot, ConfigObject domsimSchema,
      Location anchor) {
    // Outside domsim only likely mistakes are reported: other top-level keys may be Akka settings or the
    // user's own values for substitutions.
    for (String key : new TreeSet<>(userRoot.keySet())) {
      if (key.equals("domsim") || referenceRoot.containsKey(key)) {
        continue;
      }
      Location at = locate(userRoot.get(key), anchor);
      if (domsimSchema.containsKey(key)) {
        problems.add(at, ConfigUtil.joinPath(key), "unknown key; did you mean \"domsim." + key + "\"? Everything domsim reads is "
            + "inside domsim { ... }");
      } else if (DidYouMean.closest(key, List.of("domsim")).isPresent()) {
        problems.add(at, ConfigUtil.joinPath(key), "unknown key; did you mean \"domsim\"?");
      }
    }
    ConfigValue domsim = userRoot.get("domsim");
    if (domsim != null && domsim.valueType() == ConfigValueType.OBJECT) {
      walk((ConfigObject) domsim, domsimSchema, "domsim", anchor);
    }
  }

  private void walk(ConfigObject actual, ConfigObject schema, String path, Location anchor) {
    for (String key : new TreeSet<>(actual.keySet())) {
      ConfigValue value = actual.get(key);
      String childPath = path + "." + key;
      Location at = locate(value, anchor);
      ConfigValue expected = schema.get(key);
      if (expected == null) {
        // Quoted as HOCON would need it: a key may hold spaces, dots or control characters.
        problems.add(at, path + "." + ConfigUtil.joinPath(key), "unknown key" + suggestion(key, schema.keySet()));
      } else if (value.valueType() == ConfigValueType.OBJECT && expected.valueType() == ConfigValueType.OBJECT) {
        walk((ConfigObject) value, (ConfigObject) expected, childPath, at);
      } else if (value.valueType() == ConfigValueType.LIST && isEntryList(childPath)) {
        ConfigList list = (ConfigList) value;
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i).valueType() == ConfigValueType.OBJECT) {
            ConfigObject entry = (ConfigObject) list.get(i);
            walk(entry, entrySchema(childPath, entry), childPath + "[" + i + "]", locate(entry, at));
          }
        }
      }
    }
  }

  private boolean isEntryList(String path) {
    return entrySchemas.containsKey(path) || path.equals("domsim.scenario");
  }

  private ConfigObject entrySchema(String listPath, ConfigObject entry) {
    if (!listPath.equals("domsim.scenario")) {
      return entrySchemas.get(listPath);
    }
    // Which keys a scenario entry takes depends on its action; an unknown action accepts them all.
    ConfigValue action = entry.get("action");
    Object name = action == null ? null : action.unwrapped();
    ConfigObject keys = withKeys(ConfigValueFactory.fromMap(Map.of()), ScenarioReader.keysOf(name));
    // A create's guest is an entry of guests, with the same keys.
    return "create".equals(name) ? keys.withValue("guest", entrySchemas.get("domsim.guests")) : keys;
  }

  private static String suggestion(String key, Set<String> allowed) {
    List<String> sorted = List.copyOf(new TreeSet<>(allowed));
    return DidYouMean.closest(key, sorted).map(c -> "; did you mean \"" + c + "\"?")
        .orElseGet(() -> sorted.isEmpty() ? "; nothing may be set here" : "; allowed here: "
            + String.join(", ", sorted));
  }

  private Location locate(ConfigValue value, Location fallback) {
    Location at = sources.locate(value.origin());
    return at != null ? at : fallback;
  }

  private static ConfigObject withKeys(ConfigObject schema, List<String> keys) {
    ConfigObject result = schema;
    for (String key : keys) {
      result = result.withValue(key, ConfigValueFactory.fromAnyRef(""));
    }
    return result;
  }

  private static ConfigObject objectOrEmpty(ConfigValue value) {
    return value != null && value.valueType() == ConfigValueType.OBJECT
        ? (ConfigObject) value : ConfigValueFactory.fromMap(Map.of());
  }
}
