package io.domsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --out: refused before the run when unusable, cleared of the previous results, written atomically. */
class OutputDirTest {
  @TempDir
  Path tmp;

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void prepareRemovesThePreviousResultsAndKilledWritesButNothingElse() throws Exception {
    Path dir = tmp.resolve("out");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("report.json"), "{ \"from\": \"an older run\" }");
    Files.writeString(dir.resolve("domsim.log"), "an older log");
    Files.writeString(dir.resolve(".report.json.123-1" + OutputDir.TEMP_SUFFIX), "{ half a rep");
    Files.writeString(dir.resolve("cluster.conf"), "the user's own file");
    OutputDir.prepare(dir);
    assertEquals(List.of("cluster.conf"), names(dir), "an older report would pass for this run's if it died");
  }

  @Test
  void prepareCreatesTheDirectory() throws Exception {
    Path dir = tmp.resolve("a/b/c");
    OutputDir.prepare(dir);
    assertTrue(Files.isDirectory(dir));
    assertEquals(List.of(), names(dir), "the writability probe leaves nothing behind");
  }

  @Test
  void anUnusableDirectoryIsRefusedWithASentence() throws Exception {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    String underFile = assertThrows(OutputDir.Unusable.class, () -> OutputDir.prepare(file.resolve("out")))
        .getMessage();
    assertTrue(underFile.startsWith("cannot create the output directory " + file.resolve("out")), underFile);
    assertTrue(underFile.endsWith("; choose another with --out DIR."), underFile);
    assertThrows(OutputDir.Unusable.class, () -> OutputDir.prepare(file));

    Path dir = tmp.resolve("out");
    Files.createDirectories(dir.resolve("report.json").resolve("inside"));
    String isDir = assertThrows(OutputDir.Unusable.class, () -> OutputDir.prepare(dir)).getMessage();
    assertEquals(dir.resolve("report.json") + " is a directory, where the run would write its report.json; remove"
        + " it; choose another with --out DIR.", isDir);
  }

  @Test
  void aReadOnlyDirectoryIsRefused() throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root writes into read-only directories");
    Path dir = tmp.resolve("ro");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      String m = assertThrows(OutputDir.Unusable.class, () -> OutputDir.prepare(dir)).getMessage();
      assertTrue(m.startsWith("cannot write to the output directory " + dir), m);
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void aWriteThatDiesMidwayLeavesTheTargetAsItWasAndNoTemporaryFile() throws Exception {
    OutputDir dir = OutputDir.prepare(tmp.resolve("out"));
    dir.write("report.json", out -> out.write("{ \"complete\": true }\n".getBytes(StandardCharsets.UTF_8)));
    IOException killed = assertThrows(IOException.class, () -> dir.write("report.json", out -> {
      out.write("{ \"half\": ".getBytes(StandardCharsets.UTF_8));
      out.flush();
      throw new IOException("killed");
    }));
    assertEquals("killed", killed.getMessage());
    assertEquals("{ \"complete\": true }\n", Files.readString(dir.resolve("report.json")));
    assertEquals(List.of("report.json"), names(dir.dir()));
  }

  @Test
  void whileAWriteGoesTheTargetDoesNotExistYet() throws Exception {
    OutputDir dir = OutputDir.prepare(tmp.resolve("out"));
    dir.write("report.json", out -> {
      out.write("{".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertFalse(Files.exists(dir.resolve("report.json")), "a reader must never see a partial report");
      out.write("}".getBytes(StandardCharsets.UTF_8));
    });
    assertEquals("{}", Files.readString(dir.resolve("report.json")));
    assertEquals(defaultMode(), PosixFilePermissions.toString(Files.getPosixFilePermissions(
        dir.resolve("report.json"))), "the report has a new file's usual permissions, not a temporary file's 0600");
  }

  private String defaultMode() throws IOException {
    Path p = Files.writeString(tmp.resolve("plain"), "");
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
