package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, item 2: report.html opened in a real headless browser (Debian's chromium). It must render with no
 * script error and draw every chart: the page's script sets {@code data-status="ok"} and the number of charts on
 * {@code #domsim-status} once it has drawn them, and writes any error into {@code #domsim-errors}. The
 * screenshot is kept as it-tests/target/report-html.png (the README's docs/report-html.png is a copy).
 */
class ReportHtmlIT {
  private static final Path SCREENSHOT = Path.of("target", "report-html.png").toAbsolutePath();

  @TempDir
  Path tmp;

  @Test
  void theMigrationExamplesPageRendersEveryChart() throws Exception {
    Path out = tmp.resolve("out");
    Cli.Outcome o = Cli.run("run", Cli.example("migration.conf").toString(), "--out", out.toString(), "--no-progress");
    assertEquals(0, o.code(), o.err());
    Path page = out.resolve("report.html");
    String html = Files.readString(page);
    assertFalse(Pattern.compile("<script[^>]*\\ssrc=|<link[^>]*\\shref=").matcher(html).find(),
        "the page loads nothing from elsewhere: it opens from disk with no network");

    String dom = chromium(List.of("--dump-dom", page.toUri().toString()));
    Matcher errors = Pattern.compile("<pre id=\"domsim-errors\">([^<]*)</pre>").matcher(dom);
    assertTrue(errors.find(), "the page has its error box: " + head(dom));
    assertEquals("", errors.group(1).trim(), "script errors in report.html");
    Matcher status = Pattern.compile("id=\"domsim-status\" data-status=\"(\\w+)\" data-charts=\"(\\d+)\"").matcher(dom);
    assertTrue(status.find(), "the page's script did not finish: " + head(dom));
    assertEquals("ok", status.group(1));
    // The cluster's CPU and power, the heatmap, the timeline, and the rounds of the 7 migrations that sent anything.
    int charts = Integer.parseInt(status.group(2));
    assertEquals(3 + 7, charts);
    for (String id : List.of("chart-cluster", "chart-heatmap", "chart-timeline", "chart-rounds-m1", "chart-rounds-m7")) {
      Matcher chart = Pattern.compile("id=\"" + id + "\"[^>]*_echarts_instance_=\"[^\"]+\"").matcher(dom);
      assertTrue(chart.find(), id + " was not drawn by ECharts");
    }
    int canvases = 0;
    for (Matcher c = Pattern.compile("<canvas").matcher(dom); c.find(); ) {
      canvases++;
    }
    assertTrue(canvases >= charts, "each chart draws on a canvas: " + canvases + " for " + charts);

    Files.deleteIfExists(SCREENSHOT);
    chromium(List.of("--window-size=1280,2100", "--screenshot=" + SCREENSHOT, page.toUri().toString()));
    assertTrue(Files.size(SCREENSHOT) > 50_000, "the screenshot " + SCREENSHOT + " shows the charts");
  }

  /** Runs headless chromium on the page (bounded: 30 s) and returns what it printed. */
  private String chromium(List<String> args) throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/chromium");
    if (!Files.isExecutable(binary)) {
      fail("no chromium at " + binary + ": the browser test needs Debian's chromium package, which .ci/run installs"
          + " (apt-get install chromium)");
    }
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium"),
        "--virtual-time-budget=10000"));
    command.addAll(args);
    Path stdout = tmp.resolve("chromium.out");
    Path stderr = tmp.resolve("chromium.err");
    Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium took more than 30 s: " + Files.readString(stderr));
    }
    assertEquals(0, p.exitValue(), () -> "chromium failed: " + read(stderr));
    return read(stdout);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }

  private static String head(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
  }
}
