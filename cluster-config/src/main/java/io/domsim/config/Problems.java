package io.domsim.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Collects problems while a configuration is read, so that all of them are reported at once. Identical
 * problems are kept once: a bad value in {@code node-defaults} is seen by every node that inherits it.
 */
final class Problems {

  private final Set<ConfigProblem> found = new LinkedHashSet<>();

  void add(Location where, String path, String message) {
    found.add(new ConfigProblem(where.file(), where.line(), path, message));
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  void throwIfAny() throws ConfigProblems {
    if (!found.isEmpty()) {
      throw toException();
    }
  }

  ConfigProblems toException() {
    return new ConfigProblems(new ArrayList<>(found));
  }
}
