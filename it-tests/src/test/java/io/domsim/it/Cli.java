package io.domsim.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.domsim.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the real {@code domsim} command line in-process and reads what it wrote. */
final class Cli {
  private Cli() {}

  record Outcome(int code, String out, String err) {}

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Outcome(code, out.toString(), err.toString());
  }

  /** A config under src/test/resources/configs, as a file path. */
  static Path config(String name) {
    try {
      return Path.of(Cli.class.getResource("/configs/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no test config " + name, e);
    }
  }

  /** The repository's examples directory (it-tests runs with its module directory as working directory). */
  static Path example(String name) {
    return Path.of("..", "examples", name).toAbsolutePath().normalize();
  }

  /** {@code outDir}/series/{@code file}, decompressed: its text, the header first. */
  static String series(Path outDir, String file) {
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(outDir.resolve("series").resolve(file)))) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode report(Path outDir) {
    try {
      return new ObjectMapper().readTree(Files.readString(outDir.resolve("report.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode guest(JsonNode report, String name) {
    for (JsonNode g : report.get("guests")) {
      if (g.get("name").asText().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("no guest " + name + " in the report");
  }

  static JsonNode node(JsonNode report, String name) {
    for (JsonNode n : report.get("nodes")) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no node " + name + " in the report");
  }

  /** The control API's address, once {@code launch} has announced it on stderr. */
  static String awaitApi(StringWriter err, CompletableFuture<Integer> launch) throws InterruptedException {
    Pattern p = Pattern.compile("control API at (http://127\\.0\\.0\\.1:\\d+)");
    for (int i = 0; i < 500; i++) {
      Matcher m = p.matcher(err.toString());
      if (m.find()) {
        return m.group(1);
      }
      if (launch.isDone()) {
        throw new AssertionError("the launch ended before its API was up: " + err);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no control API announced: " + err);
  }
}
