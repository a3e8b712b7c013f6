package io.domsim.config.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The plug-ins of one kind, by name: every implementation of {@code type} that
 * {@link ServiceLoader} finds on the class path (domsim's own and those of jars named in
 * {@code DOMSIM_PLUGINS}). Iteration is by name, never in discovery order, so that a run does not
 * depend on the order of the class path.
 */
public final class Registry<P extends Plugin> {
  private final PluginKind kind;
  private final SortedMap<String, P> byName;

  private Registry(PluginKind kind, SortedMap<String, P> byName) {
    this.kind = kind;
    this.byName = Collections.unmodifiableSortedMap(byName);
  }

  /**
   * Finds every {@code type} on the class path of {@code loader}.
   *
   * @throws PluginError when two plug-ins share a name or one cannot be loaded
   */
  public static <P extends Plugin> Registry<P> load(PluginKind kind, Class<P> type, ClassLoader loader) {
    SortedMap<String, P> byName = new TreeMap<>();
    try {
      for (P p : ServiceLoader.load(type, loader)) {
        P earlier = byName.putIfAbsent(p.name(), p);
        if (earlier != null) {
          throw new PluginError("two plug-ins of " + kind.noun() + " are named \"" + p.name() + "\": "
              + earlier.getClass().getName() + " and " + p.getClass().getName()
              + "; remove one of their jars from DOMSIM_PLUGINS or rename one");
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new PluginError("cannot load " + kind.noun() + " plug-in: " + e.getMessage()
          + "; check the jars named in DOMSIM_PLUGINS", e);
    }
    return new Registry<>(kind, byName);
  }

  /** The plug-ins of {@code type} on domsim's own class path. */
  public static <P extends Plugin> Registry<P> load(PluginKind kind, Class<P> type) {
    return load(kind, type, type.getClassLoader());
  }

  /** A registry of exactly these plug-ins (tests, embedding). */
  @SafeVarargs
  public static <P extends Plugin> Registry<P> of(PluginKind kind, P... plugins) {
    SortedMap<String, P> byName = new TreeMap<>();
    for (P p : plugins) {
      if (byName.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("duplicate plug-in name " + p.name());
      }
    }
    return new Registry<>(kind, byName);
  }

  public PluginKind kind() {
    return kind;
  }

  public SortedSet<String> names() {
    return new TreeSet<>(byName.keySet());
  }

  public List<P> all() {
    return List.copyOf(byName.values());
  }

  public Optional<P> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * The plug-in a validated configuration named. A name the loader accepted is always here, so a miss
   * is a bug (the catalog and the registry disagree), not a user's mistake.
   */
  public P get(String name) {
    P p = byName.get(name);
    if (p == null) {
      throw new IllegalStateException("no " + kind.noun() + " named \"" + name + "\"; known: " + names());
    }
    return p;
  }

  /**
   * The plug-in a message names: {@link #get(String)} of its name, after checking that it is of this kind.
   */
  public P get(PluginChoice choice) {
    if (choice.kind() != kind) {
      throw new IllegalArgumentException("\"" + choice.name() + "\" is " + choice.kind().noun() + ", not "
          + kind.noun());
    }
    return get(choice.name());
  }

  /**
   * The settings subtree of the plug-in named {@code name}: {@code domsim.<kind's path>.<name>}, or empty.
   *
   * @param settings the merged configuration under {@code domsim} ({@code ClusterSpec.settings()})
   */
  public Config settingsOf(String name, Config settings) {
    String path = kind.settingsPath() + ".\"" + name + "\"";
    return settings.hasPath(path) ? settings.getConfig(path) : ConfigFactory.empty();
  }

  /** A plug-in could not be loaded, or two share a name: the user's class path is at fault. */
  public static final class PluginError extends RuntimeException {
    public PluginError(String message) {
      super(message);
    }

    public PluginError(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
