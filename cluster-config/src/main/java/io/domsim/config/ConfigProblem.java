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

  /** Words (runs without spaces) longer than this are cut in the path and message. */
  static final int MAX_WORD = 120;

  /** The order problems are printed in: by file, line, path, then message, so output is deterministic. */
  public static final Comparator<ConfigProblem> ORDER = Comparator.comparing(ConfigProblem::file)
      .thenComparingInt(ConfigProblem::line)
      .thenComparing(ConfigProblem::path)
      .thenComparing(ConfigProblem::message);

  /** A 20 MB token echoed whole helps nobody and floods the terminal: long words are cut. */
  public ConfigProblem {
    path = cut(path);
    message = cut(message);
  }

  /** Every run of more than {@link #MAX_WORD} non-space characters, cut to its start and its length. */
  static String cut(String text) {
    if (text == null || text.length() <= MAX_WORD) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      int end = i;
      while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
        end++;
      }
      if (end - i > MAX_WORD) {
        out.append(text, i, i + MAX_WORD / 2).append("...(").append(end - i).append(" characters)");
      } else {
        out.append(text, i, end);
      }
      if (end < text.length()) {
        out.append(text.charAt(end));
        end++;
      }
      i = end;
    }
    return out.toString();
  }

  /** {@code FILE:LINE: PATH: message}, or {@code FILE: PATH: message} when there is no line. */
  @Override
  public String toString() {
    return new Location(file, line) + ": " + path + ": " + message;
  }
}
