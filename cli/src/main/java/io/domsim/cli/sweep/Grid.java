package io.domsim.cli.sweep;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The runs of a sweep: every combination of the varied settings' values (the first setting varies
 * slowest, each in the order given) times every seed. Pure; the command checks and runs it.
 */
public record Grid(List<Axis> axes, List<Long> seeds) {
  /** The most runs one sweep may ask for: more is a typo (1..100000) rather than a study. */
  public static final int MAX_RUNS = 100_000;

  /** One varied setting and its values, as given on the command line. */
  public record Axis(String key, List<String> values) {}

  /** One combination of values, one per axis, in axis order. */
  public record Point(List<String> values) {}

  /** One run: a combination and a seed. {@code index} is its place in run order. */
  public record Run(int index, Point point, long seed) {}

  /** A value the sweep cannot use: the sentence that says why and names the fix. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    public Invalid(String sentence) {
      super(sentence, null, false, false);
    }
  }

  public Grid {
    axes = List.copyOf(axes);
    seeds = List.copyOf(seeds);
  }

  /**
   * Reads {@code --vary KEY=V1,V2,...} (each given once) and {@code --seeds A..B} or {@code --seeds S1,S2,...}.
   */
  public static Grid parse(List<String> varies, String seedsText) throws Invalid {
    if (varies.isEmpty()) {
      throw new Invalid("a sweep varies at least one setting: add --vary KEY=V1,V2 (e.g. --vary"
          + " scheduler.placement=first-fit,best-fit).");
    }
    List<Axis> axes = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>();
    for (String vary : varies) {
      Axis axis = axis(vary);
      if (!keys.add(axis.key())) {
        throw new Invalid("--vary names " + axis.key() + " twice; give all its values in one --vary "
            + axis.key() + "=V1,V2,...");
      }
      axes.add(axis);
    }
    Grid grid = new Grid(axes, seeds(seedsText));
    long runs = (long) grid.points().size() * grid.seeds().size();
    if (runs > MAX_RUNS) {
      throw new Invalid("the sweep would make " + runs + " runs, more than " + MAX_RUNS
          + "; vary fewer values or seeds.");
    }
    return grid;
  }

  private static Axis axis(String vary) throws Invalid {
    int eq = vary.indexOf('=');
    String key = eq < 0 ? vary.strip() : vary.substring(0, eq).strip();
    if (eq <= 0 || key.isEmpty()) {
      throw new Invalid("--vary " + vary + " is not KEY=V1,V2,...; write e.g. --vary scheduler.placement=first-fit,best-fit.");
    }
    if (key.equals("simulation.seed") || key.equals("domsim.simulation.seed")) {
      throw new Invalid("--vary " + key + ": the seeds are given by --seeds (e.g. --seeds 1..5), not varied.");
    }
    List<String> values = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String v : vary.substring(eq + 1).split(",", -1)) {
      String value = v.strip();
      if (value.isEmpty()) {
        throw new Invalid("--vary " + vary + " has an empty value; separate the values with single commas.");
      }
      if (!seen.add(value)) {
        throw new Invalid("--vary " + key + " lists " + value + " twice; give each value once.");
      }
      values.add(value);
    }
    return new Axis(key, values);
  }

  /** {@code A..B} (inclusive) or a comma list; seeds are non-negative and distinct. */
  static List<Long> seeds(String text) throws Invalid {
    String t = text.strip();
    List<Long> out = new ArrayList<>();
    int range = t.indexOf("..");
    if (range >= 0) {
      long from = seed(t.substring(0, range), text);
      long to = seed(t.substring(range + 2), text);
      if (to < from) {
        throw new Invalid("--seeds " + text + " runs backwards; write the smaller seed first, e.g. --seeds 1..5.");
      }
      if (to - from >= MAX_RUNS) {
        throw new Invalid("--seeds " + text + " is more than " + MAX_RUNS + " seeds; give a shorter range.");
      }
      for (long s = from; s <= to; s++) {
        out.add(s);
      }
      return out;
    }
    Set<Long> seen = new LinkedHashSet<>();
    for (String part : t.split(",", -1)) {
      long s = seed(part, text);
      if (!seen.add(s)) {
        throw new Invalid("--seeds " + text + " lists seed " + s + " twice; give each seed once.");
      }
      out.add(s);
    }
    return out;
  }

  private static long seed(String part, String whole) throws Invalid {
    try {
      long s = Long.parseLong(part.strip());
      if (s < 0) {
        throw new NumberFormatException();
      }
      return s;
    } catch (NumberFormatException e) {
      throw new Invalid("--seeds " + whole + " is not a range A..B or a list S1,S2,... of non-negative whole"
          + " numbers; write e.g. --seeds 1..5 or --seeds 1,7,42.");
    }
  }

  /** Every combination of values, the first axis varying slowest. */
  public List<Point> points() {
    List<Point> points = new ArrayList<>();
    points.add(new Point(List.of()));
    for (Axis axis : axes) {
      List<Point> next = new ArrayList<>();
      for (Point p : points) {
        for (String v : axis.values()) {
          List<String> values = new ArrayList<>(p.values());
          values.add(v);
          next.add(new Point(values));
        }
      }
      points = next;
    }
    return points;
  }

  /** Every run: each combination with each seed, combination by combination. */
  public List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    for (Point p : points()) {
      for (long seed : seeds) {
        runs.add(new Run(runs.size(), p, seed));
      }
    }
    return runs;
  }

  /** The overrides that make {@code run} out of the base configuration, seed last. */
  public List<String> overrides(Run run) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < axes.size(); i++) {
      out.add(axes.get(i).key() + "=" + run.point().values().get(i));
    }
    out.add("simulation.seed=" + run.seed());
    return out;
  }

  /** {@code key=value key=value} for tables and messages. */
  public String describe(Point p) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < axes.size(); i++) {
      parts.add(axes.get(i).key() + "=" + p.values().get(i));
    }
    return String.join(" ", parts);
  }
}
