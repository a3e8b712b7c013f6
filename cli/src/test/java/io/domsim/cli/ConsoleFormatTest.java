package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.config.GuestType;
import io.domsim.migration.Phase;
import io.domsim.node.ConsoleView;
import io.domsim.node.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's text from the control API's JSON, and the end-of-run table's folded idle nodes. */
class ConsoleFormatTest {
  private static final long GIB = 1L << 30;

  @TempDir
  Path tmp;

  /** A view as GET /console writes it (the same mapper). */
  private static JsonNode view() throws Exception {
    ConsoleView v = new ConsoleView(12.5, List.of(
        new ConsoleView.NodeRow("a", ConsoleView.NodeState.UP, 8, 2.4, true, 16 * GIB, 4 * GIB, 2, 10, 1, 3.6e6, true),
        new ConsoleView.NodeRow("b", ConsoleView.NodeState.FAILED, 8, 2.4, false, 16 * GIB, 0, 0, 5, 1, 0, false)),
        List.of(new ConsoleView.DomainRow("Domain-0", 0, "a", null, GIB, 2, ConsoleView.DomainState.RUNNING, 1.25, null),
            new ConsoleView.DomainRow("web", 3, "a", GuestType.PV, 2 * GIB, 1, ConsoleView.DomainState.PAUSED, 7.5,
                "paused at 10s", 3L << 20, 1L << 20),
            new ConsoleView.DomainRow("db", null, "b", GuestType.HVM, 4 * GIB, 2, ConsoleView.DomainState.LOST, 3,
                "its node b failed at 11s")),
        List.of(new ConsoleView.MigrationRow("m1", "web", GuestType.PV, "a", "b", "pre-copy", Phase.PRECOPY, null, 1.0,
            null, 2, 300L << 20, 100L << 20, 1e9, 2.0 * (1 << 20), 0.0125, null)));
    return new ObjectMapper().readTree(Json.mapper().writeValueAsString(v));
  }

  @Test
  void listHasXlsColumnsAndMarksTheGoneGuests() throws Exception {
    List<String> lines = ConsoleFormat.list(view());
    assertEquals("Name      ID   Mem  VCPUs  State   Time(s)  Node  Type  Note", lines.get(0));
    assertEquals("Domain-0   0  1024      2  r-----      1.3  a     -", lines.get(1));
    assertEquals("web        3  2048      1  --p---      7.5  a     pv    paused: paused at 10s", lines.get(2));
    assertEquals("db         -  4096      2  ----c-      3.0  b     hvm   lost: its node b failed at 11s", lines.get(3));
  }

  @Test
  void infoIsXlInfosKeyValueLines() throws Exception {
    JsonNode v = view();
    List<String> a = ConsoleFormat.info(v, v.get("nodes").get(0));
    assertTrue(a.contains("host                   : a"), a::toString);
    assertTrue(a.contains("nr_cpus                : 8"), a::toString);
    assertTrue(a.contains("cpu_mhz                : 2400"), a::toString);
    assertTrue(a.contains("virt_caps              : pv hvm"), a::toString);
    assertTrue(a.contains("total_memory           : 16384"), a::toString);
    assertTrue(a.contains("free_memory            : 12288"), a::toString);
    List<String> b = ConsoleFormat.info(v, v.get("nodes").get(1));
    assertTrue(b.contains("state                  : failed") && b.contains("free_memory            : 0"), b::toString);
    assertTrue(a.stream().noneMatch(l -> l.startsWith("hypervisor")), "a Xen node's answer is as it was: " + a);
  }

  @Test
  void infoSaysAHostedNodesKindAndWhatItRuns() throws Exception {
    ConsoleView v = new ConsoleView(1, List.of(new ConsoleView.NodeRow("kvm", ConsoleView.NodeState.UP, 8, 2.4, true,
        16 * GIB, 4 * GIB, 1, 1, 1, 0, false, io.domsim.config.HypervisorKind.TYPE_2)), List.of(), List.of());
    JsonNode json = new ObjectMapper().readTree(Json.mapper().writeValueAsString(v));
    assertEquals("type-2", json.get("nodes").get(0).get("hypervisor").asText());
    List<String> info = ConsoleFormat.info(json, json.get("nodes").get(0));
    assertTrue(info.contains("hypervisor             : type-2"), info::toString);
    assertTrue(info.contains("virt_caps              : hvm pvhvm"), info::toString);
  }

