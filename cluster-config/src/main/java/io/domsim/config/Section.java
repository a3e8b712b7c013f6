package io.domsim.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One object of the configuration as the user sees it: a list entry (say {@code nodes[2]}) in front of the
 * defaults it falls back to ({@code node-defaults}). Reads typed values and reports every bad one to
 * {@link Problems}, returning null for it, so that reading goes on and all problems surface at once.
 *
 * <p>We do the entry-over-defaults fallback ourselves instead of with {@code withFallback}, because a
 * problem must point at the layer the value came from: a bad {@code cores} written in {@code node-defaults}
 * is reported once there, not once per node; and a default from reference.conf is blamed on the entry
 * (its line and path), the only place the user can change it.
 */
final class Section {

  /** One object in the fallback chain and its path, most specific first. */
  record Layer(ConfigObject object, String path) {}

  /**
   * One key as found through the layers, and where to point when it is wrong.
   *
   * @param layer the index of the layer it was found in (0: the entry itself; then its defaults); the
   *     number of layers when it is missing
   */
  record Field(String key, ConfigValue value, String path, Location location, boolean userWritten, int layer) {

    boolean missing() {
      return value == null || value.valueType() == ConfigValueType.NULL;
    }
  }

  private static final Set<String> TRUE = Set.of("true", "yes", "on");
  private static final Set<String> FALSE = Set.of("false", "no", "off");

  private final Sources sources;
  private final Problems problems;
  private final String path;
  private final List<Layer> layers;
  private final Location anchor;
  /** A section whose object was itself wrong: reads return null silently, the problem is already out. */
  private final boolean broken;

  private Section(Sources sources, Problems problems, String path, List<Layer> layers, Location anchor,
      boolean broken) {
    this.sources = sources;
    this.problems = problems;
    this.path = path;
    this.layers = List.copyOf(layers);
    this.anchor = anchor;
    this.broken = broken;
  }

  /** The {@code domsim} object; {@code anchor} is where to point for things nobody wrote. */
  static Section root(ConfigObject domsim, Location anchor, Sources sources, Problems problems) {
    return new Section(sources, problems, "domsim", List.of(new Layer(domsim, "domsim")), anchor, false);
  }

  /** This entry in front of {@code defaults}, as HOCON's withFallback would merge them. */
  Section withFallback(Section defaults) {
    if (broken || defaults.broken) {
      return broken(path, anchor);
    }
    List<Layer> all = new ArrayList<>(layers);
    all.addAll(defaults.layers);
    return new Section(sources, problems, path, all, anchor, false);
  }

  String path() {
    return path;
  }

  Location anchor() {
    return anchor;
  }

  boolean has(String key) {
    return !broken && !field(key).missing();
  }

