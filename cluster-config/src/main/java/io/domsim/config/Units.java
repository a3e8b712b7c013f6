package io.domsim.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the quantities of a cluster configuration: sizes, durations, bandwidths and power.
 * Sizes and durations follow HOCON's units exactly (Typesafe Config parses them); bandwidth and power are
 * domsim's own. Every parse method throws {@link IllegalArgumentException} for text it cannot read, with a
 * short reason as message when there is more to say than "not a size".
 */
public final class Units {

  public static final long KIB = 1024L;
  public static final long MIB = 1024L * KIB;
  public static final long GIB = 1024L * MIB;
  public static final long TIB = 1024L * GIB;

  private static final Pattern BARE_NUMBER =
      Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
  private static final Pattern QUANTITY =
      Pattern.compile("([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*(\\S*)");

  /** Bits per second per unit. K and k are both 1000, as in networking; Ki, Mi, ... are powers of 2. */
  private static final Map<String, BigDecimal> BANDWIDTH_UNITS = bandwidthUnits();

  private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");

  /** Longer numbers are refused: nobody writes 65 significant digits, and reading millions is slow. */
  static final int MAX_NUMBER_CHARS = 64;

  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  /** HOCON's size units (Typesafe Config's MemoryUnit): bytes per unit. */
  private static final Map<String, BigDecimal> SIZE_UNITS = sizeUnits();

  /** HOCON's duration units (after its rule that a name of 3+ letters gets a plural "s"): ns per unit. */
  private static final Map<String, Long> DURATION_UNITS = durationUnits();

  private static final Map<String, BigDecimal> POWER_UNITS = Map.of(
      "W", BigDecimal.ONE, "kW", BigDecimal.valueOf(1_000), "MW", BigDecimal.valueOf(1_000_000));

  private Units() {}

  /**
   * A size in bytes: HOCON's size units ({@code 4GiB}, {@code 512MiB}, {@code 4GB} = 4·10^9, {@code 4g}), or
   * a bare number in {@code bareNumberUnit} bytes (1 for HOCON's own rule, {@link #MIB} for xl.cfg's guest
   * memory). A leading minus is kept, so that callers can say "must not be negative" instead of "not a size".
   * Computed as Typesafe Config would (a fraction is truncated), but read here: HOCON's own reader turns
   * {@code 1e999999999} or {@code Infinity} into 2^63 bytes instead of refusing them.
   */
  public static long parseBytes(String text, long bareNumberUnit) {
    String t = text.strip();
    if (BARE_NUMBER.matcher(t).matches()) {
      return toLong(number(t).multiply(BigDecimal.valueOf(bareNumberUnit)));
    }
    Matcher m = QUANTITY.matcher(t);
    if (!m.matches() || m.group(2).isEmpty()) {
      throw new IllegalArgumentException((String) null);
    }
    BigDecimal unit = SIZE_UNITS.get(m.group(2));
    if (unit == null) {
      throw new IllegalArgumentException((String) null);
    }
    BigDecimal bytes = number(m.group(1)).multiply(unit);
    if (bytes.abs().compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException("too large");
    }
    return bytes.setScale(0, RoundingMode.DOWN).longValueExact();
  }

