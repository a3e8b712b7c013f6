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
 * A run over three members in one JVM, as three processes run it (each an Akka Cluster node on loopback with its
 * kernel: {@code ClusterRun.startOverMembers} and two {@code ServingMember.host}s; everything between them over Artery
 * and Kryo), whose pool master (n01, the first node by name, second in the file: on m2) places 2,500 guests: they go to
 * it in one {@code Dom0.BecomePoolMaster} of about 320 KB, their placements come back in one {@code PoolMaster.Outcome},
 * both through the members' links in parts. The report is the one JVM's. (It was refused above 1,500 guests: Artery
 * drops a message bigger than its 256 KiB frame, and the guests would never have been placed.)
 */
@Timeout(180)
class PoolMasterOnAServingMemberTest {

  static final String CONFIG = """
      domsim {
        simulation { duration = 5s, seed = 17, sample-interval = 1s }
        node-defaults { cpu { cores = 64, ghz = 2.5 }, memory = 512GiB }
        nodes = [ { name = n02 }, { name = n01 }, { name = n03 }, { name = n04 }, { name = n05 }, { name = n06 } ]
        guest-groups = [
          { prefix = "web-", count = 1800, type = pv, vcpus = 1, memory = 512MiB, workload { cpu = 0.2 } }
          { prefix = "db-", count = 700, type = hvm, vcpus = 1, memory = 1GiB, workload { cpu = 0.3 } }
        ]
        scenario = [ { at = 2s, action = fail, node = n04 } ]
      }
      """;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aPoolMasterOnAServingMemberPlacesTwoAndAHalfThousandGuestsAsInOneJvm() throws Exception {
    ClusterSpec oneJvm = ClusterOverMembersTest.spec(CONFIG);
    String members = "\ndomsim.cluster.members = [ { name = m1, host = \"127.0.0.1\", port = " + freePort() + " },"
        + " { name = m2, host = \"127.0.0.1\", port = " + freePort() + " }, { name = m3, host = \"127.0.0.1\", port = "
        + freePort() + " } ]\n";
    ClusterSpec spec = ClusterOverMembersTest.spec(CONFIG + members);
    MembersSpec listed = spec.members();
    assertEquals("m2", listed.memberOfNode().get("n01"), "the pool master's node is on a serving member");
    assertTrue(spec.guests().size() > 1_500, "more guests than the old guard allowed");

    RunResult expected = ClusterRun.run(oneJvm, null, t -> { });
    long placed = expected.guests().stream().filter(g -> g.nodeStart() != null).count();
    assertTrue(placed > 1_500, placed + " guests placed in one JVM");

    ExecutorService serving = Executors.newFixedThreadPool(2);
    List<String> said = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<ServingMember.Outcome>> outcomes = new ArrayList<>();
      for (MemberSpec m : listed.members().subList(1, 3)) {
        outcomes.add(serving.submit(() -> ServingMember.host(spec, m, said::add)));
      }
      RunResult over;
      ClusterRun.StartGate gate = system -> StartBarrier.await(new Membership(system, listed), listed.joinTimeout(),
          "members.conf");
      try (ClusterRun run = ClusterRun.startOverMembers(spec, null, null, MemberAkka.config(listed, listed.driver()),
          gate)) {
        over = run.awaitEnd(t -> { });
      }
      for (Future<ServingMember.Outcome> o : outcomes) {
        assertEquals(ServingMember.Outcome.ENDED, o.get(60, SECONDS), String.join("\n", said));
      }
      assertEquals(placed, over.guests().stream().filter(g -> g.nodeStart() != null).count(), "guests placed");
      assertEquals(expected.guests(), over.guests());
      assertEquals(expected.nodes(), over.nodes());
      assertEquals(expected.withKernelMeasures(0, null), over.withKernelMeasures(0, null));
      assertEquals(expected.simulatedEvents(), over.simulatedEvents(), "every member's events, as one JVM counts them");
    } finally {
      serving.shutdownNow();
    }
  }
}
