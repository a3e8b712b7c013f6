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
    path = cut(printable(path));
    message = cut(printable(message));
  }

  /**
   * Control and other unprintable characters as {@code \\uXXXX}: HOCON's own messages echo the token they
   * stumbled on, which may be a NUL or an escape sequence that would garble the terminal.
   */
  static String printable(String text) {
    if (text == null || Section.firstUnprintable(text) < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Section.firstUnprintable(new String(Character.toChars(c))) == 0) {
        out.append(String.format(java.util.Locale.ROOT, "\\u%04X", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
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
