package io.domsim.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row of the validation table (a case of {@code examples/validation/cases.conf}): a published figure and
 * where domsim's comes from.
 *
 * @param name what is measured ("Clark SPECweb99, downtime")
 * @param source who published it, where, and whether the figure is verified
 * @param published the published figure, in {@code unit}
 * @param unit the unit both figures are shown in ("s", "ms", "MB", or "" for a ratio)
 * @param figure domsim's figure: an expression over the run's report.json ({@link Figure})
 * @param config the cluster file, relative to the cases file
 * @param overrides {@code --set} overrides of the run
 * @param tolerance the largest |deviation| the row accepts (0.25: within 25%)
 * @param reason why the row may lie outside its tolerance ("" when it may not)
 */
public record ValidationCase(String name, String source, double published, String unit, Figure figure, String config,
    List<String> overrides, double tolerance, String reason) {

  /** Issue 11: every row within 25%, or the row says why not. */
  public static final double DEFAULT_TOLERANCE = 0.25;

  public ValidationCase {
    overrides = List.copyOf(overrides);
  }

  /** The run this case reads: its config and overrides (cases that share one share the run). */
  public List<String> run() {
    List<String> key = new ArrayList<>();
    key.add(config);
    key.addAll(overrides);
    return key;
  }

  /**
   * Reads every case of a cases file.
   *
   * @throws IllegalArgumentException one sentence naming the file, the case and what is wrong with it
   */
  public static List<ValidationCase> read(Path file) {
    Config root;
    try {
      root = ConfigFactory.parseFile(file.toFile(),
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage() + "; fix the file");
    }
    return read(root, file.toString());
  }

  /** Reads the cases of {@code root} ({@code cases = [ ... ]}); {@code where} names it in errors. */
  public static List<ValidationCase> read(Config root, String where) {
    if (!root.hasPath("cases")) {
      throw new IllegalArgumentException(where + ": no `cases = [ ... ]`; add the list of cases");
    }
    List<? extends Config> entries;
    try {
      entries = root.getConfigList("cases");
    } catch (ConfigException e) {
      throw new IllegalArgumentException(where + ": `cases` is not a list of objects; write cases = [ { ... } ]");
    }
    List<ValidationCase> cases = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Config c = entries.get(i);
      String at = where + ": case " + (i + 1) + (c.hasPath("case") ? " (" + c.getString("case") + ")" : "");
      try {
        double tolerance = c.hasPath("tolerance") ? c.getDouble("tolerance") : DEFAULT_TOLERANCE;
        if (!(tolerance >= 0)) {
          throw new IllegalArgumentException("tolerance " + tolerance + " is negative; use a fraction such as 0.25");
        }
        double published = c.getDouble("published");
        if (published == 0) {
          throw new IllegalArgumentException("published is 0, which no deviation can be taken from; state a"
              + " figure other than 0");
        }
        cases.add(new ValidationCase(c.getString("case"), c.getString("source"), published,
            c.hasPath("unit") ? c.getString("unit") : "", Figure.parse(c.getString("figure")), c.getString("config"),
            c.hasPath("set") ? c.getStringList("set") : List.of(), tolerance,
            c.hasPath("reason") ? c.getString("reason") : ""));
      } catch (ConfigException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage().replaceFirst("^[^:]*: ", "")
            + "; each case needs case, source, published, figure and config");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage());
      }
    }
    return cases;
  }

  /** (domsim − published) / published. */
  public double deviation(double domsim) {
    return (domsim - published) / published;
  }

  /** Whether {@code domsim} is within the tolerance. */
  public boolean within(double domsim) {
    return Math.abs(deviation(domsim)) <= tolerance + 1e-12;
  }

  /** A figure as the table shows it: three significant digits at most, thousands grouped, then the unit ("%" close up). */
  public String show(double value) {
    double a = Math.abs(value);
    String number = a >= 1000 ? String.format(Locale.ROOT, "%,.0f", value)
        : a >= 100 ? String.format(Locale.ROOT, "%.0f", value)
        : a >= 10 ? String.format(Locale.ROOT, "%.1f", value)
        : a >= 1 ? String.format(Locale.ROOT, "%.2f", value)
        : String.format(Locale.ROOT, "%.3g", value);
    return unit.isEmpty() ? number : unit.equals("%") ? number + "%" : number + " " + unit;
  }
}
