package io.domsim.node;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.window.InProcessTransport;
import io.domsim.kernel.window.WindowedMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run spread over three members in one process (each its own kernel and thread, the window protocol by direct
 * calls: {@link InProcessTransport}) gives the report of the same run in one JVM: the nodes boot on their members
 * and report in to the driver's cluster, the pool master places guests over the network across members, and the
 * operator's scenario (switching nodes off and on, lifecycle verbs, a create, a partition, message faults, a node's
 * failure and recovery) reaches nodes on other members at its barriers, while their reports reach it one latency
 * later. No migrations yet: the fabric is not replicated across members.
 */
@Timeout(120)
class ClusterOverMembersTest {
  static final List<String> MEMBERS = List.of("m1", "m2", "m3");

  static final String CONFIG = """
      domsim {
        simulation { duration = 90s, seed = 11, sample-interval = 1s }
        node-defaults {
          cpu { cores = 8, ghz = 2.5 }
          memory = 32GiB
          power { shutdown-time = 2s, boot-time = 5s }
        }
        nodes = [ { name = n1 }, { name = n2 }, { name = n3 }, { name = n4 }, { name = n5 }, { name = n6 } ]
        guests = [
          { name = pinned-pv, type = pv, vcpus = 2, memory = 4GiB, node = n2 }
          { name = pinned-hvm, type = hvm, vcpus = 2, memory = 4GiB, node = n3 }
          { name = web, type = pv, vcpus = 2, memory = 4GiB }
          { name = db, type = hvm, vcpus = 4, memory = 8GiB }
          { name = cache, type = pv, vcpus = 1, memory = 2GiB }
          { name = batch, type = hvm, vcpus = 2, memory = 6GiB }
        ]
        scenario = [
          { at = 5s, action = power-off, node = n6 }
          { at = 8s, action = pause, guest = web }
          { at = 12s, action = unpause, guest = web }
          { at = 15s, action = partition, node = n4, duration = 6s }
          { at = 20s, action = network-faults, loss = 0.05 }
          { at = 25s, action = create, guest { name = late, type = pv, vcpus = 1, memory = 2GiB } }
          { at = 30s, action = fail, node = n5 }
          { at = 40s, action = shutdown, guest = cache }
          { at = 45s, action = power-on, node = n6 }
          { at = 50s, action = recover, node = n5 }
          { at = 60s, action = destroy, guest = batch }
          { at = 70s, action = network-faults, loss = 0 }
        ]
      }
      """;

  static ClusterSpec spec() throws Exception {
    return io.domsim.config.ClusterConfigLoader.parse(CONFIG, "members.conf", List.of(), Plugins.onClassPath());
  }

  /** Node i to member i mod 3, as the configuration's round-robin puts unpinned nodes. */
  static TreeMap<String, String> memberOfNode(ClusterSpec spec) {
    TreeMap<String, String> placement = new TreeMap<>();
    List<NodeSpec> nodes = spec.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      placement.put(nodes.get(i).name(), MEMBERS.get(i % MEMBERS.size()));
    }
    return placement;
  }

  /** The run over three members; returns its result with the events every member fired, as one JVM counts them. */
  static RunResult overMembers(ClusterSpec spec) throws Exception {
    long latency = SimTime.of(spec.network().latency());
    long end = SimTime.of(spec.simulation().duration());
    InProcessTransport transport = new InProcessTransport(MEMBERS, latency, end);
    TreeMap<String, String> placement = memberOfNode(spec);
    Map<String, SimKernel> kernels = new TreeMap<>();
    Map<String, WindowedMember> members = new TreeMap<>();
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      for (String m : MEMBERS) {
        SimKernel kernel = SimKernel.create(ClockKind.VIRTUAL, 1, spec.simulation().seed());
        WindowedMember member = new WindowedMember(m, kernel, transport);
        transport.add(member);
        kernels.put(m, kernel);
        members.put(m, member);
      }
      TreeMap<String, ActorRef<MemberHost.Command>> hosts = new TreeMap<>();
      for (String m : MEMBERS.subList(1, MEMBERS.size())) {
        CompletableFuture<ActorRef<MemberHost.Command>> started = new CompletableFuture<>();
        systems.add(kernels.get(m).startSystem("member-" + m, MemberHost.create(kernels.get(m), spec, m,
            MEMBERS.get(0), placement, members.get(m), new InvariantMonitor(), started), ConfigFactory.empty()));
        hosts.put(m, started.get(10, SECONDS));
      }
      SimKernel driver = kernels.get(MEMBERS.get(0));
      CompletableFuture<Void> setUp = new CompletableFuture<>();
      MembersLayout layout = new MembersLayout(MEMBERS.get(0), MEMBERS.get(0), placement, members.get(MEMBERS.get(0)),
          hosts, setUp);
      CompletableFuture<ActorRef<Cluster.Command>> cluster = new CompletableFuture<>();
      systems.add(driver.startSystem("member-" + MEMBERS.get(0), Cluster.create(driver, spec, null, null,
          new EventLog(driver::now), cluster, new InvariantMonitor(), layout), ConfigFactory.empty()));
      ActorRef<Cluster.Command> operator = cluster.get(10, SECONDS);
      setUp.get(10, SECONDS);
      members.values().forEach(WindowedMember::start);
      // The first member to fail ends the wait.
      CompletableFuture<Object> failed = new CompletableFuture<>();
      kernels.values().forEach(k -> k.whenFailed().whenComplete((f, x) -> failed.completeExceptionally(
          new AssertionError(f.describe()))));
      List<CompletableFuture<Long>> ends = members.values().stream().map(w -> w.ended().toCompletableFuture()).toList();
      CompletableFuture.anyOf(CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)), failed).get(60, SECONDS);
      for (CompletableFuture<Long> e : ends) {
        assertEquals(end, e.get());
      }
      CompletableFuture<RunResult> result = new CompletableFuture<>();
      driver.inject(() -> operator.tell(new Cluster.Finish(result)));
      RunResult r = result.get(30, SECONDS);
      long events = 0;
      for (String m : MEMBERS) {
        events += kernels.get(m).timersFired() - members.get(m).barrierBatchesFired();
      }
      assertTrue(members.get(MEMBERS.get(0)).barriersRun() >= spec.scenario().size(),
          "every scenario step was a barrier: " + members.get(MEMBERS.get(0)).barriersRun());
      assertTrue(transport.crossings() > 50, transport.crossings() + " messages crossed members (81 when written)");
      return r.withKernelMeasures(events, null);
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }
  }

  @Test
  void threeMembersGiveTheReportOfOneJvm() throws Exception {
    ClusterSpec spec = spec();
    RunResult oneJvm = ClusterRun.run(spec, null, t -> { });
    RunResult members = overMembers(spec);
    assertEquals(oneJvm.guests(), members.guests());
    assertEquals(oneJvm.operations(), members.operations());
    assertEquals(oneJvm.nodes(), members.nodes());
    assertEquals(oneJvm.withKernelMeasures(0, null), members.withKernelMeasures(0, null));
    assertEquals(oneJvm.simulatedEvents(), members.simulatedEvents(), "every member's events, as one JVM counts them");
  }
}
