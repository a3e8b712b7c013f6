package io.domsim.cli.sweep;

import io.domsim.node.RunResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A sweep's results: one row per finished run (in run order), and per combination the mean and 95%
 * confidence interval of every summary figure and of the wall time.
 */
public final class SweepTable {
  /** A finished run: its summary and wall time. */
  public record Row(Grid.Run run, RunResult.Summary summary, double wallSeconds) {}

  /** One combination's statistics, a {@link Stats} per figure in {@link #figureNames} order. */
  public record Means(Grid.Point point, List<Stats> stats) {}

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
  private static final String WALL = "wall_seconds";

  private final Grid grid;
  private final List<Row> rows;
  private final List<String> figureNames;
  private final List<Means> means;

  private SweepTable(Grid grid, List<Row> rows) {
    this.grid = grid;
    this.rows = List.copyOf(rows);
    List<String> names = new ArrayList<>();
    if (!rows.isEmpty()) {
      rows.get(0).summary().figures().forEach(f -> names.add(f.name()));
    }
    names.add(WALL);
    this.figureNames = List.copyOf(names);
    this.means = means();
  }

  public static SweepTable of(Grid grid, List<Row> rows) {
    return new SweepTable(grid, rows);
  }

  public List<String> figureNames() {
    return figureNames;
  }

  public List<Means> means() {
    if (means != null) {
      return means;
    }
    List<Means> out = new ArrayList<>();
    for (Grid.Point p : grid.points()) {
      List<Row> mine = rows.stream().filter(r -> r.run().point().equals(p)).toList();
      if (mine.isEmpty()) {
        continue; // every run of it failed
      }
      List<Stats> stats = new ArrayList<>();
      for (int f = 0; f < figureNames.size(); f++) {
        double[] values = new double[mine.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = value(mine.get(i), f);
        }
        stats.add(Stats.of(values));
      }
      out.add(new Means(p, stats));
    }
    return out;
  }

  private double value(Row row, int figure) {
    List<RunResult.Summary.Figure> figures = row.summary().figures();
    return figure < figures.size() ? figures.get(figure).value() : row.wallSeconds();
  }

  /** sweep.csv: the varied settings, the seed, every figure, the wall time; one row per finished run. */
  public void writeRuns(OutputStream out) throws IOException {
    List<String> header = new ArrayList<>(keys());
    header.add("seed");
    header.addAll(figureNames);
    CSVPrinter csv = printer(out, header);
    for (Row r : rows) {
      List<Object> record = new ArrayList<>(r.run().point().values());
      record.add(r.run().seed());
      for (int f = 0; f < figureNames.size(); f++) {
        record.add(number(value(r, f)));
      }
      csv.printRecord(record);
    }
    csv.flush(); // not closed: the stream is the caller's, synced and renamed after this
  }

  /** sweep-means.csv: per combination, the replications, then each figure's mean and 95% half-width. */
  public void writeMeans(OutputStream out) throws IOException {
    List<String> header = new ArrayList<>(keys());
    header.add("runs");
    for (String f : figureNames) {
      header.add(f + "_mean");
      header.add(f + "_ci95");
    }
    CSVPrinter csv = printer(out, header);
    for (Means m : means) {
      List<Object> record = new ArrayList<>(m.point().values());
      record.add(m.stats().get(0).n());
      for (Stats s : m.stats()) {
        record.add(number(s.mean()));
        record.add(Double.isNaN(s.halfWidth95()) ? "" : number(s.halfWidth95()));
      }
      csv.printRecord(record);
    }
    csv.flush(); // not closed: the stream is the caller's, synced and renamed after this
  }

  /** The table of means on the terminal: mean ± half-width of the 95% interval. */
  public void printMeans(PrintWriter out) {
    List<String> header = new ArrayList<>(keys());
    header.add("runs");
    header.addAll(figureNames);
    List<List<String>> lines = new ArrayList<>();
    lines.add(header);
    for (Means m : means) {
      List<String> line = new ArrayList<>(m.point().values());
      line.add(Integer.toString(m.stats().get(0).n()));
      for (Stats s : m.stats()) {
        line.add(Double.isNaN(s.halfWidth95()) ? shown(s.mean()) : shown(s.mean()) + " ± " + shown(s.halfWidth95()));
      }
      lines.add(line);
    }
    int[] widths = new int[header.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < line.size(); i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    for (List<String> line : lines) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < line.size(); i++) {
        String cell = line.get(i);
        boolean text = i < grid.axes().size();
        b.append(text ? String.format("%-" + widths[i] + "s", cell) : String.format("%" + widths[i] + "s", cell));
        if (i < line.size() - 1) {
          b.append("  ");
        }
      }
      out.println(b.toString().stripTrailing());
    }
    if (means.stream().anyMatch(m -> m.stats().get(0).n() > 1)) {
      out.println("(mean ± half-width of the 95% confidence interval, Student's t over the seeds)");
    }
  }

  private List<String> keys() {
    return grid.axes().stream().map(Grid.Axis::key).toList();
  }

  private static CSVPrinter printer(OutputStream out, List<String> header) throws IOException {
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    return new CSVPrinter(w, FORMAT.builder().setHeader(header.toArray(String[]::new)).get());
  }

  /** Full precision in the CSV files (they are data), locale-independent. */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Four significant figures on the terminal. */
  static String shown(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
