package io.domsim.config;

import java.util.Comparator;

/**
 * One thing wrong with a cluster configuration, with where it is and how to fix it.
 *
 * @param file the file as the user named it, or {@code --set} for a command-line override
 * @param line 1-based line of the offending value; 0 when there is none (overrides, unreadable files)
 * @param path the full path of the offending key, starting with {@code domsim}, with list indexes such as
 *     {@code domsim.guests[1].workload.cpu}
 * @param message what is wrong and what is allowed
 */
public record ConfigProblem(String file, int line, String path, String message) {

  /** The order problems are printed in: by file, line, path, then message, so output is deterministic. */
  public static final Comparator<ConfigProblem> ORDER = Comparator.comparing(ConfigProblem::file)
      .thenComparingInt(ConfigProblem::line)
      .thenComparing(ConfigProblem::path)
      .thenComparing(ConfigProblem::message);

  /** {@code FILE:LINE: PATH: message}, or {@code FILE: PATH: message} when there is no line. */
  @Override
  public String toString() {
    return new Location(file, line) + ": " + path + ": " + message;
  }
}
