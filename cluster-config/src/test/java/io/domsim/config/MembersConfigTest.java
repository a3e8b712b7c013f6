package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code domsim.cluster}: the members of a run over several JVMs, and which one hosts each node. */
class MembersConfigTest {

  private static final String MEMBERS = """
      cluster.members = [
        { name = m1, host = "127.0.0.1", port = 25520 }
        { name = m2, host = "127.0.0.1", port = 25521 }
        { name = m3, host = "127.0.0.1", port = 25522 }
      ]
      """;

  @Test
  void withoutMembersTheRunIsInOneJvm() throws ConfigProblems {
    MembersSpec members = parse("domsim { nodes = [ { name = n1 } ] }").members();
    assertTrue(members.isEmpty());
    assertEquals(Map.of(), members.memberOfNode());
    assertEquals(Duration.ofSeconds(60), members.joinTimeout());
  }

  @Test
  void nodesGoRoundRobinInConfigOrderUnlessTheyNameTheirMember() throws ConfigProblems {
    MembersSpec members = parse("domsim {\n" + MEMBERS + """
          nodes = [ { name = a }, { name = b, member = m1 }, { name = c }, { name = d } ]
          node-groups = [ { prefix = r, count = 3 }, { prefix = p, count = 2, member = m3 } ]
          cluster.join-timeout = 5s
        }
        """).members();
    assertEquals(List.of("m1", "m2", "m3"), members.names());
    assertEquals("m1", members.driver().name());
    assertEquals(new MemberSpec("m2", "127.0.0.1", 25521), members.member("m2").orElseThrow());
    // The unpinned a, c, d, r1, r2, r3 take m1, m2, m3, m1, m2, m3 in turn; b and the p group are pinned.
    assertEquals(Map.of("a", "m1", "b", "m1", "c", "m2", "d", "m3", "r1", "m1", "r2", "m2", "r3", "m3",
        "p1", "m3", "p2", "m3"), members.memberOfNode());
    assertEquals(Duration.ofSeconds(5), members.joinTimeout());
  }

  @Test
  void memberNamesAreUnique() {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n cluster.members = [\n"
            + " { name = m1, host = \"127.0.0.1\", port = 25520 }\n { name = m1, host = \"127.0.0.1\", port = 25521 } ]\n}",
        "t.conf:5: domsim.cluster.members[1].name:", "is already the name of domsim.cluster.members[0] (t.conf:4)");
  }

  @Test
  void memberAddressesAreUnique() {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n cluster.members = [\n"
            + " { name = m1, host = \"127.0.0.1\", port = 25520 }\n { name = m2, host = \"127.0.0.1\", port = 25520 } ]\n}",
        "t.conf:5: domsim.cluster.members[1].port:", "127.0.0.1:25520 is already the address of domsim.cluster"
            + ".members[0]");
  }

  @Test
  void eachMemberServesItsMetersOnItsOwnPort() throws ConfigProblems {
    ClusterSpec spec = parse("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 9500 }\n"
        + " cluster.members = [\n { name = m1, host = \"127.0.0.1\", port = 25520 }\n"
        + " { name = m2, host = \"127.0.0.1\", port = 25521, metrics-port = 9600 }\n"
        + " { name = m3, host = \"127.0.0.1\", port = 25522 } ]\n}");
    MembersSpec members = spec.members();
    assertEquals(List.of(9500, 9600, 9502), members.members().stream().map(m -> members.metricsPort(m, 9500)).toList(),
        "the base, its own, the base + its place");
    assertEquals(0, members.metricsPort(members.driver(), 0), "0 picks a free port on each member");
  }