  @Test
  void topTakesCpuPercentFromTwoViews() throws Exception {
    JsonNode before = view();
    JsonNode now = view().deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) now).put("simulated_seconds", 22.5);
    ((com.fasterxml.jackson.databind.node.ObjectNode) now.get("domains").get(1)).put("cpu_seconds", 12.5);
    List<String> frame = ConsoleFormat.top(before, now);
    assertTrue(frame.get(1).startsWith("2 domains: 1 running, 1 paused, 1 gone"), frame::toString);
    String web = frame.stream().filter(l -> l.startsWith("web")).findFirst().orElseThrow();
    assertTrue(web.contains(" 50.0 "), web); // 5 s of CPU in 10 s
    String header = frame.stream().filter(l -> l.startsWith("NAME")).findFirst().orElseThrow();
    assertTrue(header.matches(".*VCPUS\\s+NETTX\\(k\\)\\s+NETRX\\(k\\)\\s+NODE.*"), header);
    assertTrue(web.matches(".*\\s1\\s+3072\\s+1024\\s+a$"), "xentop's network columns, in KiB: " + web);
  }

  @Test
  void progressSaysRoundBytesRatesAndExpectedDowntime() throws Exception {
    String line = ConsoleFormat.progress(view().get("migrations").get(0));
    assertEquals("m1 web a -> b  precopy  round 2  sent 300.0 MiB  remaining 100.0 MiB  at 1000 Mbit/s"
        + "  dirty 2.0 MiB/s  expected downtime 12.5 ms", line);
  }

  @Test
  void anXlCfgFileIsAGuestObject() throws Exception {
    Path cfg = tmp.resolve("cache.cfg");
    Files.writeString(cfg, """
        # an xl.cfg
        name = "cache"
        builder = "hvm"
        memory = 1024
        vcpus = 2
        disk = [ "phy:/dev/vg/cache,xvda,w" ]
        workload { cpu = 0.3 }
        """);
    JsonNode g = new ObjectMapper().readTree(ConsoleCommands.XlConfig.guestHocon(cfg));
    assertEquals("cache", g.get("name").asText());
    assertEquals("hvm", g.get("type").asText());
    assertEquals(1024, g.get("memory").asInt());
    assertTrue(!g.has("disk") && g.get("workload").get("cpu").asDouble() == 0.3, g::toString);
    Files.writeString(cfg, """
        # as xl writes them: single quotes (a 'quoted' word in a comment stays as it is)
        name = 'web-2'
        type = 'pv'
        memory = 512
        disk = [ 'phy:/dev/vg/web,xvda,w' ]
        extra = 'console=hvc0 "quiet"'
        """);
    JsonNode single = new ObjectMapper().readTree(ConsoleCommands.XlConfig.guestHocon(cfg));
    assertEquals("web-2", single.get("name").asText());
    assertEquals("pv", single.get("type").asText());
    assertEquals(512, single.get("memory").asInt());
    assertEquals("x = \"it's\"", ConsoleCommands.XlConfig.doubleQuoted("x = \"it's\""));
    assertEquals("x = \"say \\\"hi\\\"\"", ConsoleCommands.XlConfig.doubleQuoted("x = 'say \"hi\"'"));
    Files.writeString(cfg, "name = \"x\"\nmemory = = 3\n");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ConsoleCommands.XlConfig.guestHocon(cfg));
    assertTrue(bad.getMessage().contains("is not an xl.cfg-style file"), bad.getMessage());
  }

  private static RunResult.NodeResult idle(String name) {
    return new RunResult.NodeResult(name, 8, 16 * GIB, true, 0.01, 0.01, GIB, 0, 0, 0, 1000, 100, 10, false, null, 0);
  }

  @Test
  void runsOfIdenticalIdleNodesShareARowUnlessAllNodes() {
    List<RunResult.NodeResult> nodes = new java.util.ArrayList<>();
    nodes.add(new RunResult.NodeResult("rack-a-0", 8, 16 * GIB, true, 0.5, 0.01, 5 * GIB, 2, 9, 9, 2000, 200, 10,
        false, null, 0));
    for (int i = 1; i <= 40; i++) {
      nodes.add(idle("rack-a-" + i));
    }
    nodes.add(idle("rack-b-1"));
    List<String> folded = RunTable.nodeRows(nodes, false);
    assertEquals(2, folded.size(), folded::toString);
    assertTrue(folded.get(1).startsWith("rack-a-1..rack-b-1 (41 nodes) "), folded.get(1));
    nodes.add(7, new RunResult.NodeResult("busy", 8, 16 * GIB, true, 0.5, 0.01, 5 * GIB, 1, 9, 9, 2000, 200, 10,
        false, null, 0));
    List<String> split = RunTable.nodeRows(nodes, false);
    assertTrue(split.get(1).startsWith("rack-a-1..6 (6 nodes) "), split::toString);
    assertTrue(split.get(3).startsWith("rack-a-7..rack-b-1 (35 nodes) "), split::toString);
    assertEquals(43, RunTable.nodeRows(nodes, true).size());
    assertTrue(RunTable.nodeRows(List.of(idle("x")), false).get(0).startsWith("x    "));
    // A folded name wider than the column widens it: the figures stay under their headings.
    List<String> table = RunTable.nodeTable(nodes, false);
    int cores = table.get(0).indexOf("CORES");
    for (String row : table) {
      assertEquals(table.get(0).length(), row.length(), table::toString);
    }
    assertTrue(cores > "rack-a-7..rack-b-1 (35 nodes)".length(), table.get(0));
  }
}
