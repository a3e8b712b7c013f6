package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2: the PV/HVM difference, through `domsim run`. Each config puts a PV guest and an HVM guest with
 * the same workload on two identical nodes, so any difference comes from the virtualization mode.
 */
class PvVersusHvmIT {

  @TempDir
  Path tmp;

  /** Runs the two-node cluster with both guests given the same workload. */
  private JsonNode run(double cpu, double ioRate) throws IOException {
    String conf = String.format(java.util.Locale.ROOT, TEMPLATE, cpu, ioRate, cpu, ioRate);
    Path file = tmp.resolve("pv-vs-hvm.conf");
    Files.writeString(file, conf);
    Cli.Outcome o = Cli.run("run", file.toString(), "--out", tmp.toString(), "--no-progress");
    assertEquals(0, o.code(), o.err());
    return Cli.report(tmp);
  }

  /** Two identical nodes with a one-vCPU Dom0; a PV guest on one, an HVM guest on the other. */
  private static final String TEMPLATE = """
      domsim {
        simulation { duration = 2m }
        node-defaults { cpu { cores = 8, ghz = 2.4 }, memory = 32GiB, dom0 { vcpus = 1, memory = 2GiB } }
        nodes = [ { name = pv-host }, { name = hvm-host } ]
        guests = [
          { name = pv-guest, type = pv, vcpus = 4, memory = 4GiB, node = pv-host
            workload { cpu = %s, io-rate = %s, variability = 0 } }
          { name = hvm-guest, type = hvm, vcpus = 4, memory = 4GiB, node = hvm-host
            workload { cpu = %s, io-rate = %s, variability = 0 } }
        ]
      }
      """;

  @Test
  void hvmShowsVmExitsAndDom0WorkWherePvShowsHypercalls() throws IOException {
    JsonNode r = run(0.5, 1000);
    JsonNode pv = Cli.guest(r, "pv-guest");
    JsonNode hvm = Cli.guest(r, "hvm-guest");
    assertTrue(pv.get("hypercalls").asLong() > 0, pv.toString());
    assertEquals(0, pv.get("vm_exits").asLong(), pv.toString());
    assertTrue(hvm.get("vm_exits").asLong() > 0, hvm.toString());
    assertEquals(0, hvm.get("hypercalls").asLong(), hvm.toString());
    double pvDom0 = Cli.node(r, "pv-host").get("dom0_cpu_utilization_avg").asDouble();
    double hvmDom0 = Cli.node(r, "hvm-host").get("dom0_cpu_utilization_avg").asDouble();
    assertTrue(hvmDom0 > 2 * pvDom0, "the device model costs Dom0 more than the PV backends: "
        + hvmDom0 + " vs " + pvDom0);
    assertTrue(Cli.node(r, "hvm-host").get("vm_exits").asLong() > 0);
    assertEquals(0, Cli.node(r, "pv-host").get("vm_exits").asLong());
  }

  @Test
  void ioHeavyHvmCompletesLessIoWhenDom0IsTheBottleneck() throws IOException {
    JsonNode r = run(0.5, 40000);
    JsonNode pv = Cli.guest(r, "pv-guest");
    JsonNode hvm = Cli.guest(r, "hvm-guest");
    double seconds = r.get("simulated_seconds").asDouble();
    assertEquals(40000 * seconds, pv.get("io_completed").asDouble(), 40000 * seconds * 0.01,
        "PV keeps up: its backends need little of Dom0");
    assertTrue(hvm.get("io_completed").asDouble() < 0.5 * pv.get("io_completed").asDouble(),
        "HVM is limited by the device model in Dom0: " + hvm + " vs " + pv);
    assertTrue(Cli.node(r, "hvm-host").get("dom0_cpu_utilization_avg").asDouble() > 0.95,
        "Dom0 is saturated on the HVM host");
  }

  @Test
  void cpuBoundGuestsOfBothTypesStayWithinAFewPercent() throws IOException {
    JsonNode r = run(1.0, 0);
    double pv = Cli.guest(r, "pv-guest").get("useful_cpu_seconds").asDouble();
    double hvm = Cli.guest(r, "hvm-guest").get("useful_cpu_seconds").asDouble();
    double ideal = 4 * r.get("simulated_seconds").asDouble();
    assertEquals(1.0, pv / hvm, 0.03, "PV " + pv + " vs HVM " + hvm);
    assertEquals(ideal, pv, ideal * 0.03);
    assertEquals(ideal, hvm, ideal * 0.03);
  }
}
