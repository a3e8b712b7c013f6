package io.domsim.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The members of a simulation spread over several JVMs ({@code domsim.cluster}), and which member hosts each
 * node. Empty (no members) for a run in one JVM, the default: then nothing else here applies.
 *
 * @param members in configuration order; the first drives the run (clock, scenario, report)
 * @param memberOfNode each node's member, by node name; empty when there are no members
 * @param joinTimeout how long the driving member waits for every member to join before it gives up
 */
public record MembersSpec(List<MemberSpec> members, SortedMap<String, String> memberOfNode, Duration joinTimeout) {

  public static final MembersSpec NONE = new MembersSpec(List.of(), new TreeMap<>(), Duration.ofSeconds(60));

  public MembersSpec {
    members = List.copyOf(members);
    memberOfNode = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(memberOfNode));
  }

  /** No members: the whole run is in this JVM. */
  public boolean isEmpty() {
    return members.isEmpty();
  }

  /** The member that drives the run: the first listed. */
  public MemberSpec driver() {
    return members.get(0);
  }

  public Optional<MemberSpec> member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /**
   * The port {@code member} serves its nodes' Prometheus meters on, with {@code metrics.prometheus.port} = {@code
   * base}: its own {@code metrics-port}, else base plus its place in the list (the driver base itself, the next
   * member base + 1, ...), so that members on one machine do not clash; 0 stays 0 (each picks a free port).
   */
  public int metricsPort(MemberSpec member, int base) {
    if (member.metricsPort() != null) {
      return member.metricsPort();
    }
    int at = members.indexOf(member);
    if (at < 0) {
      throw new IllegalArgumentException(member.name() + " is not one of the members " + names());
    }
    return base == 0 ? 0 : base + at;
  }

  /** The members' names in configuration order. */
  public List<String> names() {
    return members.stream().map(MemberSpec::name).toList();
  }

  /** The member that hosts {@code node}. */
  public String memberOf(String node) {
    String m = memberOfNode.get(node);
    if (m == null) {
      throw new IllegalArgumentException("no member hosts " + node);
    }
    return m;
  }
}
