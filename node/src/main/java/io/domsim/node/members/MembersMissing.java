package io.domsim.node.members;

import java.time.Duration;
import java.util.List;

/** Not every member joined within {@code domsim.cluster.join-timeout}: nothing was run. */
public final class MembersMissing extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> missing;

  public MembersMissing(List<String> missing, Duration waited, String config) {
    super(sentence(missing, waited, config), null, false, false);
    this.missing = List.copyOf(missing);
  }

  /** A serving member that could not join the driver: {@code what} says so, the rest as above. */
  public MembersMissing(List<String> missing, Duration waited, String config, String what) {
    super(what + " within " + waited.toSeconds() + " s (domsim.cluster.join-timeout); start it (domsim run " + config
        + " --member " + missing.get(0) + "), check the addresses in domsim.cluster.members, or wait longer with"
        + " --set cluster.join-timeout=5m", null, false, false);
    this.missing = List.copyOf(missing);
  }

  public List<String> missing() {
    return missing;
  }

  private static String sentence(List<String> missing, Duration waited, String config) {
    String who = missing.size() == 1 ? "member " + missing.get(0) + " has"
        : "members " + String.join(", ", missing.subList(0, missing.size() - 1)) + " and "
            + missing.get(missing.size() - 1) + " have";
    String start = String.join("; ", missing.stream().map(m -> "domsim run " + config + " --member " + m).toList());
    return who + " not joined within " + waited.toSeconds() + " s (domsim.cluster.join-timeout); start "
        + (missing.size() == 1 ? "it" : "each") + " (" + start + "), check the addresses in domsim.cluster.members,"
        + " or wait longer with --set cluster.join-timeout=5m";
  }
}
