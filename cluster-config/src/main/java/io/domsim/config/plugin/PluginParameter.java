package io.domsim.config.plugin;

/**
 * The one number a plug-in may take from its chooser's {@code parameter} key (a consolidation policy's
 * threshold or safety parameter), with its default and the values it accepts, so that the configuration
 * check can fill in the default and report a value out of range at its file and line.
 *
 * @param meaning what the number is, as a problem names it ("a CPU utilisation threshold")
 * @param defaultValue the value when the configuration gives none
 * @param min the least value accepted
 * @param minIncluded whether {@code min} itself is accepted
 * @param max the greatest value accepted (included; {@code Double.POSITIVE_INFINITY} for no bound)
 */
public record PluginParameter(String meaning, double defaultValue, double min, boolean minIncluded, double max) {

  public PluginParameter {
    if (!(min <= max) || !accepts(defaultValue, min, minIncluded, max)) {
      throw new IllegalArgumentException("default " + defaultValue + " outside its own range");
    }
  }

  public boolean accepts(double value) {
    return accepts(value, min, minIncluded, max);
  }

  /** "a number above 0 and at most 1, such as 0.8": what to write instead of a refused value. */
  public String range() {
    String bounds;
    if (Double.isInfinite(max)) {
      bounds = (minIncluded ? "of at least " : "above ") + plain(min);
    } else {
      bounds = minIncluded ? "from " + plain(min) + " to " + plain(max)
          : "above " + plain(min) + " and at most " + plain(max);
    }
    return "a number " + bounds + ", such as " + plain(defaultValue);
  }

  private static boolean accepts(double v, double min, boolean minIncluded, double max) {
    return Double.isFinite(v) && (minIncluded ? v >= min : v > min) && v <= max;
  }

  private static String plain(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
