package io.domsim.config;

/**
 * Where a problem points: a file (as the user named it, or {@code --set}) and a 1-based line; line 0 means
 * "no line" (an override on the command line, or a file that could not be read).
 */
record Location(String file, int line) {

  Location {
    line = Math.max(line, 0);
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line : file;
  }
}
