package io.domsim.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The other modules' settings (hypervisor costs, migration costs, stop rules) are read by their modules with
 * Typesafe Config's getters, which take {@code 1e999999999} as 2^63 bytes and {@code Infinity} as a double:
 * a flow of -2 bytes then crashed the run. Every such setting is a quantity, so a value the user writes is
 * held to the form of its default: a number finite and at least 0, a size from 0 to 1PiB, a duration from 0
 * to 365d. The modules check their own narrower ranges after this.
 */
final class ModuleSettingRanges {

  /** What the cluster readers read themselves, with their own ranges (relative to domsim). */
  private static final List<String> READ_HERE = List.of("simulation", "network", "node-defaults", "nodes",
      "node-groups", "scheduler.placement", "scheduler.host-timeout", "migration.algorithm", "migration.policy",
      "migration.downtime-limit", "migration.auto-converge", "migration.bandwidth", "guest-defaults", "guests",
      "guest-groups", "scenario", "metrics", "hypervisor.costs.domain-overhead", "hypervisor.dirty-model",
      "dom0.guest-shutdown-time", "kernel");

  private ModuleSettingRanges() {}

  static void check(Config merged, Config reference, Sources sources, Problems problems) {
    if (!reference.hasPath("domsim")) {
      return;
    }
    for (Map.Entry<String, ConfigValue> leaf : reference.getConfig("domsim").entrySet()) {
      String path = leaf.getKey();
      if (READ_HERE.stream().anyMatch(p -> path.equals(p) || path.startsWith(p + "."))) {
        continue;
      }
      ConfigValue value;
      try {
        value = merged.getValue("domsim." + path);
      } catch (ConfigException e) {
        continue; // missing or under a non-object: the module reports it with its own words
      }
      Location at = sources.locate(value.origin());
      if (at == null) {
        continue; // a default, not the user's
      }
      String problem = problem(leaf.getValue(), value);
      if (problem != null) {
        problems.add(at, "domsim." + path, problem);
      }
    }
  }

  /** What is wrong with {@code value} given its default's form, or null (also when its type is wrong). */
  private static String problem(ConfigValue byDefault, ConfigValue value) {
    String text = text(value);
    if (text == null) {
      return null;
    }
    if (byDefault.valueType() == ConfigValueType.NUMBER) {
      double d;
      try {
        d = Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        return null;
      }
      return Double.isFinite(d) && d >= 0 ? null
          : Section.render(value) + " is out of range; use a finite number of at least 0";
    }
    String example = byDefault.valueType() == ConfigValueType.STRING ? (String) byDefault.unwrapped() : null;
    if (example == null) {
      return null;
    }
    if (parses(() -> Units.parseDuration(example))) {
      try {
        Duration d = Units.parseDuration(text);
        return !d.isNegative() && d.compareTo(Limits.MAX_DURATION) <= 0 ? null
            : Section.render(value) + " is out of range; use a duration from 0 to 365d, such as " + example;
      } catch (IllegalArgumentException e) {
        return e.getMessage() == null || e.getMessage().startsWith("a bare") ? null
            : Section.render(value) + " is not a duration (" + e.getMessage() + "); use one from 0 to 365d";
      }
    }
    if (parses(() -> Units.parseBytes(example, 1))) {
      try {
        long b = Units.parseBytes(text, 1);
        return b >= 0 && b <= Limits.MAX_BYTES ? null
            : Section.render(value) + " is out of range; use a size from 0 to 1PiB, such as " + example;
      } catch (IllegalArgumentException e) {
        return e.getMessage() == null ? null
            : Section.render(value) + " is not a size (" + e.getMessage() + "); use one from 0 to 1PiB";
      }
    }
    return null;
  }

  /** A number as written, or a string; null for anything else. */
  private static String text(ConfigValue value) {
    if (value.valueType() == ConfigValueType.NUMBER) {
      return ConfigFactory.empty().withValue("v", value).getString("v");
    }
    return value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped() : null;
  }

  private static boolean parses(Runnable parse) {
    try {
      parse.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
