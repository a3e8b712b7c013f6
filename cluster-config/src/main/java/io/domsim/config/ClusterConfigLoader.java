package io.domsim.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.domsim.config.plugin.PluginCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a HOCON cluster configuration into a validated {@link ClusterSpec}. The user's file, with the
 * CLI's {@code --set} overrides layered over it, falls back to the merged reference.conf of the classpath
 * (this module's defaults and every other module's). Every problem is collected and thrown at once as
 * {@link ConfigProblems}; no other exception escapes for a user mistake.
 */
public final class ClusterConfigLoader {

  private static final String ROOT = "domsim";

  private ClusterConfigLoader() {}

  /**
   * Reads a cluster file.
   *
   * @param file the file as the user named it; problems name it the same way
   * @param overrides {@code PATH=VALUE} strings, PATH relative to {@code domsim} (a leading
   *     {@code domsim.} is optional), VALUE in HOCON; later ones win
   * @param catalog the plug-in names the file may choose from (policies, algorithms, stop rules)
   */
  public static ClusterSpec load(Path file, List<String> overrides, PluginCatalog catalog) throws ConfigProblems {
    String name = file.toString();
    Problems problems = new Problems();
    Location whole = new Location(name, 0);
    Config parsed = null;
    if (!Files.exists(file)) {
      problems.add(whole, ROOT, "cannot read the file: it does not exist; give the path of a cluster "
          + "configuration such as examples/cluster.conf");
    } else if (Files.isDirectory(file)) {
      problems.add(whole, ROOT, "cannot read the file: it is a directory; give the path of a cluster "
          + "configuration file such as examples/cluster.conf");
    } else if (!Files.isReadable(file)) {
      problems.add(whole, ROOT, "cannot read the file: permission denied; make it readable");
    } else {
      parsed = parse(() -> ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false)), new Sources(name), problems);
    }
    return build(name, parsed, overrides, catalog, problems);
  }

  /**
   * Reads a cluster configuration given as text, such as an embedded example or a test's.
   *
   * @param sourceName what problems call the text, in place of a file name
   */
  public static ClusterSpec parse(String hoconText, String sourceName, List<String> overrides,
      PluginCatalog catalog) throws ConfigProblems {
    Problems problems = new Problems();
    Config parsed = parse(() -> ConfigFactory.parseString(hoconText,
        ConfigParseOptions.defaults().setOriginDescription(sourceName)), new Sources(sourceName), problems);
    return build(sourceName, parsed, overrides, catalog, problems);
  }

  /** A HOCON parse, with a syntax or I/O error turned into a problem at the line Typesafe Config names. */
  private static Config parse(java.util.function.Supplier<Config> parser, Sources sources, Problems problems) {
    try {
      return parser.get();
    } catch (ConfigException e) {
      problems.add(locate(e, sources), ROOT, "not valid HOCON: " + Sources.messageWithoutOrigin(e));
      return null;
    }
  }

  private static ClusterSpec build(String sourceName, Config file, List<String> overrides, PluginCatalog catalog,
      Problems problems)
      throws ConfigProblems {
    Sources sources = new Sources(sourceName);
    Config overrideConfig = Overrides.parse(overrides, problems);
    problems.throwIfAny(); // nothing more can be said about text that does not parse

    Config reference = ConfigFactory.defaultReferenceUnresolved();
    Config merged;
    try {
      // Resolved together, so that a substitution in the user's file may refer to a default and back.
      merged = overrideConfig.withFallback(file).withFallback(reference).resolve();
    } catch (ConfigException e) {
      problems.add(locate(e, sources), ROOT, "cannot resolve the configuration: " + Sources.messageWithoutOrigin(e));
      throw problems.toException();
    }

    Location anchor = rootAnchor(file, sources);
    ConfigValue domsim = merged.root().get(ROOT);
    if (domsim == null || domsim.valueType() != ConfigValueType.OBJECT) {
      Location at = domsim == null ? anchor : orElse(sources.locate(domsim.origin()), anchor);
      problems.add(at, ROOT, (domsim == null ? "missing" : Section.render(domsim) + " is not an object")
          + "; use domsim { ... }");
      throw problems.toException();
    }
    UnknownKeys.check(merged.root(), reference.root(), anchor, sources, problems);
    ClusterSpec spec = ClusterReader.read(sourceName,
        Section.root((ConfigObject) domsim, anchor, sources, problems), merged.getConfig(ROOT), catalog);
    problems.throwIfAny();
    return spec;
  }

  /** Where to point for things nobody wrote: the user's domsim { line, else the file as a whole. */
  private static Location rootAnchor(Config file, Sources sources) {
    ConfigValue domsim = file.root().get(ROOT);
    Location at = domsim == null ? null : sources.locate(domsim.origin());
    return orElse(at, new Location(sources.sourceName(), 0));
  }

  private static Location locate(ConfigException e, Sources sources) {
    return orElse(sources.locate(e.origin()), new Location(sources.sourceName(), 0));
  }

  private static Location orElse(Location location, Location fallback) {
    return location != null ? location : fallback;
  }
}
