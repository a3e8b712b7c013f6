package io.domsim.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/configs/growth-10000.conf, the members' scale figure's cluster (README), is the one {@link Growth} runs at
 * 10,000 nodes: the figure over members and Growth's one-JVM row measure the same run.
 */
class GrowthConfigIsTheBenchTest {

  @Test
  void theCommittedConfigIsGrowthsLargest(@TempDir Path dir) throws Exception {
    List<String> growth = lines(Growth.config(dir, 10_000));
    List<String> committed = lines(Path.of("configs/growth-10000.conf"));
    assertEquals(growth, committed, "bench/configs/growth-10000.conf differs from Growth.config(10,000): write it again");
  }

  /** The lines that say something: no comments, no blank lines, no indentation. */
  private static List<String> lines(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }
}
