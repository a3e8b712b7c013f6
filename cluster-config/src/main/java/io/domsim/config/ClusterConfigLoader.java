package io.domsim.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.domsim.config.plugin.PluginCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a HOCON cluster configuration into a validated {@link ClusterSpec}. The user's file, with the
 * CLI's {@code --set} overrides layered over it, falls back to the merged reference.conf of the classpath
 * (this module's defaults and every other module's). Every problem is collected and thrown at once as
 * {@link ConfigProblems}; no other exception escapes for a user mistake.
 */
public final class ClusterConfigLoader {

  private static final String ROOT = "domsim";
  private static final String TOO_DEEP = "the configuration is nested too deeply to read (objects, lists or "
      + "dotted keys thousands of levels deep); a cluster configuration needs a few levels";
  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{\\??([^}]*)\\}");

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
    return load(file, overrides, catalog, Runtime.getRuntime().maxMemory());
  }

  /** As {@link #load(Path, List, PluginCatalog)}, for a JVM that may use {@code maxHeapBytes}. */
  static ClusterSpec load(Path file, List<String> overrides, PluginCatalog catalog, long maxHeapBytes)
      throws ConfigProblems {
    String name = file.toString();
    Sources sources = new Sources(name);
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
      ConfigFiles files = new ConfigFiles(sources);
      parsed = parse(() -> files.parseFile(file), sources, problems);
    }
    return build(sources, parsed, overrides, catalog, problems, maxHeapBytes);
  }

  /**
   * Reads a cluster configuration given as text, such as an embedded example or a test's.
   *
   * @param sourceName what problems call the text, in place of a file name
   */
  public static ClusterSpec parse(String hoconText, String sourceName, List<String> overrides,
      PluginCatalog catalog) throws ConfigProblems {
    return parse(hoconText, sourceName, overrides, catalog, Runtime.getRuntime().maxMemory());
  }

  /** As {@link #parse(String, String, List, PluginCatalog)}, for a JVM that may use {@code maxHeapBytes}. */
  static ClusterSpec parse(String hoconText, String sourceName, List<String> overrides, PluginCatalog catalog,
      long maxHeapBytes) throws ConfigProblems {
    Sources sources = new Sources(sourceName);
    Problems problems = new Problems();
    ConfigFiles files = new ConfigFiles(sources);
    Config parsed = parse(() -> files.parseText(hoconText, sourceName), sources, problems);
    return build(sources, parsed, overrides, catalog, problems, maxHeapBytes);
  }

  /**
   * A HOCON parse, with a syntax or I/O error turned into a problem at the line Typesafe Config names.
   */
  private static Config parse(Supplier<Config> parser, Sources sources, Problems problems) {
    Config parsed;
    try {
      parsed = parser.get();
    } catch (ConfigFiles.Refused e) {
      problems.add(e.where(), ROOT, e.getMessage());
      return null;
    } catch (ConfigException e) {
      problems.add(locate(e, sources), ROOT, "not valid HOCON: " + Sources.messageWithoutOrigin(e));
      return null;
    } catch (StackOverflowError e) {
      problems.add(new Location(sources.sourceName(), 0), ROOT, TOO_DEEP);
      return null;
    }
    return parsed;
  }

  private static ClusterSpec build(Sources sources, Config file, List<String> overrides, PluginCatalog catalog,
      Problems problems, long maxHeapBytes) throws ConfigProblems {
    try {
      return buildSpec(sources, file, overrides, catalog, problems, maxHeapBytes);
    } catch (StackOverflowError e) {
      // A last resort: the bracket count catches deep nesting, dotted keys of thousands of levels get here.
      problems.add(new Location(sources.sourceName(), 0), ROOT, TOO_DEEP);
      throw problems.toException();
    }
  }

  private static ClusterSpec buildSpec(Sources sources, Config file, List<String> overrides,
      PluginCatalog catalog, Problems problems, long maxHeapBytes) throws ConfigProblems {
    String sourceName = sources.sourceName();
    Config overrideConfig = Overrides.parse(overrides, problems);
    problems.throwIfAny(); // nothing more can be said about text that does not parse

    Config reference = ConfigFactory.defaultReferenceUnresolved();
    Config merged;
    try {
      // Resolved together, so that a substitution in the user's file may refer to a default and back.
      merged = overrideConfig.withFallback(file).withFallback(reference).resolve();
    } catch (ConfigException.UnresolvedSubstitution e) {
      problems.add(locate(e, sources), ROOT, unresolved(Sources.messageWithoutOrigin(e)));
      throw problems.toException();
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
    ModuleSettingRanges.check(merged, reference, sources, problems);
    if (!file.root().containsKey(ROOT) && problems.isEmpty()) {
      // Without this, an empty file (or one whose root is misnamed) would quietly run the bundled defaults;
      // a root with a did-you-mean ("domsmi") has its own problem already.
      problems.add(anchor, ROOT, "no domsim section: the file " + (file.root().isEmpty() ? "is empty"
          : "has only " + DidYouMean.list(file.root().keySet())) + "; a cluster file is domsim { ... }, as in "
          + "examples/cluster.conf");
      throw problems.toException();
    }
    ClusterSpec spec = ClusterReader.read(sourceName,
        Section.root((ConfigObject) domsim, anchor, sources, problems), merged.getConfig(ROOT), catalog,
        maxHeapBytes);
    problems.throwIfAny();
    return spec;
  }

  /** An unset substitution, in words: which name, and the two ways out. */
  private static String unresolved(String message) {
    Matcher m = SUBSTITUTION.matcher(message);
    if (!m.find() || message.contains("cycle")) {
      return "cannot resolve the configuration: " + message;
    }
    String name = m.group(1);
    return "${" + name + "} is not set: no setting " + name + " and no environment variable " + name + "; set "
        + "it, or write ${?" + name + "} to leave the value out when it is unset";
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
