package io.domsim.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;

/**
 * Tells which text a configuration value came from. Only what the user wrote (the file, files it includes,
 * {@code --set} overrides) has a location worth pointing at; bundled defaults (reference.conf) and objects
 * that HOCON merged from several places have none, and the caller points at the enclosing entry instead.
 */
final class Sources {

  /** The file name of every command-line override. */
  static final String OVERRIDE = "--set";

  private static final String MERGED = "merge of ";

  private final String sourceName;
  /** The files the user's file includes, as problems name them. */
  private final java.util.Set<String> included = new java.util.LinkedHashSet<>();

  /** @param sourceName the user's file as named by the user, or the name given to a parsed string */
  Sources(String sourceName) {
    this.sourceName = sourceName;
  }

  String sourceName() {
    return sourceName;
  }

  /** An included file, parsed from its text with its name as the origin description. */
  void addFile(String name) {
    included.add(name);
  }

  /** The user-visible location of an origin, or null when the value is a bundled default or a merge. */
  Location locate(ConfigOrigin origin) {
    if (origin == null || origin.resource() != null) {
      return null; // a classpath resource has a file name too when loaded from a directory
    }
    if (origin.filename() != null) {
      // HOCON keeps FILE origins only for merges within one file, at the earlier line
      return new Location(origin.filename(), origin.lineNumber());
    }
    String description = origin.description();
    if (description.startsWith(MERGED) || origin.url() != null) {
      return null;
    }
    if (isFrom(description, OVERRIDE)) {
      return new Location(OVERRIDE, 0); // an override is one line typed on the command line
    }
    if (isFrom(description, sourceName)) {
      return new Location(sourceName, origin.lineNumber());
    }
    for (String file : included) {
      if (isFrom(description, file)) {
        return new Location(file, origin.lineNumber());
      }
    }
    return null;
  }

  /** Typesafe Config prefixes its messages with the origin; we print our own location instead. */
  static String messageWithoutOrigin(ConfigException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e.origin() != null) {
      String prefix = e.origin().description() + ": ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
    }
    return message;
  }

  private static boolean isFrom(String description, String name) {
    return description.equals(name) || description.startsWith(name + ":");
  }
}
