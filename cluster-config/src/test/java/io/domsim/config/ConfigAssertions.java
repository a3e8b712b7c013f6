package io.domsim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** Parses test configurations named t.conf and checks the problems they produce. */
final class ConfigAssertions {

  static final String FILE = "t.conf";

  private ConfigAssertions() {}

  static ClusterSpec parse(String text, String... overrides) throws ConfigProblems {
    return ClusterConfigLoader.parse(text, FILE, List.of(overrides), BuiltInNames.CATALOG);
  }

  /** Every problem, as printed. */
  static List<String> problems(String text, String... overrides) {
    ConfigProblems thrown = assertThrows(ConfigProblems.class, () -> parse(text, overrides));
    return thrown.problems().stream().map(ConfigProblem::toString).toList();
  }

  /**
   * Asserts that {@code text} has exactly one problem, printed as {@code prefix} followed by a message
   * containing {@code phrase}.
   */
  static void assertOnlyProblem(String text, String prefix, String phrase, String... overrides) {
    List<String> found = problems(text, overrides);
    assertEquals(1, found.size(), () -> "expected one problem, got:\n" + String.join("\n", found));
    assertProblem(found.get(0), prefix, phrase);
  }

  static void assertProblem(String problem, String prefix, String phrase) {
    assertTrue(problem.startsWith(prefix), () -> "expected prefix <" + prefix + "> in:\n" + problem);
    assertTrue(problem.substring(prefix.length()).contains(phrase),
        () -> "expected <" + phrase + "> in:\n" + problem);
  }
}