  /**
   * A duration in HOCON's units ({@code 30s}, {@code 5m}, {@code 100us}, {@code 300ms}). Unlike HOCON, a bare
   * number other than 0 is refused: HOCON would read it as milliseconds, and {@code at = 30} meaning 30 ms
   * is a mistake nobody notices. Computed as Typesafe Config would (a fraction through a double), but a
   * duration beyond 2^63 ns is refused as too large instead of becoming 292 years.
   */
  public static Duration parseDuration(String text) {
    String t = text.strip();
    if (BARE_NUMBER.matcher(t).matches()) {
      if (number(t).signum() == 0) {
        return Duration.ZERO;
      }
      throw new IllegalArgumentException("a bare number needs a unit");
    }
    Matcher m = QUANTITY.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException((String) null);
    }
    String unitName = m.group(2);
    if (unitName.length() > 2 && !unitName.endsWith("s")) {
      unitName = unitName + "s"; // HOCON: "second" is "seconds", "milli" is "millis"
    }
    Long nanosPerUnit = DURATION_UNITS.get(unitName);
    if (nanosPerUnit == null) {
      throw new IllegalArgumentException((String) null);
    }
    String digits = m.group(1);
    BigDecimal value = number(digits);
    if (value.abs().multiply(BigDecimal.valueOf(nanosPerUnit)).compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException("too large");
    }
    long nanos = WHOLE.matcher(digits).matches()
        ? Long.parseLong(digits.startsWith("+") ? digits.substring(1) : digits) * nanosPerUnit
        : (long) (Double.parseDouble(digits) * nanosPerUnit);
    return Duration.ofNanos(nanos);
  }

  /**
   * The decimal number of a quantity, refused (as "too long" or "too large") when reading or scaling it
   * could take unbounded time: BigDecimal parses a 20-million-digit number in quadratic time, and rounds
   * {@code 1e-999999999} by dividing by 10^999999999. Magnitudes from 10^-30 to 10^31 (and 0) are read.
   */
  static BigDecimal number(String text) {
    String t = text.strip();
    if (t.length() > MAX_NUMBER_CHARS) {
      throw new IllegalArgumentException("too long");
    }
    BigDecimal n = new BigDecimal(t);
    if (n.signum() == 0) {
      return BigDecimal.ZERO;
    }
    long exponent = (long) n.precision() - n.scale() - 1; // n = d.ddd × 10^exponent
    if (exponent > 30) {
      throw new IllegalArgumentException("too large");
    }
    if (exponent < -30) {
      throw new IllegalArgumentException("too small; write 0 or a number of at least 1e-30");
    }
    return n;
  }

  /**
   * A bandwidth in bits per second: {@code 10Gbps}, {@code 1Gbit/s}, {@code 100Mbps}, {@code 125MB/s}
   * (bytes: 8·10^6 bit/s per MB/s), {@code 1GiB/s} (8·2^30 bit/s). Prefixes k/K, M, G, T are decimal;
   * Ki, Mi, Gi, Ti binary. A bare number is refused (bits or bytes?) except 0.
   */
  public static long parseBitsPerSecond(String text) {
    Matcher m = QUANTITY.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException((String) null);
    }
    BigDecimal number = number(m.group(1));
    String unit = m.group(2);
    if (unit.isEmpty()) {
      if (number.signum() == 0) {
        return 0;
      }
      throw new IllegalArgumentException("a bare number needs a unit");
    }
    BigDecimal factor = BANDWIDTH_UNITS.get(unit);
    if (factor == null) {
      throw new IllegalArgumentException("unknown unit \"" + unit + "\"");
    }
    return toLong(number.multiply(factor));
  }

  /** Power in watts: {@code 120W}, {@code 1.2kW}, {@code 0.5MW}, or a bare number of watts. */
  public static double parseWatts(String text) {
    Matcher m = QUANTITY.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException((String) null);
    }
    BigDecimal number = number(m.group(1));
    String unit = m.group(2);
    BigDecimal factor = unit.isEmpty() ? BigDecimal.ONE : POWER_UNITS.get(unit);
    if (factor == null) {
      throw new IllegalArgumentException("unknown unit \"" + unit + "\"");
    }
    return number.multiply(factor).doubleValue();
  }

  /** Bytes in the largest binary unit that divides them exactly, written as in a config file: {@code 8GiB}. */
  public static String formatBytes(long bytes) {
    long[] factors = {TIB, GIB, MIB, KIB};
    String[] names = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < factors.length; i++) {
      if (bytes != 0 && bytes % factors[i] == 0) {
        return bytes / factors[i] + names[i];
      }
    }
    return bytes + "B";
  }

  /** Bytes for a sentence: exact when a whole number of MiB ({@code 8GiB}), else in MiB to two places. */
  public static String describeBytes(long bytes) {
    if (bytes % MIB == 0 || Math.abs(bytes) < MIB) {
      return formatBytes(bytes);
    }
    return String.format(Locale.ROOT, "%.2fMiB", bytes / (double) MIB);
  }

  /** A size to suggest as a maximum: {@code bytes} rounded down to whole MiB, written as in a config file. */
  public static String formatBytesAtMost(long bytes) {
    return formatBytes(bytes >= MIB ? bytes / MIB * MIB : bytes);
  }

  /** A duration in the largest HOCON unit that divides it exactly: {@code 30s}, {@code 100us}, {@code 10m}. */
  public static String formatDuration(Duration d) {
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      return d.toString();
    }
    long[] factors = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L,
        1_000L};
    String[] names = {"d", "h", "m", "s", "ms", "us"};
    for (int i = 0; i < factors.length; i++) {
      if (nanos != 0 && nanos % factors[i] == 0) {
        return nanos / factors[i] + names[i];
      }
    }
    return nanos == 0 ? "0s" : nanos + "ns";
  }

  /** Watts without a needless fraction: {@code 120W}, {@code 1200.5W}. */
  public static String formatWatts(double watts) {
    return BigDecimal.valueOf(watts).stripTrailingZeros().toPlainString() + "W";
  }

  private static long toLong(BigDecimal value) {
    if (value.abs().compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException("too large"); // before setScale, which could take 10^30 digits
    }
    try {
      return value.setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large");
    }
  }

  private static Map<String, BigDecimal> sizeUnits() {
    Map<String, BigDecimal> units = new LinkedHashMap<>();
    for (String name : new String[] {"B", "b", "byte", "bytes"}) {
      units.put(name, BigDecimal.ONE);
    }
    String[] decimal = {"kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"};
    String[] binary = {"kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"};
    for (int i = 0; i < decimal.length; i++) {
      BigDecimal thousands = BigDecimal.TEN.pow(3 * (i + 1));
      units.put(decimal[i] + "byte", thousands);
      units.put(decimal[i] + "bytes", thousands);
      String first = decimal[i].substring(0, 1);
      units.put(i == 0 ? first + "B" : first.toUpperCase(Locale.ROOT) + "B", thousands);
      BigDecimal kibis = BigDecimal.valueOf(2).pow(10 * (i + 1));
      units.put(binary[i] + "byte", kibis);
      units.put(binary[i] + "bytes", kibis);
      String upper = first.toUpperCase(Locale.ROOT);
      for (String name : new String[] {first, upper, upper + "i", upper + "iB"}) {
        units.put(name, kibis);
      }
    }
    return Map.copyOf(units);
  }

  private static Map<String, Long> durationUnits() {
    Map<String, Long> units = new LinkedHashMap<>();
    for (String name : new String[] {"ns", "nanos", "nanoseconds"}) {
      units.put(name, 1L);
    }
    for (String name : new String[] {"us", "micros", "microseconds"}) {
      units.put(name, 1_000L);
    }
    for (String name : new String[] {"ms", "millis", "milliseconds"}) {
      units.put(name, 1_000_000L);
    }
    for (String name : new String[] {"s", "seconds"}) {
      units.put(name, 1_000_000_000L);
    }
    for (String name : new String[] {"m", "minutes"}) {
      units.put(name, 60_000_000_000L);
    }
    for (String name : new String[] {"h", "hours"}) {
      units.put(name, 3_600_000_000_000L);
    }
    for (String name : new String[] {"d", "days"}) {
      units.put(name, 86_400_000_000_000L);
    }
    return Map.copyOf(units);
  }

  private static Map<String, BigDecimal> bandwidthUnits() {
    Map<String, BigDecimal> prefixes = new LinkedHashMap<>();
    prefixes.put("", BigDecimal.ONE);
    prefixes.put("k", BigDecimal.TEN.pow(3));
    prefixes.put("K", BigDecimal.TEN.pow(3));
    prefixes.put("M", BigDecimal.TEN.pow(6));
    prefixes.put("G", BigDecimal.TEN.pow(9));
    prefixes.put("T", BigDecimal.TEN.pow(12));
    prefixes.put("Ki", BigDecimal.valueOf(2).pow(10));
    prefixes.put("Mi", BigDecimal.valueOf(2).pow(20));
    prefixes.put("Gi", BigDecimal.valueOf(2).pow(30));
    prefixes.put("Ti", BigDecimal.valueOf(2).pow(40));
    Map<String, BigDecimal> units = new LinkedHashMap<>();
    prefixes.forEach((prefix, factor) -> {
      for (String bits : new String[] {"bps", "bit/s", "b/s"}) {
        units.put(prefix + bits, factor);
      }
      for (String bytes : new String[] {"B/s", "Bps"}) {
        units.put(prefix + bytes, factor.multiply(BigDecimal.valueOf(8)));
      }
    });
    return Map.copyOf(units);
  }
}
