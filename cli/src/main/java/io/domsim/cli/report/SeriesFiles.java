package io.domsim.cli.report;

import io.domsim.kernel.SimTime;
import io.domsim.node.series.GuestRow;
import io.domsim.node.series.NodeRow;
import io.domsim.node.series.RoundRow;
import io.domsim.node.series.SeriesSink;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a run's time series to {@code DIR/series} as gzip-compressed CSV with a header row, as the run
 * makes them: the simulation thread hands over chunks of rows, a writer thread of its own formats them
 * ({@link CsvBytes}: straight into bytes) and compresses them (so a large run's simulation does not wait for gzip), and the {@link SeriesDigest} for
 * report.html is taken on the way. The files are written in a temporary directory beside it, which is
 * renamed to {@code DIR/series} when all are complete: a run that is killed leaves no series, only a
 * temporary directory that the next run removes.
 */
public final class SeriesFiles implements SeriesSink, AutoCloseable {
  public static final String DIR = "series";
  public static final String NODES = "nodes.csv.gz";
  public static final String GUESTS = "guests.csv.gz";
  public static final String ROUNDS = "rounds.csv.gz";
  /** Every file a run may leave in DIR/series: the next run removes them first. */
  public static final List<String> FILES = List.of(NODES, GUESTS, ROUNDS);

  static final String[] NODE_HEADER = {"time_s", "node", "state", "cpu_utilization", "dom0_cpu_utilization",
      "memory_used_bytes", "memory_total_bytes", "guests", "hypercalls_per_s", "vm_exits_per_s", "power_watts",
      "nic_tx_bytes_per_s", "nic_rx_bytes_per_s", "migration_tx_bytes", "migration_rx_bytes", "period_s"};
  static final String[] GUEST_HEADER = {"time_s", "guest", "node", "type", "cpu_demand_cores", "cpu_served_cores",
      "cpu_used_cores", "memory_bytes", "state"};
  static final String[] ROUND_HEADER = {"migration", "guest", "type", "from", "to", "round", "kind", "start_s",
      "end_s", "pages_sent", "pages_dirtied", "bytes", "completed", "downtime_s"};

  /** What the writer thread takes, in order. */
  private sealed interface Item {}

  private record Nodes(List<NodeRow> rows) implements Item {}

  private record Guests(List<GuestRow> rows) implements Item {}

  private record Rounds(List<RoundRow> rows) implements Item {}

  private enum End implements Item { INSTANCE }

  /** Where the series go once complete, and where they are written until then. */
  private final Path dir;
  private final Path temp;
  private final boolean guests;
  private final SeriesDigest digest;
  /** Bounded: a writer that falls behind holds the simulation back rather than the heap filling up. */
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(32);
  private final Thread writer;
  private volatile IOException failure;
  private List<RoundRow> rounds = List.of();

  private CsvBytes nodeCsv;
  private CsvBytes guestCsv;

  /**
   * Opens the files in {@code dir} (created if missing: the output directory was prepared already).
   *
   * @param guests whether guests.csv.gz is written
   */
  public SeriesFiles(Path dir, boolean guests, SeriesDigest digest) throws IOException {
    this.dir = dir;
    this.temp = dir.resolveSibling("." + dir.getFileName() + "." + ProcessHandle.current().pid() + TEMP);
    this.guests = guests;
    this.digest = digest;
    deleteTree(temp);
    Files.createDirectories(temp);
    nodeCsv = open(NODES, NODE_HEADER);
    if (guests) {
      guestCsv = open(GUESTS, GUEST_HEADER);
    }
    writer = new Thread(this::drain, "domsim-series-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Removes what a previous run left: the series in {@code dir} (and the directory, if that leaves it empty),
   * and the temporary directory of a run that was killed.
   */
  public static void removePrevious(Path dir) throws IOException {
    if (Files.isDirectory(dir.getParent())) {
      try (var temps = Files.newDirectoryStream(dir.getParent(), "." + dir.getFileName() + ".*" + TEMP)) {
        for (Path t : temps) {
          deleteTree(t);
        }
      }
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    for (String f : FILES) {
      Files.deleteIfExists(dir.resolve(f));
    }
    try (var rest = Files.list(dir)) {
      if (rest.findAny().isEmpty()) {
        Files.delete(dir);
      }
    }
  }

  /** A temporary directory ends so, as OutputDir's temporary files do. */
  private static final String TEMP = ".domsim-tmp";

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var inside = Files.list(p)) {
        for (Path q : inside.toList()) {
          deleteTree(q);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  private CsvBytes open(String name, String[] header) throws IOException {
    return new CsvBytes(new FastGzip(Files.newOutputStream(temp.resolve(name))), format(header));
  }

  private static CSVFormat format(String[] header) {
    return CSVFormat.DEFAULT.builder().setHeader(header).setRecordSeparator("\n").get();
  }

  /** rounds.csv.gz: a few rows, printed by Commons CSV itself. */
  private CSVPrinter openPrinter(String name, String[] header) throws IOException {
    OutputStream out = new FastGzip(Files.newOutputStream(temp.resolve(name)));
    return new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16),
        format(header));
  }

  /**
   * gzip at its fastest level: the series of a large run are hundreds of megabytes of CSV, which the default
   * level compresses several times slower for files about a fifth smaller.
   */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(java.util.zip.Deflater.BEST_SPEED);
    }
  }

  @Override
  public void nodes(List<NodeRow> rows) {
    put(new Nodes(rows));
  }

  @Override
  public void guests(List<GuestRow> rows) {
    put(new Guests(rows));
  }

  @Override
  public void rounds(List<RoundRow> rows) {
    put(new Rounds(rows));
  }

  private void put(Item item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing over the time series", e);
    }
  }

  private void drain() {
    while (true) {
      Item item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (item == End.INSTANCE) {
        return;
      }
      if (failure != null) {
        continue; // keep taking, so that the simulation is never held back by a writer that gave up
      }
      try {
        write(item);
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
      }
    }
  }

  private void write(Item item) throws IOException {
    if (item instanceof Nodes n) {
      CsvBytes csv = nodeCsv;
      for (NodeRow r : n.rows()) {
        digest.add(r);
        csv.seconds(r.atNanos());
        csv.string(r.node());
        csv.name(r.state());
        csv.decimal(r.cpuUtilization());
        csv.decimal(r.dom0CpuUtilization());
        csv.number(r.memoryUsedBytes());
        csv.number(r.memoryTotalBytes());
        csv.number(r.guests());
        csv.decimal(r.hypercallsPerSecond());
        csv.decimal(r.vmExitsPerSecond());
        csv.decimal(r.watts());
        csv.decimal(r.nicTxBytesPerSecond());
        csv.decimal(r.nicRxBytesPerSecond());
        csv.number(r.migrationTxBytes());
        csv.number(r.migrationRxBytes());
        csv.decimal(r.periodSeconds());
        csv.endRecord();
      }
    } else if (item instanceof Guests g) {
      CsvBytes csv = guestCsv;
      for (GuestRow r : g.rows()) {
        csv.seconds(r.atNanos());
        csv.string(r.guest());
        csv.string(r.node());
        csv.string(r.type().configName());
        csv.decimal(r.cpuDemandCores());
        csv.decimal(r.cpuServedCores());
        csv.decimal(r.cpuUsedCores());
        csv.number(r.memoryBytes());
        csv.name(r.state());
        csv.endRecord();
      }
    } else if (item instanceof Rounds r) {
      rounds = r.rows();
    }
  }

  /** Simulated time in seconds, exactly (nanoseconds are whole): 12.5, 3600.000000001. */
  static String seconds(long nanos) {
    return fixed(nanos / NANOS, nanos % NANOS, nanos < 0);
  }

  /**
   * A figure to nine decimals (a billionth of a second, a watt, a core), its trailing zeros dropped: Java 17's
   * Double.toString is the writer's main cost on a large run, and prints 17 digits of rounding noise. Figures
   * of a billion or more (bytes per second) print as Double.toString does.
   */
  static String decimal(double v) {
    if (!(Math.abs(v) < 1e9)) {
      return Double.toString(v);
    }
    long scaled = Math.round(v * NANOS);
    return fixed(scaled / NANOS, scaled % NANOS, scaled < 0);
  }

  private static final long NANOS = 1_000_000_000L;

  private static String fixed(long whole, long fraction, boolean negative) {
    StringBuilder b = new StringBuilder(24);
    if (negative) {
      b.append('-');
    }
    b.append(Math.abs(whole)).append('.');
    long f = Math.abs(fraction);
    if (f == 0) {
      return b.append('0').toString();
    }
    String digits = Long.toString(f);
    b.append("000000000", 0, 9 - digits.length());
    int end = digits.length();
    while (digits.charAt(end - 1) == '0') {
      end--;
    }
    return b.append(digits, 0, end).toString();
  }

  /** The migrations' rounds, once {@link #close} has returned. */
  public List<RoundRow> roundRows() {
    return rounds;
  }

  /**
   * Waits for the writer, writes rounds.csv.gz, and renames every file into place.
   *
   * @throws IOException if a file could not be written (none is left in place then)
   */
  @Override
  public void close() throws IOException {
    put(End.INSTANCE);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the time series");
    }
    try {
      if (failure != null) {
        throw failure;
      }
      nodeCsv.close();
      if (guestCsv != null) {
        guestCsv.close();
      }
      try (CSVPrinter csv = openPrinter(ROUNDS, ROUND_HEADER)) {
        for (RoundRow r : rounds) {
          csv.printRecord(r.migration(), r.guest(), r.type() == null ? "" : r.type().configName(), r.from(), r.to(),
              r.round(), r.kind().seriesName(), r.startSeconds(), r.endSeconds(), r.pagesSent(),
              r.pagesDirtied() == null ? "" : r.pagesDirtied(), r.bytes(), r.completed(),
              r.downtimeSeconds() == null ? "" : r.downtimeSeconds());
        }
      }
      if (Files.isDirectory(dir)) {
        // files of the user's own there (the run removed its own before it started): add ours, one by one
        try (var files = Files.list(temp)) {
          for (Path f : files.toList()) {
            Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          }
        }
      } else {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      deleteTree(temp);
    }
  }

  /** The run failed: stop the writer and leave no file behind. */
  public void abort() {
    failure = new IOException("the run failed");
    put(End.INSTANCE);
    try {
      writer.join();
      nodeCsv.close();
      if (guestCsv != null) {
        guestCsv.close();
      }
    } catch (IOException | InterruptedException e) {
      // nothing of it is kept anyway
    }
    try {
      deleteTree(temp);
    } catch (IOException e) {
      // a temporary directory the next run removes
    }
  }

  /** Whether guests.csv.gz is written. */
  public boolean guests() {
    return guests;
  }
}
