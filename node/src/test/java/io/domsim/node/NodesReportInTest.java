package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import akka.actor.typed.javadsl.Behaviors;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import io.domsim.config.ClusterSpec;
import io.domsim.dom0.Dom0;
import io.domsim.dom0.MigrationContext;
import io.domsim.dom0.MigrationObserver;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.kernel.Network;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.testkit.SimHarness;
import io.domsim.migration.MigrationCosts;
import io.domsim.migration.MigrationPlugins;
import io.domsim.migration.net.Fabric;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * A node hosted by any actor (another member's host, later) reports in with {@link Node.Booted}, which crosses
 * members: its refs, written and read back as on the wire, reach the node and its Dom0. That report is how the
 * {@link Cluster} learns its nodes ({@link NodeHost}).
 */
class NodesReportInTest {
  static final ClusterSpec SPEC = ReportBuilderTest.parse("""
      domsim {
        simulation { duration = 10s, seed = 5 }
        node-defaults { cpu { cores = 4 }, memory = 16GiB, dom0 { vcpus = 2, memory = 1GiB } }
        nodes = [ { name = a }, { name = "rack b/1" } ]
      }
      """);

  @Test
  void aNodeSpawnedOutsideTheClusterReportsInWithRefsThatWorkAfterTheWire() throws Exception {
    ConcurrentLinkedQueue<Node.Booted> reports = new ConcurrentLinkedQueue<>();
    try (SimHarness<Void> h = new SimHarness<>(5, (ctx, kernel) -> {
      long latency = SimTime.of(SPEC.network().latency());
      TreeMap<String, Long> nics = new TreeMap<>();
      SPEC.nodes().forEach(n -> nics.put(n.name(), n.nicBitsPerSecond()));
      var fabric = kernel.spawn(ctx, Fabric.create(kernel, nics, latency), "fabric");
      Plugins plugins = Plugins.onClassPath();
      MigrationContext migration = new MigrationContext(fabric, new MigrationPlugins(plugins.algorithms(),
          plugins.stopRules(), SPEC.settings(), SPEC.migration()), MigrationCosts.from(SPEC.settings()),
          MigrationObserver.NONE, new InvariantMonitor());
      NodeHost host = new NodeHost(kernel, SPEC, new Network(latency), migration, plugins.scheduler(), null, null);
      // A host that is not the Cluster: it spawns the nodes and keeps what they report.
      kernel.spawn(ctx, Behaviors.<Node.Booted>setup(hctx -> {
        SPEC.nodes().forEach(n -> host.spawn(hctx, n, hctx.getSelf()));
        return Behaviors.receiveMessage(b -> {
          reports.add(b);
          return Behaviors.same();
        });
      }), "member-host");
      return null;
    })) {
      h.runUntil(0);
      assertEquals(List.of("a", "rack b/1"), reports.stream().map(Node.Booted::node).sorted().toList());
      Serialization wire = SerializationExtension.get(akka.actor.typed.javadsl.Adapter.toClassic(h.system));
      for (Node.Booted sent : reports) {
        Node.Booted b = (Node.Booted) wire.deserialize(wire.serialize(sent).get(), Node.Booted.class).get();
        assertNotSame(sent, b);
        assertEquals(sent, b);
        assertEquals("member-host", b.nodeRef().path().parent().name());
        h.inject(() -> {
          b.nodeRef().tell(new Node.GetSnapshot(h.inbox()));
          b.dom0().tell(new Dom0.GetPoolEndpoint(h.inbox()));
        });
        h.runUntil(SimTime.seconds(1));
        assertEquals(b.node(), h.await(Node.NodeSnapshot.class, s -> true).node());
        assertEquals(b.node(), h.await(Dom0.PoolEndpoint.class, e -> true).node());
      }
    }
  }
}
