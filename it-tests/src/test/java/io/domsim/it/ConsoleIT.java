package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xl-style console against a launched cluster, every command a real process of its own: launch; list;
 * create a guest from an xl.cfg file; migrate a PV and an HVM guest with --wait; a refused migrate exits 2 at
 * once; pause and unpause; fail a node; list shows the lost guest; stop; and report.json, the series and
 * report.html say exactly that.
 */
class ConsoleIT {

  @TempDir
  Path tmp;

  /** A process's output, gathered on a thread of its own so that the process never blocks on a full pipe. */
  private static final class Drain {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread thread;

    Drain(InputStream in) {
      thread = new Thread(() -> {
        byte[] buf = new byte[8192];
        try {
          for (int n; (n = in.read(buf)) > 0; ) {
            synchronized (bytes) {
              bytes.write(buf, 0, n);
            }
          }
        } catch (IOException e) {
          // the process is gone
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }

  private static ProcessBuilder domsim(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.domsim.cli.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  /** Runs {@code domsim args...} as a process and waits for it (a minute at most). */
  private static Cli.Outcome run(String... args) throws Exception {
    Process p = domsim(args).start();
    Drain out = new Drain(p.getInputStream());
    Drain err = new Drain(p.getErrorStream());
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("domsim " + String.join(" ", args) + " did not end");
      }
      out.thread.join(5000);
      err.thread.join(5000);
      return new Cli.Outcome(p.exitValue(), out.text(), err.text());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  @Timeout(240)
  void theConsoleDrivesALaunchedClusterAndTheReportSaysWhatItDid() throws Exception {
    Path conf = tmp.resolve("live.conf");
    Files.writeString(conf, """
        domsim {
          simulation { speed = 20, duration = 2h }
          node-defaults { memory = 16GiB, nic = 10Gbps, dom0 { memory = 1GiB } }
          nodes = [ { name = a }, { name = b }, { name = c, cpu.hvm-support = false } ]
          guests = [ { name = web, type = pv, memory = 1GiB, node = a, workload { dirty-rate = 1000, working-set = 64MiB } }
                     { name = db, type = hvm, memory = 1GiB, vcpus = 2, node = b } ]
        }
        """);
    Path cfg = tmp.resolve("cache.cfg");
    Files.writeString(cfg, """
        # xl.cfg-style: key = value lines
        name = "cache"
        type = "pv"
        memory = 512
        vcpus = 1
        node = "c"
        disk = [ "phy:/dev/vg/cache,xvda,w" ]
        """);
    Path bad = tmp.resolve("bad.cfg");
    Files.writeString(bad, "name = \"huge\"\nmemory = 65536\n");
    Path out = tmp.resolve("out");
    Process launch = domsim("launch", conf.toString(), "--out", out.toString(), "--api-port", "0", "--no-progress")
        .start();
    Drain launchOut = new Drain(launch.getInputStream());
    Drain launchErr = new Drain(launch.getErrorStream());
    try {
      String api = null;
      Pattern p = Pattern.compile("control API at (http://127\\.0\\.0\\.1:\\d+)");
      for (int i = 0; i < 600 && api == null; i++) {
        Matcher m = p.matcher(launchErr.text());
        if (m.find()) {
          api = m.group(1);
        } else {
          assertTrue(launch.isAlive(), launchErr.text());
          Thread.sleep(50);
        }
      }
      assertTrue(api != null, "no control API announced: " + launchErr.text());
      Cli.Outcome list = null;
      for (int i = 0; i < 100; i++) { // 503 while the guests start
        list = run("list", "--api", api);
        if (list.code() == 0 && list.out().contains("db ")) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(0, list.code(), list.err());
      assertTrue(list.out().startsWith("Name"), list.out());
      assertTrue(list.out().lines().filter(l -> l.startsWith("Domain-0")).count() == 3, list.out());

      Cli.Outcome create = run("create", cfg.toString(), "--api", api);
      assertEquals(0, create.code(), create.err());
      assertTrue(create.out().contains("\"created\" : \"cache\""), create.out());
      Cli.Outcome tooBig = run("create", bad.toString(), "--api", api);
      assertEquals(2, tooBig.code(), tooBig.out());
      assertEquals(1, tooBig.err().strip().lines().count(), tooBig.err());
      assertTrue(tooBig.err().startsWith("domsim: memory: "), tooBig.err());

      Cli.Outcome pv = run("migrate", "web", "c", "--wait", "--api", api);
      assertEquals(0, pv.code(), pv.out() + pv.err());
      assertTrue(pv.out().lines().anyMatch(l -> l.startsWith("m1 web a -> c  completed")), pv.out());
      Cli.Outcome hvm = run("migrate", "db", "a", "--wait", "--api", api);
      assertEquals(0, hvm.code(), hvm.out() + hvm.err());
      assertTrue(hvm.out().lines().anyMatch(l -> l.startsWith("m2 db b -> a  completed")), hvm.out());
      // The destination refuses (no VT-x on c): the request's own answer, exit 2.
      Cli.Outcome refused = run("migrate", "db", "c", "--api", api);
      assertEquals(2, refused.code(), refused.out());
      assertTrue(refused.err().contains("cannot run on c: its CPU has no VT-x/AMD-V"), refused.err());

      assertEquals(0, run("pause", "web", "--api", api).code());
      assertTrue(run("list", "--api", api).out().lines().anyMatch(l -> l.startsWith("web") && l.contains("--p---")));
      assertEquals(0, run("unpause", "web", "--api", api).code());
      assertEquals(0, run("fail", "a", "--api", api).code());
      Cli.Outcome after = run("list", "--api", api);
      String db = after.out().lines().filter(l -> l.startsWith("db")).findFirst().orElseThrow();
      assertTrue(db.contains("----c-") && db.contains("lost: its node a failed"), after.out());
      Cli.Outcome json = run("list", "--json", "--api", api);
      assertTrue(new ObjectMapper().readTree(json.out()).isArray(), json.out());
      JsonNode status = new ObjectMapper().readTree(run("status", "--api", api).out());
      assertTrue(status.get("guests_gone").get("db").asText().startsWith("lost"), status.toString());
      Cli.Outcome info = run("info", "c", "--api", api);
      assertTrue(info.out().contains("virt_caps              : pv\n"), info.out());
      Cli.Outcome top = run("top", "-b", "-d", "0.2", "-n", "2", "--api", api);
      assertEquals(0, top.code(), top.err());
      assertEquals(2, top.out().lines().filter(l -> l.startsWith("domsim top")).count(), top.out());
      // xentop's network columns: c's Dom0 has received web's migration stream (in KiB).
      String[] dom0c = top.out().lines().filter(l -> l.startsWith("Domain-0") && l.endsWith(" c")).reduce((x, y) -> y)
          .orElseThrow().trim().split("\\s+");
      assertTrue(Long.parseLong(dom0c[8]) > 100_000, "NETRX(k) of c's Dom0: " + String.join(" ", dom0c));

      assertEquals(0, run("stop", "--api", api).code());
      assertTrue(launch.waitFor(60, TimeUnit.SECONDS), launchErr.text());
      assertEquals(0, launch.exitValue(), launchErr.text());
      String events = launchErr.text();
      assertTrue(events.contains("] guest cache created on c"), events);
      assertTrue(events.contains("] migration m1 of web (pv) a -> c started (pre-copy)"), events);
      assertTrue(events.contains("] migration m2 of db b -> a completed"), events);
      assertTrue(events.contains("] migration m3 of db b -> c refused") || events.contains("] migration m3 of db a -> c refused"), events);
      assertTrue(events.contains("] guest web paused on c") && events.contains("] guest web unpaused on c"), events);
      assertTrue(events.contains("] node a failed; guests lost: db"), events);

      JsonNode r = Cli.report(out);
      List<String> outcomes = new ArrayList<>();
      r.get("migrations").forEach(m -> outcomes.add(m.get("guest").asText() + " " + m.get("to").asText() + " "
          + m.get("outcome").asText()));
      assertEquals(List.of("web c completed", "db a completed", "db c refused"), outcomes);
      List<String> ops = new ArrayList<>();
      r.get("operations").forEach(o -> ops.add(o.get("action").asText() + " " + o.get("guest").asText() + " "
          + o.get("outcome").asText()));
      assertEquals(List.of("create cache completed", "pause web completed", "unpause web completed"), ops);
      r.get("operations").forEach(o -> assertEquals("console", o.get("requested_by").asText(), o.toString()));
      r.get("migrations").forEach(m -> assertEquals("console", m.get("requested_by").asText(), m.toString()));
      assertEquals("lost", Cli.guest(r, "db").get("state_end").asText());
      assertEquals("running", Cli.guest(r, "web").get("state_end").asText());
      assertEquals("c", Cli.guest(r, "cache").get("node_end").asText());
      assertTrue(Cli.node(r, "a").get("failed").asBoolean());
      assertTrue(launchOut.text().contains("report: "), launchOut.text());

      // The series say the same: a's rows turn from up to failed; the two migrations that ran have their rounds,
      // the refused one none; and report.html carries the three migrations with those rounds.
      List<String> aStates = series(out.resolve("series/nodes.csv.gz")).stream()
          .filter(row -> row.get("node").equals("a")).map(row -> row.get("state")).toList();
      assertEquals("up", aStates.get(0));
      assertEquals("failed", aStates.get(aStates.size() - 1), aStates.toString());
      List<CSVRecord> rounds = series(out.resolve("series/rounds.csv.gz"));
      assertEquals(List.of("m1 web", "m2 db"), rounds.stream().map(row -> row.get("migration") + " " + row.get("guest"))
          .distinct().toList());
      String html = Files.readString(out.resolve("report.html"));
      JsonNode page = new ObjectMapper().readTree(html.substring(html.indexOf("{\"", html.indexOf("id=\"domsim-data\""))));
      List<String> drawn = new ArrayList<>();
      page.get("migrations").forEach(m -> drawn.add(m.get("id").asText() + " " + m.get("guest").asText() + " "
          + m.get("outcome").asText() + " " + m.get("rounds").size()));
      long m1Rounds = rounds.stream().filter(row -> row.get("migration").equals("m1")).count();
      long m2Rounds = rounds.stream().filter(row -> row.get("migration").equals("m2")).count();
      assertEquals(List.of("m1 web completed " + m1Rounds, "m2 db completed " + m2Rounds, "m3 db refused 0"), drawn);
    } finally {
      launch.destroyForcibly();
      launch.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static List<CSVRecord> series(Path gz) throws IOException {
    try (Reader in = new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8)) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
    }
  }
}
