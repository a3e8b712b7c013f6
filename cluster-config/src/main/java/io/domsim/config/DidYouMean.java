package io.domsim.config;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Suggests the name a user probably meant, for unknown keys and unknown node or guest names. */
final class DidYouMean {

  /** Lists longer than this are cut in messages: 44 node names help nobody. */
  private static final int MAX_LISTED = 8;

  /** Names longer than this get no suggestion. */
  private static final int MAX_GUESSED = 100;

  private DidYouMean() {}

  /**
   * The closest candidate: a Levenshtein distance of at most 2 (but less than either length, so that
   * "to" does not suggest "at"), else one name being a prefix of the other (at least 3 characters).
   * Ties go to the earlier candidate, so callers pass candidates in a stable order.
   */
  static Optional<String> closest(String given, Collection<String> candidates) {
    if (given.length() > MAX_GUESSED) {
      return Optional.empty(); // no typo is that long, and the distance would cost length × length
    }
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = levenshtein(given, candidate);
      int score;
      if (distance <= 2 && distance < Math.min(given.length(), candidate.length())) {
        score = distance;
      } else if (isPrefixMatch(given, candidate)) {
        score = 3; // a prefix match ranks after every close spelling
      } else {
        continue;
      }
      if (score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }

  /** {@code "; did you mean "x"?"} or {@code "; WHAT are a, b and c"}, to end a message with. */
  static String hint(String given, Collection<String> candidates, String what) {
    return closest(given, candidates).map(c -> "; did you mean \"" + c + "\"?")
        .orElseGet(() -> candidates.isEmpty() ? "; there are no " + what : "; " + what + " are "
            + list(candidates));
  }

  /** {@code a, b or c}, cut after a few entries. */
  static String oneOf(Collection<String> names) {
    return join(names, " or ");
  }

  /** {@code a, b and c}, cut after a few entries. */
  static String list(Collection<String> names) {
    return join(names, " and ");
  }

  static int levenshtein(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static boolean isPrefixMatch(String a, String b) {
    String shorter = a.length() <= b.length() ? a : b;
    String longer = shorter == a ? b : a;
    return shorter.length() >= 3 && longer.startsWith(shorter);
  }

  private static String join(Collection<String> names, String lastSeparator) {
    List<String> all = List.copyOf(names);
    if (all.size() > MAX_LISTED) {
      return all.stream().limit(MAX_LISTED).collect(Collectors.joining(", "))
          + ", ... (" + all.size() + " in all)";
    }
    if (all.size() <= 1) {
      return String.join("", all);
    }
    return String.join(", ", all.subList(0, all.size() - 1)) + lastSeparator + all.get(all.size() - 1);
  }
}
