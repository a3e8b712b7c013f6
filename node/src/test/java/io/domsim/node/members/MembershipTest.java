package io.domsim.node.members;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.MemberSpec;
import io.domsim.config.MembersSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Akka Cluster members on loopback in one JVM: the start barrier passes when all are up, names who is not. */
class MembershipTest {
  private final List<ActorSystem<Void>> systems = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<Void> s : systems) {
      s.terminate();
    }
    for (ActorSystem<Void> s : systems) {
      s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static MembersSpec members(int n, Duration timeout) throws IOException {
    List<MemberSpec> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(new MemberSpec("m" + i, "127.0.0.1", freePort()));
    }
    return new MembersSpec(list, new TreeMap<>(), timeout);
  }

  private ActorSystem<Void> start(MembersSpec members, String name) {
    ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), MemberAkka.SYSTEM,
        MemberAkka.config(members, members.member(name).orElseThrow()).withFallback(ConfigFactory.load()));
    systems.add(s);
    return s;
  }

  @Test
  void everyMemberSeesEveryOtherUp() throws Exception {
    MembersSpec members = members(3, Duration.ofSeconds(30));
    ActorSystem<Void> m2 = start(members, "m2");
    ActorSystem<Void> m1 = start(members, "m1");
    ActorSystem<Void> m3 = start(members, "m3");
    for (ActorSystem<Void> s : List.of(m1, m2, m3)) {
      StartBarrier.await(new Membership(s, members), members.joinTimeout(), "c.conf");
      assertEquals(List.of(), new Membership(s, members).missing());
    }
  }

  @Test
  void theBarrierNamesTheMembersThatDidNotJoin() throws Exception {
    MembersSpec members = members(3, Duration.ofSeconds(3));
    ActorSystem<Void> m1 = start(members, "m1");
    start(members, "m2");
    MembersMissing e = assertThrows(MembersMissing.class,
        () -> StartBarrier.await(new Membership(m1, members), members.joinTimeout(), "c.conf"));
    assertEquals(List.of("m3"), e.missing());
    assertTrue(e.getMessage().startsWith("member m3 has not joined within 3 s (domsim.cluster.join-timeout); start it"
        + " (domsim run c.conf --member m3)"), e.getMessage());
  }
}