  Field field(String key) {
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      ConfigValue value = layer.object().get(key);
      if (value == null) {
        continue;
      }
      Location at = sources.locate(value.origin());
      return at != null
          ? new Field(key, value, layer.path() + "." + key, at, true, i)
          : new Field(key, value, path + "." + key, anchor, false, i);
    }
    return new Field(key, null, path + "." + key, anchor, false, layers.size());
  }

  /**
   * The file a relative path written at {@code field} is relative to, as the user named it: the file that
   * holds the value (the user's file or one it includes); for a {@code --set} override or a default, the
   * user's file.
   */
  String fileOf(Field field) {
    return field.userWritten() && !Sources.OVERRIDE.equals(field.location().file()) ? field.location().file()
        : sources.sourceName();
  }

  /** Reports a problem somewhere else than at a field of this section, such as a line of a trace file. */
  void report(Location where, Field field, String message) {
    problems.add(where, field.path(), message);
  }

  void report(Field field, String message) {
    problems.add(field.location(), field.path(), message);
  }

  /** The object under {@code key}, with the same key of every fallback layer behind it. */
  Section section(String key) {
    String childPath = path + "." + key;
    if (broken) {
      return broken(childPath, anchor);
    }
    Field field = field(key);
    if (field.missing() || field.value().valueType() != ConfigValueType.OBJECT) {
      report(field, (field.missing() ? describe(field) : render(field.value()) + " is not an object")
          + "; use " + key + " { ... }");
      return broken(childPath, field.location());
    }
    List<Layer> children = new ArrayList<>();
    for (Layer layer : layers) {
      ConfigValue value = layer.object().get(key);
      if (value == null) {
        continue;
      }
      if (value.valueType() != ConfigValueType.OBJECT) {
        break; // a non-object hides the objects below it, as in HOCON; reading that layer reports it
      }
      children.add(new Layer((ConfigObject) value, layer.path() + "." + key));
    }
    Location childAnchor = sources.locate(children.get(0).object().origin());
    return new Section(sources, problems, childPath, children, childAnchor != null ? childAnchor : anchor,
        false);
  }

  /** The objects of the list under {@code key}, each a section of its own with no fallback yet. */
  List<Section> entries(String key, String example) {
    return entries(key, example, true);
  }

  /** The objects of the list under {@code key}, saying nothing about what is wrong (a first look). */
  List<Section> entriesQuietly(String key) {
    return entries(key, null, false);
  }

  private List<Section> entries(String key, String example, boolean reporting) {
    if (broken) {
      return List.of();
    }
    Field field = field(key);
    if (field.missing() || field.value().valueType() != ConfigValueType.LIST) {
      if (reporting) {
        report(field, (field.missing() ? describe(field) : render(field.value()) + " is not a list")
            + "; use " + key + " = [ " + example + " ]");
      }
      return List.of();
    }
    ConfigList list = (ConfigList) field.value();
    List<Section> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      ConfigValue element = list.get(i);
      String elementPath = field.path() + "[" + i + "]";
      Location at = sources.locate(element.origin());
      at = at != null ? at : field.location();
      if (element.valueType() != ConfigValueType.OBJECT) {
        if (reporting) {
          problems.add(at, elementPath, render(element) + " is not an object; use " + example);
        }
        continue;
      }
      entries.add(new Section(sources, problems, elementPath,
          List.of(new Layer((ConfigObject) element, elementPath)), at, false));
    }
    return entries;
  }

  /** A whole number in [min, max]. */
  Integer integer(String key, int min, int max, String allowed) {
    Long value = read(key, "a whole number", allowed, Section::parseWhole, n -> n >= min && n <= max);
    return value == null ? null : value.intValue();
  }

  /** Any 64-bit whole number. */
  Long wholeNumber(String key, String allowed) {
    return read(key, "a whole number", allowed, Section::parseWhole, n -> true);
  }

  Double decimal(String key, DoublePredicate inRange, String allowed) {
    return read(key, "a number", allowed,
        v -> {
          double d = Units.number(numberText(v)).doubleValue();
          if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("too large");
          }
          return d;
        },
        inRange::test);
  }

  Boolean bool(String key) {
    return read(key, "a boolean", "true or false", Section::parseBoolean, b -> true);
  }

  /** A duration from {@code min} (0 or more; excluded when {@code zeroAllowed} is false and it is 0) to {@code max}. */
  Duration duration(String key, Duration min, Duration max, String allowed) {
    return read(key, "a duration", allowed, v -> Units.parseDuration(numberText(v)),
        d -> (min.isZero() ? !d.isNegative() : d.compareTo(min) >= 0) && d.compareTo(max) <= 0);
  }

  /** A duration greater than 0 (or at least 0) and at most {@code max}. */
  Duration duration(String key, boolean zeroAllowed, Duration max, String allowed) {
    return read(key, "a duration", allowed, v -> Units.parseDuration(numberText(v)),
        d -> (zeroAllowed ? !d.isNegative() : d.compareTo(Duration.ZERO) > 0) && d.compareTo(max) <= 0);
  }

  /** A size from {@code min} to {@code max} bytes; a bare number counts {@code bareNumberUnit} bytes. */
  Long bytes(String key, long bareNumberUnit, long min, long max, String allowed) {
    return read(key, "a size", allowed, v -> Units.parseBytes(numberText(v), bareNumberUnit),
        b -> b >= min && b <= max);
  }

  Long bitsPerSecond(String key, boolean zeroAllowed, long max, String allowed) {
    return read(key, "a bandwidth", allowed, v -> Units.parseBitsPerSecond(numberText(v)),
        b -> (zeroAllowed ? b >= 0 : b > 0) && b <= max);
  }

  Double watts(String key, double max, String allowed) {
    return read(key, "a power", allowed, v -> Units.parseWatts(numberText(v)), w -> w >= 0 && w <= max);
  }

  /**
   * A list of powers (each as {@link #watts} reads one, from 0 to {@code max}), each wrong element reported
   * at itself as {@code key[i]}; null when the value is no list or any element is wrong.
   */
  double[] wattsList(String key, double max, String allowed) {
    if (broken) {
      return null;
    }
    Field field = field(key);
    if (field.missing() || field.value().valueType() != ConfigValueType.LIST) {
      report(field, (field.missing() ? describe(field) : render(field.value()) + " is not a list") + "; use "
          + allowed);
      return null;
    }
    ConfigList list = (ConfigList) field.value();
    double[] watts = new double[list.size()];
    boolean ok = true;
    for (int i = 0; i < list.size(); i++) {
      ConfigValue element = list.get(i);
      Location at = sources.locate(element.origin());
      Field elementField = new Field(key + "[" + i + "]", element, field.path() + "[" + i + "]",
          at != null ? at : field.location(), field.userWritten(), field.layer());
      try {
        watts[i] = Units.parseWatts(numberText(element));
      } catch (IllegalArgumentException e) {
        String reason = e.getMessage() == null || e instanceof NumberFormatException ? "" : " (" + e.getMessage() + ")";
        report(elementField, render(element) + " is not a power" + reason + "; each point is a power from 0 to 1MW,"
            + " such as 86W");
        ok = false;
        continue;
      }
      if (!(watts[i] >= 0 && watts[i] <= max)) {
        report(elementField, render(element) + " is out of range; each point is a power from 0 to 1MW, such as 86W");
        ok = false;
      }
    }
    return ok ? watts : null;
  }

  /** One of a fixed set of lower-case names, such as an enum's config names. */
  <E extends Enum<E>> E choice(String key, String kind, E[] values, Function<E, String> nameOf) {
    Map<String, E> byName = new LinkedHashMap<>();
    for (E value : values) {
      byName.put(nameOf.apply(value), value);
    }
    return read(key, kind, DidYouMean.oneOf(byName.keySet()),
        v -> {
          E e = v.valueType() == ConfigValueType.STRING ? byName.get((String) v.unwrapped()) : null;
          if (e == null) {
            throw new IllegalArgumentException((String) null);
          }
          return e;
        },
        e -> true);
  }

  /** The name of a plug-in of {@code kind}: one of the catalog's names, with a did-you-mean otherwise. */
  String pluginName(String key, io.domsim.config.plugin.PluginKind kind,
      io.domsim.config.plugin.PluginCatalog catalog) {
    java.util.SortedSet<String> known = catalog.names(kind);
    return read(key, kind.noun(), DidYouMean.oneOf(known),
        v -> {
          String name = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : null;
          if (name == null || !known.contains(name)) {
            throw new IllegalArgumentException((String) null);
          }
          return name;
        },
        e -> true);
  }

  /** A non-empty name (numbers are accepted as names, as HOCON's getString does). */
  String name(String key, String allowed) {
    Field field = field(key);
    String name = text(key, allowed);
    if (name != null && name.isBlank()) {
      report(field, render(field.value()) + " is empty; use " + allowed);
      return null;
    }
    return name;
  }

  /**
   * Any string of printable characters, possibly empty, at most {@link Limits#MAX_NAME} long: names appear
   * in tables, logs, metrics labels and reports, where a control character would garble the output.
   */
  String text(String key, String allowed) {
    return text(key, allowed, Limits.MAX_NAME);
  }

  /** As {@link #text(String, String)}, at most {@code maxLength} characters (a path may be longer than a name). */
  String text(String key, String allowed, int maxLength) {
    return read(key, "a name", allowed,
        v -> {
          if (v.valueType() != ConfigValueType.STRING && v.valueType() != ConfigValueType.NUMBER) {
            throw new IllegalArgumentException((String) null);
          }
          String text = scalarText(v);
          if (text.length() > maxLength) {
            throw new IllegalArgumentException(text.length() + " characters; at most " + maxLength);
          }
          int bad = firstUnprintable(text);
          if (bad >= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                "it contains the unprintable character U+%04X; use printable characters only",
                text.codePointAt(bad)));
          }
          return text;
        },
        s -> true);
  }

  /** The index of the first control, format, unassigned or lone surrogate code point, or -1. */
  static int firstUnprintable(String text) {
    for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
      int type = Character.getType(text.codePointAt(i));
      if (type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
          || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Reads {@code key} with {@code parse}; reports "missing", "not KIND" or "out of range" with the allowed
   * values, and returns null, when it cannot.
   */
  private <T> T read(String key, String kind, String allowed, Function<ConfigValue, T> parse,
      Predicate<T> inRange) {
    if (broken) {
      return null;
    }
    Field field = field(key);
    if (field.missing()) {
      report(field, describe(field) + "; use " + allowed);
      return null;
    }
    T value;
    try {
      value = parse.apply(field.value());
    } catch (IllegalArgumentException e) { // includes NumberFormatException from BigDecimal
      String reason = e.getMessage() == null || e instanceof NumberFormatException ? "" : " (" + e.getMessage()
          + ")";
      report(field, render(field.value()) + " is not " + kind + reason + "; use " + allowed);
      return null;
    }
    if (!inRange.test(value)) {
      report(field, render(field.value()) + " is out of range; use " + allowed);
      return null;
    }
    return value;
  }

  private static String describe(Field field) {
    return field.value() == null ? "missing" : render(field.value()) + " is not allowed";
  }

  /** A value as the user would recognise it: strings quoted, objects and lists abbreviated. */
  static String render(ConfigValue value) {
    return switch (value.valueType()) {
      case OBJECT -> "{...}";
      case LIST -> "[...]";
      case NULL -> "null";
      case NUMBER -> asWritten(value);
      default -> value.render(ConfigRenderOptions.concise());
    };
  }

  private static String scalarText(ConfigValue v) {
    return switch (v.valueType()) {
      case STRING -> (String) v.unwrapped();
      case NUMBER -> v.unwrapped().toString();
      default -> throw new IllegalArgumentException((String) null);
    };
  }

  /**
   * A quantity's text as the user wrote it: HOCON reads 1e999999999 as the double Infinity, which would
   * hide what was too large.
   */
  private static String numberText(ConfigValue v) {
    return v.valueType() == ConfigValueType.NUMBER ? asWritten(v) : scalarText(v);
  }

  /** A number's text as written (Typesafe Config keeps it, and gives it back only as a string). */
  private static String asWritten(ConfigValue number) {
    try {
      return ConfigFactory.empty().withValue("v", number).getString("v");
    } catch (ConfigException e) {
      return number.unwrapped().toString();
    }
  }

  private static long parseWhole(ConfigValue v) {
    BigDecimal number = Units.number(numberText(v));
    try {
      return number.longValueExact();
    } catch (ArithmeticException e) {
      boolean fractional = number.stripTrailingZeros().scale() > 0;
      throw new IllegalArgumentException(fractional ? null : "too large");
    }
  }

  private static boolean parseBoolean(ConfigValue v) {
    if (v.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) v.unwrapped();
    }
    if (v.valueType() == ConfigValueType.STRING) { // HOCON also accepts yes/no/on/off
      String s = ((String) v.unwrapped()).toLowerCase(Locale.ROOT);
      if (TRUE.contains(s)) {
        return true;
      }
      if (FALSE.contains(s)) {
        return false;
      }
    }
    throw new IllegalArgumentException((String) null);
  }

  private Section broken(String brokenPath, Location at) {
    return new Section(sources, problems, brokenPath, List.of(), at, true);
  }
}
