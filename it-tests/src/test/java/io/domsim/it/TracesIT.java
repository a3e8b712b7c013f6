package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workload traces, vCPU speed and power tables through the real command line: what a trace, a table or a
 * vcpu-ghz says shows in report.json, and a bad trace is refused by validate and run alike.
 */
class TracesIT {

  @TempDir
  Path dir;

  /**
   * One node without virtualization costs or Dom0 load (so its utilisation is its guests' demand), 10 s trace
   * intervals; {@code rest} adds nodes' power and guests.
   */
  private Path config(String duration, String rest) throws IOException {
    return write("cluster.conf", """
        domsim {
          simulation { duration = %s, sample-interval = 1s }
          hypervisor.costs { dom0.base-load = 0, pv.hypercalls-per-cpu-second = 0 }
          node-defaults { cpu { cores = 2, ghz = 2.4 }, memory = 8GiB, dom0 { vcpus = 1, memory = 1GiB } }
          guest-defaults { memory = 1GiB, workload.trace-interval = 10s }
          %s
        }
        """.formatted(duration, rest));
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }

  private JsonNode run(Path config) {
    Path out = dir.resolve("out");
    Cli.Outcome o = Cli.run("run", config.toString(), "--out", out.toString(), "--no-progress");
    assertEquals(0, o.code(), o::err);
    return Cli.report(out);
  }

  @Test
  void aTracedGuestsCpuStepsShowInItsCpuSeconds() throws IOException {
    write("traces/steps.txt", "10\n50\n100\n");
    JsonNode report = run(config("40s", """
        nodes = [ { name = n1 } ]
        guests = [
          { name = traced, node = n1, workload { trace = "traces/steps.txt", variability = 0.5 } }
          { name = steady, node = n1, workload { cpu = 0.3, variability = 0 } }
        ]
        """));
    // 10 s each at 10%, 50%, 100%, then 10% again: after its last value a trace starts over.
    assertEquals(10 * (0.1 + 0.5 + 1.0 + 0.1), Cli.guest(report, "traced").get("useful_cpu_seconds").asDouble(), 1e-6);
    assertEquals(40 * 0.3, Cli.guest(report, "steady").get("useful_cpu_seconds").asDouble(), 1e-6);
  }

  @Test
  void aGroupsTracesGiveOneGuestPerFileInNameOrder() throws IOException {
    write("day/b-host", "40\n");
    write("day/a-host", "20\n");
    JsonNode report = run(config("10s", """
        nodes = [ { name = n1 } ]
        guest-groups = [ { prefix = vm-, traces = day, node = n1 } ]
        """));
    assertEquals(2, report.get("guests").size(), "count defaults to the number of files");
    assertEquals(10 * 0.2, Cli.guest(report, "vm-1").get("useful_cpu_seconds").asDouble(), 1e-6);
    assertEquals(10 * 0.4, Cli.guest(report, "vm-2").get("useful_cpu_seconds").asDouble(), 1e-6);
  }

  @Test
  void energyOfANodeStepwiseThroughItsTableIsTheTablesIntegral() throws IOException {
    // 0%, 10%, ..., 100% of both cores, 10 s each: the node's utilisation walks the table's points.
    write("ramp.txt", "0\n10\n20\n30\n40\n50\n60\n70\n80\n90\n100\n");
    JsonNode report = run(config("110s", """
        nodes = [ { name = g4, power.model = hp-proliant-ml110-g4 }
                  { name = mine, power.table = [86W, 89.4W, 92.6W, 96W, 99.5W, 102W, 106W, 108W, 112W, 114W, 117W] }
                  { name = lin, power { idle = 100W, max = 200W } } ]
        guests = [ { name = a, node = g4, vcpus = 2, workload.trace = "ramp.txt" }
                   { name = b, node = mine, vcpus = 2, workload.trace = "ramp.txt" }
                   { name = c, node = lin, vcpus = 2, workload.trace = "ramp.txt" } ]
        """));
    double table = 10 * (86 + 89.4 + 92.6 + 96 + 99.5 + 102 + 106 + 108 + 112 + 114 + 117);
    assertEquals(table, Cli.node(report, "g4").get("energy_joules").asDouble(), 1e-6 * table);
    assertEquals(table, Cli.node(report, "mine").get("energy_joules").asDouble(), 1e-6 * table);
    assertEquals(110 * 150.0, Cli.node(report, "lin").get("energy_joules").asDouble(), 1e-6 * 110 * 150,
        "linear: the mean of idle and max over a ramp symmetric about 50%");
  }

  @Test
  void aGuestsVcpuSpeedIsCountedInItsHostsCores() throws IOException {
    JsonNode report = run(config("10s", """
        nodes = [ { name = n1 } ]
        guests = [ { name = half, node = n1, vcpu-ghz = 1.2, workload { cpu = 0.5, variability = 0 } }
                   { name = own, node = n1, workload { cpu = 0.5, variability = 0 } } ]
        """));
    assertEquals(10 * 0.5 * 0.5, Cli.guest(report, "half").get("useful_cpu_seconds").asDouble(), 1e-6,
        "a 1.2 GHz vCPU takes half of a 2.4 GHz core");
    assertEquals(10 * 0.5, Cli.guest(report, "own").get("useful_cpu_seconds").asDouble(), 1e-6);
  }

  @Test
  void aTraceWithABadLineIsRefusedAtItsFileAndLine() throws IOException {
    Path trace = write("bad.txt", "10\n20\n2O\n");
    Path config = config("10s", """
        nodes = [ { name = n1 } ]
        guests = [ { name = g, workload.trace = "bad.txt" } ]
        """);
    BadInputs.refused(BadInputs.both(config, dir), trace + ":3: domsim.guests[0].workload.trace: ",
        "\"2O\" is not a whole percent (named at " + config + ":7)");
  }

  @Test
  void aDeviceOrADirectoryAsTraceIsRefusedWithoutReadingIt() throws IOException {
    Files.createDirectories(dir.resolve("adir"));
    Path config = config("10s", """
        nodes = [ { name = n1 } ]
        guests = [ { name = g, workload.trace = "/dev/zero" }, { name = h, workload.trace = "adir" } ]
        """);
    BadInputs.refused(BadInputs.both(config, dir), config + ":7: domsim.guests[0].workload.trace: ",
        "/dev/zero is not a regular file");
    BadInputs.refused(BadInputs.both(config, dir), config + ":7: domsim.guests[1].workload.trace: ",
        "adir is not a regular file");
  }

  @Test
  void aPowerTableOfTheWrongLengthIsRefusedAtItsLine() throws IOException {
    Path config = config("10s", """
        nodes = [ { name = n1, power.table = [86W, 89.4W, 92.6W, 96W, 99.5W, 102W, 106W, 108W, 112W, 114W] } ]
        """);
    BadInputs.refused(BadInputs.both(config, dir), config + ":6: domsim.nodes[0].power.table: ",
        "has 10 points; use 11 powers, the watts at 0%, 10%, ..., 100% CPU");
  }

  @Test
  void aMissingTraceIsRefusedAtTheLineThatNamesIt() throws IOException {
    Path config = config("10s", """
        nodes = [ { name = n1 } ]
        guests = [ { name = g, workload.trace = "nowhere.txt" } ]
        """);
    BadInputs.refused(BadInputs.both(config, dir), config + ":7: domsim.guests[0].workload.trace: ",
        "there is no trace file");
  }
}
