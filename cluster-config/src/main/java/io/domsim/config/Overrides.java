package io.domsim.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.List;

/**
 * The CLI's {@code --set PATH=VALUE} overrides as one config to layer over the file. PATH is relative to
 * {@code domsim} (a leading {@code domsim.} is optional); VALUE is HOCON. Later overrides win.
 */
final class Overrides {

  private static final Location WHERE = new Location(Sources.OVERRIDE, 0);
  private static final String EXAMPLE = "PATH=VALUE such as simulation.seed=7 or simulation.duration=2m";

  private Overrides() {}

  static Config parse(List<String> overrides, Problems problems) {
    Config result = ConfigFactory.empty();
    for (String override : overrides) {
      Config one = parseOne(override, problems);
      if (one != null) {
        result = one.withFallback(result);
      }
    }
    return result;
  }

  private static Config parseOne(String override, Problems problems) {
    int equals = override.indexOf('=');
    String rawPath = (equals < 0 ? override : override.substring(0, equals)).strip();
    String path = rawPath.equals("domsim") || rawPath.startsWith("domsim.") ? rawPath : "domsim." + rawPath;
    if (equals < 0) {
      problems.add(WHERE, path, "\"" + override + "\" has no \"=\"; use " + EXAMPLE);
      return null;
    }
    try {
      ConfigUtil.splitPath(path);
    } catch (ConfigException e) {
      String hint = rawPath.contains("[")
          ? "; list elements cannot be addressed, so set the whole list (guests = [...]) or its defaults"
          : "; use " + EXAMPLE;
      problems.add(WHERE, path, "\"" + rawPath + "\" is not a valid path" + hint);
      return null;
    }
    String text = override.substring(equals + 1);
    if (text.isBlank()) {
      problems.add(WHERE, path, "no value after \"=\"; use " + EXAMPLE);
      return null;
    }
    try {
      ConfigFiles.checkDepth(text, Sources.OVERRIDE);
    } catch (ConfigFiles.Refused e) {
      problems.add(WHERE, path, e.getMessage());
      return null;
    }
    Config parsed;
    try {
      // Parsed as the value of one key, so that a VALUE cannot smuggle in other keys.
      parsed = ConfigFactory.parseString("v = " + text,
          ConfigParseOptions.defaults().setOriginDescription(Sources.OVERRIDE));
    } catch (ConfigException e) {
      problems.add(WHERE, path, "\"" + text + "\" is not a HOCON value (" + Sources.messageWithoutOrigin(e)
          + "); use " + EXAMPLE);
      return null;
    }
    ConfigValue value = parsed.root().get("v");
    if (parsed.root().size() != 1 || value == null) {
      problems.add(WHERE, path, "\"" + text + "\" is more than one value; give one --set per key");
      return null;
    }
    return ConfigFactory.empty().withValue(path, value);
  }
}
