package io.domsim.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every problem found in a cluster configuration, reported together so the user can fix them in one go.
 * A user mistake, not a bug: the exception carries no stack trace, and its message is the problems, one a
 * line, sorted by file, line and path.
 */
public final class ConfigProblems extends Exception {

  private final List<ConfigProblem> problems;

  public ConfigProblems(List<ConfigProblem> problems) {
    super(render(problems), null, false, false);
    this.problems = problems.stream().sorted(ConfigProblem.ORDER).toList();
  }

  /** The problems in printing order. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    return problems.stream().sorted(ConfigProblem.ORDER).map(ConfigProblem::toString)
        .collect(Collectors.joining("\n"));
  }
}
