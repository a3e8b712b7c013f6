package io.domsim.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.LinkedHashMap;
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

  private static final Map<String, BigDecimal> POWER_UNITS = Map.of(
      "W", BigDecimal.ONE, "kW", BigDecimal.valueOf(1_000), "MW", BigDecimal.valueOf(1_000_000));

  private Units() {}

  /**
   * A size in bytes: HOCON's size units ({@code 4GiB}, {@code 512MiB}, {@code 4GB} = 4·10^9, {@code 4g}), or
   * a bare number in {@code bareNumberUnit} bytes (1 for HOCON's own rule, {@link #MIB} for xl.cfg's guest
   * memory). A leading minus is kept, so that callers can say "must not be negative" instead of "not a size".
   */
  public static long parseBytes(String text, long bareNumberUnit) {
    String t = text.strip();
    if (BARE_NUMBER.matcher(t).matches()) {
      return toLong(new BigDecimal(t).multiply(BigDecimal.valueOf(bareNumberUnit)));
    }
    boolean negative = t.startsWith("-");
    String magnitude = negative ? t.substring(1).strip() : t;
    long bytes;
    try {
      bytes = ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(magnitude)).getBytes("v");
    } catch (ConfigException e) {
      throw new IllegalArgumentException((String) null);
    }
    return negative ? -bytes : bytes;
  }

  /**
   * A duration in HOCON's units ({@code 30s}, {@code 5m}, {@code 100us}, {@code 300ms}). Unlike HOCON, a bare
   * number other than 0 is refused: HOCON would read it as milliseconds, and {@code at = 30} meaning 30 ms
   * is a mistake nobody notices.
   */
  public static Duration parseDuration(String text) {
    String t = text.strip();
    if (BARE_NUMBER.matcher(t).matches()) {
      if (new BigDecimal(t).signum() == 0) {
        return Duration.ZERO;
      }
      throw new IllegalArgumentException("a bare number needs a unit");
    }
    boolean negative = t.startsWith("-");
    String magnitude = negative ? t.substring(1).strip() : t;
    Duration d;
    try {
      d = ConfigFactory.empty().withValue("v", ConfigValueFactory.fromAnyRef(magnitude)).getDuration("v");
    } catch (ConfigException e) {
      throw new IllegalArgumentException((String) null);
    }
    return negative ? d.negated() : d;
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
    BigDecimal number = new BigDecimal(m.group(1));
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
    BigDecimal number = new BigDecimal(m.group(1));
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
    try {
      return value.setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large");
    }
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