  @Test
  void membersOnOneHostMayNotShareAMetricsPort() {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 9500 }\n"
            + " cluster.members = [\n { name = m1, host = \"127.0.0.1\", port = 25520 }\n"
            + " { name = m2, host = \"127.0.0.1\", port = 25521, metrics-port = 9500 } ]\n}",
        "t.conf:6: domsim.cluster.members[1].metrics-port:", "m2 would serve its meters on port 9500 of its machine"
            + " (127.0.0.1), which is already m1's metrics port; give it another metrics-port");
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 25520 }\n"
            + " cluster.members = [\n { name = m1, host = \"127.0.0.1\", port = 25521 }\n"
            + " { name = m2, host = \"127.0.0.1\", port = 25522 } ]\n}",
        "t.conf:6: domsim.cluster.members[1].name:", "m2 would serve its meters on port 25521 of its machine"
            + " (127.0.0.1), which is already m1's cluster port");
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 65535 }\n"
            + " cluster.members = [\n { name = m1, host = \"127.0.0.1\", port = 25521 }\n"
            + " { name = m2, host = \"10.0.0.2\", port = 25522 } ]\n}",
        "t.conf:6: domsim.cluster.members[1].name:", "= 65536, which is not a port; give it a metrics-port");
  }

  /**
   * "localhost" and "127.0.0.1" are one address: a cluster port both take clashes at validate, not when a bind fails.
   * Every loopback address is one machine, where the members serve their meters on one host
   * (metrics.prometheus.host): one metrics port for two of them clashes, though their own hosts differ.
   */
  @Test
  void localhostAndTheLoopbackAddressAreOneHost() throws ConfigProblems {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n cluster.members = [\n"
            + " { name = m1, host = localhost, port = 25520 }\n { name = m2, host = \"127.0.0.1\", port = 25520 } ]\n}",
        "t.conf:5: domsim.cluster.members[1].port:", "127.0.0.1:25520 is already the address of domsim.cluster"
            + ".members[0] (t.conf:4), written there localhost:25520 (the same address); give each member its own port");
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 9500 }\n"
            + " cluster.members = [\n { name = m1, host = LocalHost, port = 25520 }\n"
            + " { name = m2, host = \"127.0.0.2\", port = 25521, metrics-port = 9500 } ]\n}",
        "t.conf:6: domsim.cluster.members[1].metrics-port:", "m2 would serve its meters on port 9500 of its machine"
            + " (127.0.0.2), which is already m1's metrics port");
    // Two loopback addresses are two sockets for the members' own ports, and other names are not looked up.
    assertEquals(2, parse("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 9500 }\n"
        + " cluster.members = [\n { name = m1, host = \"127.0.0.1\", port = 25520 }\n"
        + " { name = m2, host = \"127.0.0.2\", port = 25520 } ]\n}").members().members().size());
    assertEquals(2, parse("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus { enabled = true, port = 9500 }\n"
        + " cluster.members = [\n { name = m1, host = \"host-a\", port = 25520 }\n"
        + " { name = m2, host = \"host-b\", port = 25520, metrics-port = 9500 } ]\n}").members().members().size());
  }

  @Test
  void withoutTheEndpointMetricsPortsAreNotChecked() throws ConfigProblems {
    MembersSpec members = parse("domsim {\n nodes = [ { name = n1 } ]\n metrics.prometheus.port = 25520\n"
        + " cluster.members = [ { name = m1, host = \"127.0.0.1\", port = 25521 }, { name = m2, host = \"127.0.0.1\","
        + " port = 25522 } ]\n}").members();
    assertEquals(2, members.members().size());
  }

  @Test
  void portsAreTcpPorts() {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n cluster.members = [ { name = m1, host = h, port = 0 } ]\n}",
        "t.conf:3: domsim.cluster.members[0].port:", "a TCP port from 1 to 65535");
  }

  @Test
  void aNodesMemberMustBeListed() {
    assertOnlyProblem("domsim {\n" + MEMBERS + " nodes = [ { name = n1, member = m4 } ]\n}",
        "t.conf:7: domsim.nodes[0].member:", "\"m4\" is not one of domsim.cluster.members (m1, m2 and m3); did you mean \"m1\"?");
    assertOnlyProblem("domsim {\n" + MEMBERS + " node-groups = [ { prefix = r, count = 40, member = mm2 } ]\n}",
        "t.conf:7: domsim.node-groups[0].member:", "did you mean \"m2\"?");
  }

  @Test
  void aMemberWithoutMembersIsRefused() {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1, member = m2 } ]\n}",
        "t.conf:2: domsim.nodes[0].member:", "names a member, but domsim.cluster.members lists none");
  }

  @Test
  void aMemberEntryTakesNameHostAndPortOnly() {
    assertOnlyProblem("domsim {\n nodes = [ { name = n1 } ]\n cluster.members = [ { name = m1, host = h, port = 1, "
        + "prot = 2 } ]\n}", "t.conf:3: domsim.cluster.members[0].prot:", "unknown key; did you mean \"port\"?");
  }
}
