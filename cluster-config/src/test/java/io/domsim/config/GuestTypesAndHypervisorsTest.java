package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** pvh and pvhvm guests, 64-bit PV's workload rates and type-2 nodes: read, and refused at FILE:LINE where wrong. */
class GuestTypesAndHypervisorsTest {

  @Test
  void theNewTypesKindsAndRatesAreRead() throws Exception {
    ClusterSpec c = parse("""
        domsim {
          nodes = [ { name = x }, { name = h, hypervisor.kind = type-2 } ]
          guests = [ { name = a, type = pvh, node = x, workload { syscall-rate = 1000, pt-update-rate = 200 } }
                     { name = b, type = pvhvm, node = h } ]
        }
        """);
    assertEquals(HypervisorKind.TYPE_1, c.nodes().get(0).hypervisor());
    assertEquals(HypervisorKind.TYPE_2, c.nodes().get(1).hypervisor());
    assertEquals(GuestType.PVH, c.guests().get(0).type());
    assertEquals(1000, c.guests().get(0).workload().syscallRate());
    assertEquals(200, c.guests().get(0).workload().ptUpdateRate());
    assertEquals(GuestType.PVHVM, c.guests().get(1).type());
    assertEquals(0, c.guests().get(1).workload().syscallRate());
  }

  @Test
  void anUnknownKindNamesTheTwo() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = x, hypervisor.kind = type-3 } ]
        }
        """, "t.conf:2: domsim.nodes[0].hypervisor.kind: ", "\"type-3\" is not a hypervisor kind; use type-1 or type-2");
  }

  @Test
  void aTypeTwoNodeWithoutVtxIsRefused() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = x }
                    { name = h, cpu.hvm-support = false, hypervisor.kind = type-2 } ]
        }
        """, "t.conf:3: domsim.nodes[1].hypervisor.kind: ", "set cpu.hvm-support = true or make it hypervisor.kind = type-1");
  }

  @Test
  void aXenOnlyGuestPinnedToATypeTwoNodeIsRefused() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = x }, { name = h, hypervisor.kind = type-2 } ]
          guests = [ { name = a, type = pvh,
                       node = h } ]
        }
        """, "t.conf:4: domsim.guests[0].node: ", "h is a type-2 (hosted) node and cannot run the PVH guest a, which"
        + " needs Xen's PV interface; pin it to a type-1 node or make it type = hvm or pvhvm");
  }

  @Test
  void aXenOnlyGuestWithOnlyTypeTwoNodesIsRefused() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = h, hypervisor.kind = type-2 } ]
          guests = [ { name = a, type = pv } ]
        }
        """, "t.conf:3: domsim.guests[0].type: ", "pv needs a type-1 (Xen) node and every node is type-2");
  }

  @Test
  void aPvhGuestNeedsVtxAsHvmDoes() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = x, cpu.hvm-support = false } ]
          guests = [ { name = a, type = pvhvm } ]
        }
        """, "t.conf:3: domsim.guests[0].type: ", "pvhvm needs a node with cpu.hvm-support = true and no node has it");
  }

  @Test
  void consolidationWithATypeTwoNodeIsRefused() {
    assertOnlyProblem("""
        domsim {
          scheduler.consolidation.policy = thr
          nodes = [ { name = x }, { name = h, hypervisor.kind = type-2 } ]
        }
        """, "t.conf:2: domsim.scheduler.consolidation.policy: ", "consolidation moves guests within a pool of type-1"
        + " (Xen) hosts and h is type-2");
  }

  @Test
  void aNegativeSyscallRateIsRefused() {
    assertOnlyProblem("""
        domsim {
          nodes = [ { name = x } ]
          guests = [ { name = a, workload.syscall-rate = -1 } ]
        }
        """, "t.conf:3: domsim.guests[0].workload.syscall-rate: ", "a number of at least 0");
  }
}
