package io.domsim.node;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterSpec;
import io.domsim.config.MemberSpec;
import io.domsim.config.MembersSpec;
import io.domsim.node.members.MemberAkka;
import io.domsim.node.members.Membership;
import io.domsim.node.members.ServingMember;
import io.domsim.node.members.StartBarrier;
import io.domsim.node.series.GuestRow;
import io.domsim.node.series.NodeRow;
import io.domsim.node.series.RoundRow;
import io.domsim.node.series.SeriesSink;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run's time series and meters over three members (in one JVM, as three processes run it: {@code ClusterRun.startOverMembers}
 * and two {@code ServingMember.host}s over Artery and Kryo) are the one JVM's, row for row and in the same order:
 * every node's and guest's rows, the failed and the switched-off nodes' rows up to the end, and the migrations' rounds.
 * Each member's registry holds its own nodes' meters (the driver's also the cluster's), with the one JVM's values.
 * (Before, the driver wrote only its own nodes' rows and meters: a third of the cluster.)
 */
@Timeout(180)
class SeriesAndMetersOverMembersTest {

  /** Every row the sink was handed, in order. */
  static final class Rows implements SeriesSink {
    final List<NodeRow> nodes = new ArrayList<>();
    final List<GuestRow> guests = new ArrayList<>();
    final List<RoundRow> rounds = new ArrayList<>();
    int roundsCalls;

    @Override public synchronized void nodes(List<NodeRow> rows) {
      nodes.addAll(rows);
    }

    @Override public synchronized void guests(List<GuestRow> rows) {
      guests.addAll(rows);
    }

    @Override public synchronized void rounds(List<RoundRow> rows) {
      rounds.addAll(rows);
      roundsCalls++;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** {@code config} run in one JVM and over three members: the same rows. */
  static Rows sameSeries(String config) throws Exception {
    return sameSeries(config, "");
  }

  /** As the other, the run over members with {@code overMembers} added to its configuration (its clock, say). */
  static Rows sameSeries(String config, String overMembers) throws Exception {
    ClusterSpec oneJvm = ClusterOverMembersTest.spec(config);
    Rows expected = new Rows();
    SimpleMeterRegistry oneRegistry = new SimpleMeterRegistry();
    try (ClusterRun run = ClusterRun.start(oneJvm, oneRegistry, expected)) {
      run.awaitEnd(t -> { });
    }
    String members = "\ndomsim.cluster.members = [ { name = m1, host = \"127.0.0.1\", port = " + freePort() + " },"
        + " { name = m2, host = \"127.0.0.1\", port = " + freePort() + " }, { name = m3, host = \"127.0.0.1\", port = "
        + freePort() + " } ]\n";
    ClusterSpec spec = ClusterOverMembersTest.spec(config + members + overMembers);
    MembersSpec listed = spec.members();
    Rows over = new Rows();
    java.util.Map<String, SimpleMeterRegistry> registries = new java.util.TreeMap<>();
    listed.names().forEach(m -> registries.put(m, new SimpleMeterRegistry()));
    ExecutorService serving = Executors.newFixedThreadPool(2);
    List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<ServingMember.Outcome>> outcomes = new ArrayList<>();
      for (MemberSpec m : listed.members().subList(1, 3)) {
        outcomes.add(serving.submit(() -> ServingMember.host(spec, m, registries.get(m.name()), said::add)));
      }
      ClusterRun.StartGate gate = system -> StartBarrier.await(new Membership(system, listed), listed.joinTimeout(),
          "members.conf");
      try (ClusterRun run = ClusterRun.startOverMembers(spec, registries.get("m1"), over, MemberAkka.config(listed,
          listed.driver()),
          gate)) {
        run.awaitEnd(t -> { });
      }
      for (Future<ServingMember.Outcome> o : outcomes) {
        assertEquals(ServingMember.Outcome.ENDED, o.get(60, SECONDS), String.join("\n", said));
      }
    } finally {
      serving.shutdownNow();
    }
    java.util.Set<String> nodes = new java.util.TreeSet<>();
    expected.nodes.forEach(r -> nodes.add(r.node()));
    assertEquals(spec.nodes().size(), nodes.size(), "one JVM has rows of every node: " + nodes);
    sameRows(expected.nodes, over.nodes, "node rows");
    sameRows(expected.guests, over.guests, "guest rows");
    sameRows(expected.rounds, over.rounds, "the migrations' rounds");
    assertEquals(1, over.roundsCalls, "the rounds come once, at the end");
    sameMeters(oneRegistry, registries, listed);
    return over;
  }

  /**
   * ClusterOverMembersTest's scenario (a node switched off and on, a partition, message faults, a create, a failure
   * and a recovery, lifecycle verbs) with the guests' rows too.
   */
  @Test
  void threeMembersWriteTheSeriesOfOneJvm() throws Exception {
    Rows over = sameSeries(ClusterOverMembersTest.CONFIG + "\ndomsim.metrics.series.guests = true\n");
    assertTrue(over.guests.size() > 400, over.guests.size() + " guest rows (532 when written)");
  }

  /**
   * Consolidation (thr, switching idle hosts off) on guests whose load jumps from 5% to 100% at 6 minutes: a round
   * powers hosts on on several members at one instant, a barrier event whose rows the driver's nodes make in its window
   * and the others' in the next one (found in review: the driver wrote its own first, out of one JVM's node order).
   */
  @Test
  void aConsolidationRoundThatPowersOnHostsOnSeveralMembersWritesTheSeriesOfOneJvm() throws Exception {
    Rows over = sameSeries("""
        domsim {
          simulation { duration = 16m, seed = 5, sample-interval = 10s }
          node-defaults {
            cpu { cores = 4, ghz = 2.0 }
            memory = 32GiB
            nic = 1Gbps
            power { model = hp-proliant-ml110-g5, off = 0W, shutdown-time = 10s, boot-time = 60s }
            dom0 { vcpus = 1, memory = 1GiB }
          }
          nodes = [ { name = h2 }, { name = h1 }, { name = h3 }, { name = h4 }, { name = h5 }, { name = h6 },
            { name = h7 }, { name = h8 } ]
          guest-defaults { type = pv, vcpus = 1, memory = 1GiB, workload { trace = "src/test/resources/series/spike.txt",
            trace-interval = 2m, dirty-rate = 500, io-rate = 10 } }
          guest-groups = [ { prefix = "g", count = 16 } ]
          scheduler {
            placement = worst-fit
            consolidation { policy = thr, selection = mmt, switch-off-idle = true, interval = 2m }
          }
        }
        """);
    assertTrue(over.nodes.stream().anyMatch(r -> r.state() == io.domsim.hypervisor.NodeSample.State.OFF),
        "hosts were switched off");
  }

  /**
   * The same over members on the real clock (each member paces its windows by the wall clock, at 3,000 times real
   * time) gives the one JVM's virtual clock's rows and meters.
   */
  @Test
  void theRealClockOverMembersWritesTheVirtualClocksSeries() throws Exception {
    sameSeries(ClusterOverMembersTest.CONFIG, "\ndomsim.simulation { clock = real, speed = 3000 }\n");
  }

  /**
   * examples/migration.conf, its destinations on other members than its sources, dst-2 failing during a migration
   * into it and staying failed to the end: the rounds, the streams' bytes on both ends, a down node's rows to the end.
   */
  @Test
  void migrationsBetweenMembersWriteTheSeriesOfOneJvm() throws Exception {
    String text = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/migration.conf"))
        + "\ndomsim.scenario += { at = 150s, action = fail, node = dst-2 }\n";
    Rows over = sameSeries(text);
    long end = ClusterOverMembersTest.spec(text).simulation().duration().toNanos();
    assertTrue(over.rounds.size() > 10, over.rounds.size() + " rounds");
    assertTrue(over.nodes.stream().anyMatch(r -> r.node().equals("dst-2") && r.state()
        == io.domsim.hypervisor.NodeSample.State.FAILED && r.atNanos() == end), "the failed node's rows up to the end");
    assertTrue(over.nodes.stream().anyMatch(r -> r.migrationTxBytes() > 0) && over.nodes.stream()
        .anyMatch(r -> r.migrationRxBytes() > 0), "the streams' bytes at both ends");
  }

  /**
   * Every meter of one JVM's registry is in the registry of the member that hosts its node (the cluster's in the
   * driver's), with the same value (but the speed, which the wall clock gives); and a member has no meters of nodes
   * it does not host.
   */
  static void sameMeters(SimpleMeterRegistry one, java.util.Map<String, SimpleMeterRegistry> members, MembersSpec listed) {
    int nodeMeters = 0;
    for (Meter m : one.getMeters()) {
      if (m.getId().getName().equals(ClusterMeters.SPEED)) {
        continue; // simulated seconds per wall second: not the simulation's
      }
      String node = m.getId().getTag("node");
      String member = node == null ? listed.driver().name() : listed.memberOf(node);
      Meter there = members.get(member).find(m.getId().getName()).tags(m.getId().getTags()).meter();
      assertTrue(there != null, m.getId() + " is not in " + member + "'s registry");
      assertEquals(values(m), values(there), m.getId() + " in " + member + "'s registry");
      nodeMeters += node == null ? 0 : 1;
    }
    assertTrue(nodeMeters > 50, nodeMeters + " meters of nodes");
    for (var e : members.entrySet()) {
      for (Meter m : e.getValue().getMeters()) {
        String node = m.getId().getTag("node");
        assertTrue(node == null || listed.memberOf(node).equals(e.getKey()), e.getKey() + " has " + m.getId());
      }
    }
  }

  private static List<String> values(Meter m) {
    List<String> v = new ArrayList<>();
    m.measure().forEach(x -> v.add(x.getStatistic() + "=" + x.getValue()));
    return v;
  }

  /** The same rows in the same order; else the first that differs (the lists are thousands of rows long). */
  static void sameRows(List<?> expected, List<?> actual, String what) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      assertEquals(expected.get(i), actual.get(i), what + ": the first that differs is row " + i);
    }
    assertEquals(expected.size(), actual.size(), what + ": as many");
  }
}
