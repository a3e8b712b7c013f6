package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code domsim.cluster.members} and {@code --member}: real JVMs on loopback form one Akka Cluster, the first
 * member drives the run once every member is up, and all of them end with it. Each member hosts its nodes
 * (docs/architecture.md, "Members"): the report and the time series are the one JVM's, each member serves its own
 * nodes' meters, and a member killed mid-run is left behind with its nodes failed.
 */
class MembersIT {

  @TempDir
  Path tmp;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** examples/migration.conf over three members on free loopback ports. */
  private Path threeMembers() throws IOException {
    return threeMembers(Files.readString(Cli.example("migration.conf")), "members.conf");
  }

  /** {@code config} over three members on free loopback ports, in {@code file}. */
  private Path threeMembers(String config, String file) throws IOException {
    String members = "\ndomsim.cluster.members = [\n"
        + "  { name = m1, host = \"127.0.0.1\", port = " + freePort() + " }\n"
        + "  { name = m2, host = \"127.0.0.1\", port = " + freePort() + " }\n"
        + "  { name = m3, host = \"127.0.0.1\", port = " + freePort() + " }\n]\n";
    Path conf = tmp.resolve(file);
    Files.writeString(conf, config + members);
    return conf;
  }

  /**
   * examples/migration.conf (PV and HVM guests, pre-copy under Xen's and QEMU's stop rules, post-copy,
   * stop-and-copy, refusals), its destinations on other members than its sources, with dst-2 failing during the HVM
   * guest's migration into it and recovering later; the guests' series too.
   */
  private String migrationsAndAFailure() throws IOException {
    return Files.readString(Cli.example("migration.conf"))
        + "\ndomsim.scenario += { at = 150s, action = fail, node = dst-2 }"
        + "\ndomsim.scenario += { at = 200s, action = recover, node = dst-2 }"
        + "\ndomsim.metrics.series.guests = true\n";
  }

