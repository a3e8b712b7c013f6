package io.domsim.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code domsim.cluster}: the members of a run spread over several JVMs, and which member hosts each
 * node (a node's {@code member}, else round-robin over the members in configuration order).
 */
final class MembersReader {

  static final int MAX_MEMBERS = 1000;
  private static final String EXAMPLE = "{ name = m1, host = \"127.0.0.1\", port = 25520 }";

  private MembersReader() {}

  /** A member's address as first defined: where, and its host as written there. */
  private record Address(NodeReader.FirstDefinition first, String host) {}

  /** The members, or null when anything was wrong (reported). */
  static MembersSpec read(Section domsim, NodeReader.Nodes nodes, MetricsSpec metrics) {
    Section cluster = domsim.section("cluster");
    Duration joinTimeout = cluster.duration("join-timeout", false, Limits.MAX_DURATION,
        "a duration greater than 0, such as 60s");
    List<MemberSpec> members = new ArrayList<>();
    List<Section> listed = new ArrayList<>();
    Map<String, NodeReader.FirstDefinition> names = new LinkedHashMap<>();
    Map<String, Address> addresses = new TreeMap<>(); // by socket
    boolean ok = joinTimeout != null;
    List<Section> entries = cluster.entries("members", EXAMPLE);
    if (entries.size() > MAX_MEMBERS) {
      cluster.report(cluster.field("members"), entries.size() + " members; at most " + MAX_MEMBERS);
      return null;
    }
    for (Section m : entries) {
      String name = m.name("name", "a unique member name such as m1");
      String host = m.name("host", "a host name or address this member listens on, such as \"127.0.0.1\"");
      Integer port = m.integer("port", 1, 65535, "a TCP port from 1 to 65535, such as 25520");
      Integer metricsPort = m.has("metrics-port") ? m.integer("metrics-port", 0, 65535,
          "a TCP port from 0 to 65535 (0 picks a free port), such as 9465") : null;
      if (name == null || host == null || port == null || m.has("metrics-port") && metricsPort == null) {
        ok = false;
        continue;
      }
      NodeReader.FirstDefinition here = new NodeReader.FirstDefinition(m.path(), m.field("name").location());
      NodeReader.FirstDefinition first = names.putIfAbsent(name, here);
      if (first != null) {
        m.report(m.field("name"), Section.render(m.field("name").value()) + " is already the name of "
            + first.describe() + "; use a unique name");
        ok = false;
        continue;
      }
      MemberSpec member = new MemberSpec(name, host, port, metricsPort);
      Address taken = addresses.putIfAbsent(socket(host, port),
          new Address(new NodeReader.FirstDefinition(m.path(), m.field("port").location()), host));
      if (taken != null) {
        m.report(m.field("port"), host + ":" + port + " is already the address of " + taken.first().describe()
            + (taken.host().equals(host) ? "" : ", written there " + taken.host() + ":" + port + " (the same address)")
            + "; give each member its own port (or host)");
        ok = false;
        continue;
      }
      members.add(member);
      listed.add(m);
    }
    ok &= pinsNameMembers(nodes, names.keySet().stream().toList());
    if (ok && metrics != null && metrics.prometheus().enabled()) {
      ok = metricsPortsApart(new MembersSpec(members, new TreeMap<>(), Duration.ofSeconds(1)), listed,
          metrics.prometheus().port());
    }
    if (!ok) {
      return null;
    }
    if (members.isEmpty()) {
      return new MembersSpec(List.of(), new TreeMap<>(), joinTimeout);
    }
    TreeMap<String, String> memberOfNode = new TreeMap<>();
    int next = 0;
    for (String node : nodes.names()) {
      NodeReader.Pin pin = nodes.pins().get(node);
      if (pin != null) {
        memberOfNode.put(node, pin.member());
      } else {
        memberOfNode.put(node, members.get(next++ % members.size()).name());
      }
    }
    return new MembersSpec(members, memberOfNode, joinTimeout);
  }

  /**
   * With the metrics endpoint on, every member serves its nodes' meters on its own port ({@link
   * MembersSpec#metricsPort}): on one machine ({@link #machine}) no two members may take the same port, nor a
   * member's Akka port; each clash is reported at the member that comes second.
   */
  private static boolean metricsPortsApart(MembersSpec members, List<Section> listed, int base) {
    boolean ok = true;
    Map<String, String> taken = new TreeMap<>(); // machine and port -> what holds it
    for (MemberSpec m : members.members()) {
      taken.put(machine(m.host()) + " " + m.port(), m.name() + "'s cluster port");
    }
    for (int i = 0; i < members.members().size(); i++) {
      MemberSpec m = members.members().get(i);
      Section entry = listed.get(i);
      Section.Field at = entry.has("metrics-port") ? entry.field("metrics-port") : entry.field("name");
      if (m.metricsPort() == null && base != 0 && base + i > 65535) {
        entry.report(at, m.name() + " would serve its meters on metrics.prometheus.port " + base + " + " + i + " (its"
            + " place in the list) = " + (base + i) + ", which is not a port; give it a metrics-port, or lower"
            + " metrics.prometheus.port");
        ok = false;
        continue;
      }
      int port = members.metricsPort(m, base);
      if (port == 0) {
        continue;
      }
      String holder = taken.putIfAbsent(machine(m.host()) + " " + port, m.name() + "'s metrics port");
      if (holder != null) {
        entry.report(at, m.name() + " would serve its meters on port " + port + " of its machine (" + m.host()
            + "), which is already " + holder + "; give it another metrics-port (members serve metrics.prometheus"
            + ".port, + 1, + 2, ... in list order unless told, on metrics.prometheus.host of their machine)");
        ok = false;
      }
    }
    return ok;
  }

  /**
   * Where a member listening on {@code host} binds {@code port}, as far as the config alone tells: host names are
   * case-insensitive and {@code localhost} is the loopback address it names on every machine, so "localhost" and
   * "127.0.0.1" with one port are one socket, a clash to report now rather than a bind that fails at run time. No
   * other name is looked up (validating a config must not wait on a name server).
   */
  static String socket(String host, int port) {
    return address(host) + " " + port;
  }

  /** {@code host} in one spelling: lower case, {@code localhost} as 127.0.0.1, the IPv6 loopback as ::1. */
  private static String address(String host) {
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.equals("localhost") || h.equals("localhost.")) {
      return "127.0.0.1";
    } else if (h.equals("[::1]") || h.equals("0:0:0:0:0:0:0:1") || h.equals("[0:0:0:0:0:0:0:1]")) {
      return "::1";
    }
    return h;
  }

  /**
   * The machine a member listening on {@code host} runs on, as far as the config alone tells: every loopback
   * address (127.0.0.0/8, ::1, localhost) is this machine's, and other names are told apart as written (any case).
   * A member serves its meters on {@code metrics.prometheus.host}, not on its own host, so members on one machine
   * clash on one metrics port whatever their hosts (and a metrics port is kept off every cluster port there).
   */
  static String machine(String host) {
    String h = address(host);
    return h.startsWith("127.") || h.equals("::1") ? "loopback" : h;
  }

  /** Every {@code member = NAME} names a listed member; each wrong entry is reported once. */
  private static boolean pinsNameMembers(NodeReader.Nodes nodes, List<String> listed) {
    boolean ok = true;
    Map<NodeReader.Pin, Boolean> seen = new IdentityHashMap<>();
    for (String node : nodes.names()) {
      NodeReader.Pin pin = nodes.pins().get(node);
      if (pin == null || listed.contains(pin.member()) || seen.put(pin, Boolean.TRUE) != null) {
        continue;
      }
      ok = false;
      pin.entry().report(pin.field(), listed.isEmpty()
          ? Section.render(pin.field().value()) + " names a member, but domsim.cluster.members lists none; list"
              + " the members (" + EXAMPLE + ") or remove member"
          : Section.render(pin.field().value()) + " is not one of domsim.cluster.members (" + DidYouMean.list(listed)
              + ")" + DidYouMean.closest(pin.member(), listed).map(c -> "; did you mean \"" + c + "\"?")
              .orElse("; name one of them"));
    }
    return ok;
  }
}
