package io.domsim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The validation table: each case with domsim's figure (or why there is none), as Markdown. */
public final class ValidationTable {

  /** A case and what the run gave: its figure, or the sentence why it has none. */
  public record Row(ValidationCase c, Double domsim, String failure) {

    /** Within the tolerance, or outside it with the case's reason; a row without a figure is not. */
    public boolean acceptable() {
      return domsim != null && (c.within(domsim) || !c.reason().isEmpty());
    }

    String verdict() {
      if (domsim == null) {
        return "no figure: " + failure;
      }
      if (c.within(domsim)) {
        return "yes";
      }
      return c.reason().isEmpty() ? "**NO** (no reason given)" : "no: " + c.reason();
    }
  }

  private final List<Row> rows = new ArrayList<>();

  public void add(Row row) {
    rows.add(row);
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** Every row acceptable ({@link Row#acceptable}). */
  public boolean acceptable() {
    return rows.stream().allMatch(Row::acceptable);
  }

  /** The table as docs/validation.md shows it. */
  public String markdown() {
    StringBuilder s = new StringBuilder();
    s.append("| case | source | published | domsim | deviation | within tolerance | config |\n");
    s.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      ValidationCase c = r.c();
      String domsim = r.domsim() == null ? "—" : c.show(r.domsim());
      String deviation = r.domsim() == null ? "—"
          : String.format(Locale.ROOT, "%+.0f%%", 100 * c.deviation(r.domsim())).replace("-0%", "+0%");
      String config = "`" + c.config() + "`" + (c.overrides().isEmpty() ? ""
          : " " + String.join(" ", c.overrides().stream().map(o -> "`--set " + o + "`").toList()));
      s.append("| ").append(cell(c.name())).append(" | ").append(cell(c.source())).append(" | ")
          .append(c.show(c.published())).append(" | ").append(domsim).append(" | ").append(deviation)
          .append(" (±").append(String.format(Locale.ROOT, "%.0f%%", 100 * c.tolerance())).append(") | ")
          .append(cell(r.verdict())).append(" | ").append(config).append(" |\n");
    }
    return s.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