  private Process member(Path conf, String name, String... more) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.domsim.cli.Main", "run", conf.toString(),
        "--member", name, "--no-progress"));
    cmd.addAll(List.of(more));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile())
        .start();
  }

  private String log(String name) throws IOException {
    return Files.readString(tmp.resolve(name + ".log"));
  }

  /**
   * Each member hosts its nodes (the virtual clock): the migrations run between members, the failure reaches the
   * fabric's and the network's replicas on every member, and the report is the one JVM's.
   */
  @Test
  void threeJvmsRunTogetherGiveTheOneJvmReportAndAllEnd() throws Exception {
    Path conf = threeMembers(migrationsAndAFailure(), "members.conf");
    Path out = tmp.resolve("out");
    List<Process> all = new ArrayList<>();
    try {
      all.add(member(conf, "m2"));
      all.add(member(conf, "m3"));
      all.add(member(conf, "m1", "--out", out.toString()));
      for (int i = 0; i < all.size(); i++) {
        String name = List.of("m2", "m3", "m1").get(i);
        assertTrue(all.get(i).waitFor(3, TimeUnit.MINUTES), name + " did not end: " + log(name));
        assertEquals(0, all.get(i).exitValue(), name + ": " + log(name));
      }
    } finally {
      all.forEach(Process::destroyForcibly);
    }
    assertTrue(log("m1").contains("every member is up; the run starts (each member hosts its nodes)"), log("m1"));
    assertTrue(log("m2").contains("m1 has left"), log("m2"));

    Path one = tmp.resolve("one");
    Path single = tmp.resolve("single.conf");
    Files.writeString(single, migrationsAndAFailure());
    Cli.Outcome oneJvm = Cli.run("run", single.toString(), "--out", one.toString(), "--no-progress");
    assertEquals(0, oneJvm.code(), oneJvm.err());
    assertEquals(withoutWallTime(one), withoutWallTime(out), "the report of the run over three members");
    // The time series of every node, guest and round, row for row: the driver merges the members' rows.
    for (String file : List.of("nodes.csv.gz", "guests.csv.gz", "rounds.csv.gz")) {
      List<String> expected = series(one, file);
      assertTrue(expected.size() > 1, file + ": " + expected.size() + " lines");
      assertEquals(expected, series(out, file), "series/" + file + " of the run over three members");
    }
    String report = String.join("\n", withoutWallTime(out));
    assertTrue(report.contains("post-copy") && report.contains("stop-and-copy") && report.contains("\"fail\""),
        "every algorithm ran, and the failure");
  }

  @Test
  void whenTheDriverIsKilledTheOthersEndWithExitCode1() throws Exception {
    Path conf = threeMembers();
    List<Process> all = new ArrayList<>();
    try {
      all.add(member(conf, "m2"));
      all.add(member(conf, "m3"));
      Process m1 = member(conf, "m1", "--duration", "365d", "--out", tmp.resolve("out").toString());
      all.add(m1);
      for (int i = 0; i < 1200 && !log("m1").contains("the run starts"); i++) {
        assertTrue(m1.isAlive(), () -> "m1 ended early: " + read("m1"));
        Thread.sleep(100);
      }
      assertTrue(log("m1").contains("the run starts"), log("m1"));
      m1.destroyForcibly(); // SIGKILL: m1 leaves nothing behind, not even a goodbye to the cluster
      for (String name : List.of("m2", "m3")) {
        Process p = all.get(name.equals("m2") ? 0 : 1);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), name + " did not end: " + log(name));
        assertEquals(1, p.exitValue(), name + ": " + log(name));
        assertTrue(log(name).contains("the driving member m1 at 127.0.0.1:"), log(name));
        assertTrue(log(name).contains("has been unreachable for 10 s (its process died, or the network between the"
            + " members is down); the run is lost, and " + name + " ends."), log(name));
      }
    } finally {
      all.forEach(Process::destroyForcibly);
    }
  }

  /**
   * Issue 12 item 4 on the real clock (ten simulated seconds a wall second, each member pacing its windows): a
   * serving member killed mid-run is lost. The driver downs it, the windows go on without it, the nodes it hosted
   * fail, their guests are lost, the migration into them ends by the protocol's rules (the guest runs on at its
   * source), and the run goes on to its end; the other serving member ends with it.
   */
  @Test
  void whenAServingMemberIsKilledItsNodesFailAndTheRunGoesOn() throws Exception {
    // 16 GiB at 1 Gbit/s: about 150 s of streaming into c, in flight when c's member dies (2 s, 20 simulated s, in).
    killM3MidRun("duration = 300s, seed = 4, clock = real, speed = 10", "1Gbps", 500, 2_000, 300);
  }

  /**
   * Issue 12 item 4 where the members host their nodes on the virtual clock: as above, m3 killed with SIGKILL a
   * second into the windows. What it did after the last window its report counted in is dropped everywhere; c fails
   * at the end of the first window that leaves m3 out; the merged monitor's verdict holds (exit 0: a violation fails
   * the run).
   */
  @Test
  void whenAServingMemberHostingNodesIsKilledOnTheVirtualClockItsNodesFailAndTheRunGoesOn() throws Exception {
    // 16 GiB at 10 Mbit/s: almost four simulated hours of streaming into c, in flight when c's member dies (and at
    // the end, were it not killed).
    killM3MidRun("duration = 1h, seed = 4, sample-interval = 1s", "10Mbps", 50, 1_000, 3600);
  }

  /**
   * Three members, node a on m1 (the driver), b on m2, c on m3; a 16 GiB guest migrates from a to c from 5 s on; m3
   * is killed with SIGKILL {@code killAfterMillis} after the windows begin; the run must go on to {@code
   * durationSeconds}, with c failed, its guest lost and the migration into it ended with the guest on a.
   */
  private void killM3MidRun(String simulation, String nic, int dirtyRate, long killAfterMillis, double durationSeconds)
      throws Exception {
    String conf = """
        domsim {
          simulation { %s }
          node-defaults { cpu { cores = 8, ghz = 2.4 }, memory = 32GiB, nic = %s }
          nodes = [ { name = a, member = m1 }, { name = b, member = m2 }, { name = c, member = m3 },
            { name = d, member = m3 } ]
          guests = [
            { name = mover, type = pv, memory = 16GiB, node = a, workload { cpu = 0.2, dirty-rate = %d } }
            { name = on-c, type = hvm, memory = 2GiB, node = c, workload { cpu = 0.3 } }
            { name = on-b, type = pv, memory = 2GiB, node = b, workload { cpu = 0.3 } }
          ]
          scenario = [ { at = 2s, action = fail, node = d }, { at = 5s, action = migrate, guest = mover, to = c } ]
          metrics.prometheus.enabled = true
          cluster.members = [
            { name = m1, host = "127.0.0.1", port = %d, metrics-port = %d }
            { name = m2, host = "127.0.0.1", port = %d, metrics-port = %d }
            { name = m3, host = "127.0.0.1", port = %d }
          ]
        }
        """.formatted(simulation, nic, dirtyRate, freePort(), freePort(), freePort(), freePort(), freePort());
    Path file = tmp.resolve("lose-one.conf");
    Files.writeString(file, conf);
    Path out = tmp.resolve("out");
    List<Process> all = new ArrayList<>();
    try {
      Process m2 = member(file, "m2");
      Process m3 = member(file, "m3");
      Process m1 = member(file, "m1", "--out", out.toString());
      all.addAll(List.of(m2, m3, m1));
      for (int i = 0; i < 1200 && !log("m1").contains("the windows begin"); i++) {
        assertTrue(m1.isAlive(), () -> "m1 ended early: " + read("m1"));
        Thread.sleep(100);
      }
      assertTrue(log("m1").contains("every member's nodes are up; the windows begin"), log("m1"));
      // Each member serves its own nodes' meters: m2's node b, m1's node a and the cluster's.
      String m2Metrics = scrape(log("m2"), "m2 serves its nodes' Prometheus metrics at ");
      assertTrue(m2Metrics.contains("domsim_node_cpu_utilization_ratio{node=\"b\"}"), m2Metrics);
      assertTrue(!m2Metrics.contains("node=\"a\"") && !m2Metrics.contains("domsim_migrations"), m2Metrics);
      String m1Metrics = scrape(log("m1"), "domsim: serving Prometheus metrics at ");
      assertTrue(m1Metrics.contains("domsim_node_cpu_utilization_ratio{node=\"a\"}"), m1Metrics);
      assertTrue(!m1Metrics.contains("node=\"b\"") && m1Metrics.contains("domsim_simulated_seconds"), m1Metrics);
      Thread.sleep(killAfterMillis);
      assertTrue(m1.isAlive(), () -> "the run ended before m3 was killed: " + read("m1"));
      m3.destroyForcibly(); // SIGKILL
      assertTrue(m1.waitFor(4, TimeUnit.MINUTES), "m1 did not end: " + log("m1"));
      assertEquals(0, m1.exitValue(), "the run goes on and ends well: " + log("m1"));
      assertTrue(m2.waitFor(1, TimeUnit.MINUTES), "m2 did not end: " + log("m2"));
      assertEquals(0, m2.exitValue(), log("m2"));
    } finally {
      all.forEach(Process::destroyForcibly);
    }
    assertTrue(log("m1").matches("(?s).*member m3 at 127\\.0\\.0\\.1:\\d+ is unreachable for 5 s or left \\(its process"
        + " died, or the network between the members is down\\): its nodes c, d fail at the next window boundary,"
        + " if the run has not ended by then; the run goes on\\..*"), log("m1"));
    com.fasterxml.jackson.databind.JsonNode r = Cli.report(out);
    assertTrue(Cli.node(r, "c").get("failed").asBoolean(), Cli.node(r, "c").toString());
    assertTrue(!Cli.node(r, "a").get("failed").asBoolean() && !Cli.node(r, "b").get("failed").asBoolean(), r.toString());
    assertEquals("lost", Cli.guest(r, "on-c").get("state_end").asText(), Cli.guest(r, "on-c").toString());
    assertEquals("its node failed", Cli.guest(r, "on-c").get("reason").asText(), Cli.guest(r, "on-c").toString());
    assertEquals("running", Cli.guest(r, "on-b").get("state_end").asText());
    // The migration into c ends before GO by the protocol's rules: the guest runs on at its source.
    com.fasterxml.jackson.databind.JsonNode m = r.get("migrations").get(0);
    assertTrue(List.of("aborted", "failed").contains(m.get("outcome").asText()), m.toString());
    com.fasterxml.jackson.databind.JsonNode mover = Cli.guest(r, "mover");
    assertEquals("running", mover.get("state_end").asText(), mover.toString());
    assertEquals("a", mover.get("node_end").asText(), mover.toString());
    assertEquals(durationSeconds, r.get("simulated_seconds").asDouble(), 1e-9, "the run went on to its end");
    // Every node's rows in the series, from the start to the end without a gap: c's and d's from m3 while it lived,
    // then the driver's, failed; d (failed at 2 s, whose down rows m3 kept for its recovery or the end) failed from
    // its crash on.
    List<String[]> rows = series(out, "nodes.csv.gz").stream().skip(1).map(l -> l.split(",")).toList();
    for (String node : List.of("a", "b", "c", "d")) {
      List<String[]> of = rows.stream().filter(x -> x[1].equals(node)).toList();
      assertTrue(of.size() > 5, node + ": " + of.size() + " rows");
      assertTrue(Double.parseDouble(of.get(0)[0]) <= 1.0, node + "'s rows begin with the run: " + of.get(0)[0]);
      assertEquals(durationSeconds, Double.parseDouble(of.get(of.size() - 1)[0]), 1e-9, node + "'s rows go to the end");
      for (int i = 1; i < of.size(); i++) {
        double gap = Double.parseDouble(of.get(i)[0]) - Double.parseDouble(of.get(i - 1)[0]);
        assertTrue(gap >= 0 && gap <= 1.0 + 1e-6, node + "'s rows have a gap of " + gap + " s before "
            + String.join(",", of.get(i)));
      }
    }
    for (String node : List.of("c", "d")) {
      List<String[]> of = rows.stream().filter(x -> x[1].equals(node)).toList();
      assertEquals("failed", of.get(of.size() - 1)[2], String.join(",", of.get(of.size() - 1)));
    }
    assertTrue(rows.stream().filter(x -> x[1].equals("d") && Double.parseDouble(x[0]) > 2.0).allMatch(x -> x[2]
        .equals("failed")), "d is failed from its crash on");
  }

  /** GET the /metrics whose address follows {@code said} in {@code log}. */
  private static String scrape(String log, String said) throws Exception {
    int at = log.indexOf(said);
    assertTrue(at >= 0, "no \"" + said + "\" in: " + log);
    String url = log.substring(at + said.length()).split("[\\s(]", 2)[0];
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  /** {@code dir}/series/{@code file}, its lines (the header first). */
  private static List<String> series(Path dir, String file) {
    return Cli.series(dir, file).lines().toList();
  }

  private String read(String name) {
    try {
      return log(name);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static List<String> withoutWallTime(Path dir) throws IOException {
    return Files.readAllLines(dir.resolve("report.json")).stream().filter(l -> !l.contains("\"wall_seconds\""))
        .toList();
  }

  @Test
  void theDriverNamesTheMembersThatDidNotJoin() throws Exception {
    Path conf = threeMembers();
    Cli.Outcome o = Cli.run("run", conf.toString(), "--member", "m1", "--set", "cluster.join-timeout=2s", "--out",
        tmp.resolve("out").toString(), "--no-progress");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("members m2 and m3 have not joined within 2 s (domsim.cluster.join-timeout); start"
        + " each (domsim run " + conf + " --member m2; domsim run " + conf + " --member m3)"), o.err());
    assertTrue(o.err().contains("nothing was run"), o.err());
    assertTrue(!Files.exists(tmp.resolve("out").resolve("report.json")));
  }

  @Test
  void aServingMemberWhoseMetricsPortIsTakenSaysSoAndRunsNothing() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Path conf = threeMembers(Files.readString(Cli.example("migration.conf")) + "\ndomsim.metrics.prometheus.enabled"
          + " = true\n", "metrics.conf");
      Files.writeString(conf, Files.readString(conf).replaceFirst("(name = m2, host = \"127.0.0.1\", port = \\d+)",
          "$1, metrics-port = " + taken.getLocalPort()));
      Cli.Outcome o = Cli.run("run", conf.toString(), "--member", "m2", "--set", "cluster.join-timeout=2s");
      assertEquals(2, o.code(), o.err());
      assertTrue(o.err().contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()) && o.err().contains(
          "set the member's metrics-port in domsim.cluster.members"), o.err());
      assertTrue(!o.err().contains("joins m1"), "nothing was started: " + o.err());
    }
  }

  @Test
  void aServingMemberThatCannotReachTheDriverSaysSo() throws Exception {
    Path conf = threeMembers();
    Cli.Outcome o = Cli.run("run", conf.toString(), "--member", "m3", "--set", "cluster.join-timeout=2s");
    assertEquals(2, o.code(), o.err());
    assertTrue(o.err().contains("m3 could not join m1 at 127.0.0.1:"), o.err());
  }

  @Test
  void memberAndMembersMustAgree() throws Exception {
    Cli.Outcome stray = Cli.run("run", Cli.example("migration.conf").toString(), "--member", "m1");
    assertEquals(2, stray.code());
    assertTrue(stray.err().contains("--member m1 names a member, but " + Cli.example("migration.conf")
        + " lists no domsim.cluster.members; remove --member"), stray.err());
    Path conf = threeMembers();
    Cli.Outcome none = Cli.run("run", conf.toString());
    assertEquals(2, none.code());
    assertTrue(none.err().contains("spreads the run over 3 members (domsim.cluster.members: m1, m2, m3); start one"
        + " process per member with --member NAME, m1 first"), none.err());
    Cli.Outcome unknown = Cli.run("run", conf.toString(), "--member", "m9");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("--member m9 is not one of the members of " + conf + " (m1, m2, m3)"),
        unknown.err());
  }

  @Test
  void validateShowsWhichMemberHostsEachNode() throws Exception {
    Cli.Outcome v = Cli.run("validate", Cli.example("members.conf").toString());
    assertEquals(0, v.code(), v.err());
    assertTrue(v.out().contains("members: m1 at 127.0.0.1:25520 (drives the run), m2 at 127.0.0.1:25521, m3 at"
        + " 127.0.0.1:25522"), v.out());
    List<String> rows = v.out().lines().filter(l -> l.matches("^(NODE|src-|dst-|pv-only).*")).toList();
    assertTrue(rows.get(0).endsWith(" MEMBER"), rows.get(0));
    assertEquals(List.of("m1", "m2", "m3", "m1", "m1"),
        rows.subList(1, rows.size()).stream().map(r -> r.substring(r.lastIndexOf(' ') + 1)).toList(), v.out());
    Cli.Outcome scale = Cli.run("validate", Cli.example("scale-members.conf").toString());
    assertEquals(0, scale.code(), scale.err());
    assertTrue(scale.out().contains("members: m1 at 127.0.0.1:25530 (drives the run)"), scale.out());
    Cli.Outcome metered = Cli.run("validate", Cli.example("members.conf").toString(), "--set",
        "metrics.prometheus.enabled=true");
    assertEquals(0, metered.code(), metered.err());
    assertTrue(metered.out().contains("members: m1 at 127.0.0.1:25520 (drives the run) with its nodes' meters at"
        + " 127.0.0.1:9464/metrics, m2 at 127.0.0.1:25521 with its nodes' meters at 127.0.0.1:9465/metrics, m3 at"
        + " 127.0.0.1:25522 with its nodes' meters at 127.0.0.1:9466/metrics"), metered.out());
  }
}
