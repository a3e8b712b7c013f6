package io.domsim.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.ClusterConfigLoader;
import io.domsim.config.ClusterSpec;
import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every guest type migrates between type-1 nodes as Xen migrates it (PVH as PV, PVHVM as HVM); no guest
 * migrates between a type-1 and a type-2 node; the report names each node's hypervisor and each guest's type.
 */
@Timeout(120)
class GuestKindsRunTest {

  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

  private static RunResult run() throws Exception {
    ClusterSpec spec = ClusterConfigLoader.parse("""
        domsim {
          simulation { duration = 2m, seed = 3 }
          node-defaults { cpu.cores = 8, memory = 16GiB, nic = 10Gbps, dom0.memory = 1GiB }
          nodes = [ { name = a }, { name = b }, { name = h, hypervisor.kind = type-2 },
                    { name = h2, hypervisor.kind = type-2 } ]
          guest-defaults { memory = 1GiB, workload { cpu = 0.5, io-rate = 500, dirty-rate = 1000, working-set = 128MiB } }
          guests = [
            { name = g-pv, type = pv, node = a }
            { name = g-hvm, type = hvm, node = a }
            { name = g-pvh, type = pvh, node = a }
            { name = g-pvhvm, type = pvhvm, node = a }
            { name = hosted, type = hvm, node = h }
            { name = hosted-pv-drivers, type = pvhvm, node = h }
          ]
          scenario = [
            { at = 10s, action = migrate, guest = g-pv, to = b }
            { at = 10s, action = migrate, guest = g-hvm, to = b }
            { at = 10s, action = migrate, guest = g-pvh, to = b }
            { at = 10s, action = migrate, guest = g-pvhvm, to = b }
            { at = 30s, action = migrate, guest = hosted-pv-drivers, to = h2 }
            { at = 60s, action = migrate, guest = hosted, to = a }
            { at = 60s, action = migrate, guest = g-hvm, to = h }
          ]
        }
        """, "kinds.conf", List.of(), Plugins.onClassPath());
    return ClusterRun.run(spec, METERS, t -> { });
  }

  private static RunResult.MigrationResult migration(RunResult r, String guest, String to) {
    return r.migrations().stream().filter(m -> m.guest().equals(guest) && m.to().equals(to)).findFirst().orElseThrow();
  }

  @Test
  void everyTypeMigratesBetweenTypeOneNodesAndNoneBetweenKinds() throws Exception {
    RunResult r = run();
    for (String g : List.of("g-pv", "g-hvm", "g-pvh", "g-pvhvm")) {
      RunResult.MigrationResult m = migration(r, g, "b");
      assertEquals(RunResult.MigrationOutcome.COMPLETED, m.outcome(), g + ": " + m.reason());
    }
    // Cooperative suspend (PV drivers) for PV, PVH and PVHVM; PVHVM and HVM also restore QEMU's device state.
    double pvh = migration(r, "g-pvh", "b").downtimeS();
    double pvhvm = migration(r, "g-pvhvm", "b").downtimeS();
    double hvm = migration(r, "g-hvm", "b").downtimeS();
    assertTrue(pvhvm > pvh, "PVHVM restores a device model, PVH has none: " + pvhvm + " vs " + pvh);
    assertTrue(hvm < pvhvm, "plain HVM is paused without the PV suspend handshake: " + hvm + " vs " + pvhvm);

    for (String[] refused : new String[][] {{"hosted", "a"}, {"g-hvm", "h"}}) {
      RunResult.MigrationResult m = migration(r, refused[0], refused[1]);
      assertEquals(RunResult.MigrationOutcome.REFUSED, m.outcome());
      assertTrue(m.reason().contains("migrates only between nodes of the same hypervisor kind"), m.reason());
    }
    assertEquals(RunResult.MigrationOutcome.COMPLETED, migration(r, "hosted-pv-drivers", "h2").outcome(),
        "between two type-2 nodes a guest migrates");
    assertEquals("h", r.guests().stream().filter(g -> g.name().equals("hosted")).findFirst().orElseThrow().nodeEnd());

    assertNull(r.nodes().get(0).hypervisor(), "a type-1 node's report stays as it was");
    assertEquals(HypervisorKind.TYPE_2, r.nodes().get(2).hypervisor());
    assertEquals(GuestType.PVHVM, migration(r, "g-pvhvm", "b").type());
    assertEquals(1, METERS.find(NodeMeters.HYPERVISOR).tags("node", "h", "kind", "type-2").gauge().value());
    assertEquals(1, METERS.find(NodeMeters.HYPERVISOR).tags("node", "a", "kind", "type-1").gauge().value());
  }
}
