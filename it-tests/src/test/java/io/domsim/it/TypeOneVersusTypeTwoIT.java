package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/type1-vs-type2.conf through `domsim run`: the same guests on a Xen node and on a hosted node, side by
 * side. The hosted node pays more for the same I/O, its report says what it is, and nothing migrates between the
 * two kinds.
 */
class TypeOneVersusTypeTwoIT {

  @TempDir
  Path tmp;

  @Test
  void theHostedNodePaysMoreForTheSameGuestsAndTheReportShowsItsKind() {
    Cli.Outcome o = Cli.run("run", Cli.example("type1-vs-type2.conf").toString(), "--out", tmp.toString(),
        "--no-progress");
    assertEquals(0, o.code(), o.err());
    JsonNode r = Cli.report(tmp);
    JsonNode xen = Cli.node(r, "xen-1");
    JsonNode kvm = Cli.node(r, "kvm-1");
    assertEquals("type-2", kvm.get("hypervisor").asText());
    assertFalse(xen.has("hypervisor"), "a type-1 node's report stays as it was: " + xen);

    // The same I/O on both: the hosted node's host OS serves it through its kernel and the user-space emulator.
    for (String[] pair : new String[][] {{"web-t1", "web-t2"}, {"web-pvhvm-t1", "web-pvhvm-t2"}}) {
      JsonNode one = Cli.guest(r, pair[0]);
      JsonNode two = Cli.guest(r, pair[1]);
      assertEquals(one.get("io_completed").asDouble(), two.get("io_completed").asDouble(),
          one.get("io_completed").asDouble() * 0.001, "the same I/O done: " + one + " vs " + two);
      assertEquals(one.get("type").asText(), two.get("type").asText(), "the same guest type on both");
    }
    assertEquals("pvhvm", Cli.guest(r, "web-pvhvm-t2").get("type").asText());
    for (String[] pair : new String[][] {{"web-t1", "web-t2"}, {"web-pvhvm-t1", "web-pvhvm-t2"}}) {
      JsonNode one = Cli.guest(r, pair[0]);
      JsonNode two = Cli.guest(r, pair[1]);
      // The hosted node's vCPU threads are scheduled by the host OS: the same work takes more CPU.
      assertTrue(two.get("cpu_seconds").asDouble() > one.get("cpu_seconds").asDouble(), one + " vs " + two);
    }
    double xenHost = xen.get("dom0_cpu_utilization_avg").asDouble();
    double kvmHost = kvm.get("dom0_cpu_utilization_avg").asDouble();
    assertTrue(kvmHost > xenHost * 1.2, "the host OS pays more than Dom0 for the same I/O: " + kvmHost + " vs " + xenHost);
    assertTrue(kvm.get("cpu_utilization_avg").asDouble() > xen.get("cpu_utilization_avg").asDouble(),
        "and the node as a whole: " + kvm + " vs " + xen);

    // The end-of-run table shows each node's kind, the type of each migrated guest, and the refusal.
    assertTrue(o.out().contains("KIND"), o.out());
    assertTrue(o.out().matches("(?s).*kvm-1\\s+type-2.*"), o.out());
    assertTrue(o.out().contains("a guest migrates only between nodes of the same hypervisor kind"), o.out());
    for (JsonNode m : r.get("migrations")) {
      String guest = m.get("guest").asText();
      assertEquals(guest.equals("web-t2") ? "refused" : "completed", m.get("outcome").asText(), m.toString());
    }
  }
}
