package io.domsim.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.config.GuestType;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.NodeSample;
import io.domsim.migration.MigrationRecord;
import io.domsim.node.series.NodeRow;
import io.domsim.node.series.RoundRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesFilesTest {
  private static final long S = 1_000_000_000L;

  @TempDir
  Path tmp;

  private final List<NodeSpec> nodes = List.of(new NodeSpec("a", 4, 2, true, 1L << 30, 1, null, null),
      new NodeSpec("b", 12, 2, true, 1L << 30, 1, null, null));

  @Test
  void rowsArriveInTheFilesWithAHeaderAndTheDigestCutsThemDown() throws IOException {
    SeriesDigest digest = new SeriesDigest(nodes, S);
    Path dir = tmp.resolve("series");
    SeriesFiles files = new SeriesFiles(dir, false, digest);
    List<NodeRow> rows = new ArrayList<>();
    int samples = 1000; // more than the digest's 400 spans: it coarsens to 4 s spans
    for (int t = 1; t <= samples; t++) {
      rows.add(row(t * S, "a", 0.25, 100));
      rows.add(row(t * S, "b", 0.75, 300));
    }
    files.nodes(rows);
    files.rounds(List.of(new RoundRow("m1", "g", GuestType.PV, "a", "b", 1, MigrationRecord.TransferKind.ROUND, 1.5,
        2.5, 10, 3L, 40960, true, null), new RoundRow("m1", "g", GuestType.PV, "a", "b", 2,
        MigrationRecord.TransferKind.STOP_AND_COPY, 2.5, 2.6, 3, null, 12288, true, 0.1)));
    assertFalse(Files.exists(dir), "nothing in place before the end");
    files.close();
    List<String> nodeLines = lines(dir.resolve(SeriesFiles.NODES));
    assertEquals(String.join(",", SeriesFiles.NODE_HEADER), nodeLines.get(0));
    assertEquals(1 + 2 * samples, nodeLines.size());
    assertTrue(nodeLines.get(1).startsWith("1.0,a,up,0.25,"), nodeLines.get(1));
    List<String> roundLines = lines(dir.resolve(SeriesFiles.ROUNDS));
    assertEquals(List.of(String.join(",", SeriesFiles.ROUND_HEADER),
        "m1,g,pv,a,b,1,round,1.5,2.5,10,3,40960,true,", "m1,g,pv,a,b,2,stop-and-copy,2.5,2.6,3,,12288,true,0.1"),
        roundLines);
    assertFalse(Files.exists(dir.resolve(SeriesFiles.GUESTS)));

    assertEquals(4.0, digest.bucketSeconds(), 1e-12);
    assertEquals(250, digest.buckets());
    // 4 of a's cores at 25% and 12 of b's at 75%: 10 of 16 cores busy.
    for (double cpu : digest.clusterCpu()) {
      assertEquals(10.0 / 16, cpu, 1e-12);
    }
    for (double w : digest.clusterWatts()) {
      assertEquals(400, w, 1e-9);
    }
    assertEquals(List.of("a", "b"), digest.rowLabels());
    assertEquals(0.75, digest.heatmap()[1][0], 1e-12);
  }

  @Test
  void manyNodesShareAHeatmapRow() {
    List<NodeSpec> many = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      many.add(new NodeSpec("n-" + i, 1, 2, true, 1, 1, null, null));
    }
    SeriesDigest digest = new SeriesDigest(many, S);
    assertEquals(3, digest.groupSize());
    assertEquals("n-1..n-3 (3 nodes)", digest.rowLabels().get(0));
    assertEquals("n-199..n-200 (2 nodes)", digest.rowLabels().get(digest.rowLabels().size() - 1));
  }

  /** Not a test of speed (the machine is shared): it prints how fast the writer goes, for the record. */
  @Test
  void theWriterKeepsUpWithALargeRun() throws IOException {
    SeriesDigest digest = new SeriesDigest(nodes, S);
    SeriesFiles files = new SeriesFiles(tmp.resolve("big"), false, digest);
    long start = System.nanoTime();
    int total = 0;
    for (int c = 0; c < 50; c++) {
      List<NodeRow> rows = new ArrayList<>();
      for (int i = 0; i < 4096; i++) {
        long t = (long) (c * 4096 + i) * S / 2;
        rows.add(new NodeRow(t, i % 2 == 0 ? "a" : "b", NodeSample.State.UP, 0.123456789 * (i % 7), 0.0123456789,
            4L << 30, 64L << 30, 7, 1234.56789, 9876.54321, 123.456789 + i % 11, 1e6 / 3, 1e6 / 7, 0, 0, 1.0));
      }
      files.nodes(rows);
      total += rows.size();
    }
    files.rounds(List.of());
    files.close();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("series writer: %,d rows in %.2f s (%.1f us a row)%n", total, seconds, 1e6 * seconds / total);
  }

  @Test
  void figuresPrintToNineDecimals() {
    assertEquals("12.5", SeriesFiles.seconds(12_500_000_000L));
    assertEquals("3600.000000001", SeriesFiles.seconds(3_600_000_000_001L));
    assertEquals("0.0", SeriesFiles.decimal(0));
    assertEquals("0.00125", SeriesFiles.decimal(0.0012499999999988631));
    assertEquals("120.225", SeriesFiles.decimal(120.22500000000582));
    assertEquals("-0.5", SeriesFiles.decimal(-0.5));
    assertEquals("-2.000000001", SeriesFiles.decimal(-2.000000001));
    assertEquals("1.25E9", SeriesFiles.decimal(1.25e9));
    assertEquals("NaN", SeriesFiles.decimal(Double.NaN));
  }

  private static NodeRow row(long at, String node, double cpu, double watts) {
    return new NodeRow(at, node, NodeSample.State.UP, cpu, 0.01, 1, 2, 3, 4, 5, watts, 6, 7, 0, 0, 1.0);
  }

  private static List<String> lines(Path gz) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
        StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }
}
