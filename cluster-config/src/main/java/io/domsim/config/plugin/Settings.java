package io.domsim.config.plugin;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * Reads a plug-in's settings subtree with ranges checked: a value of the right type but out of range is a
 * {@link ConfigException.BadValue} naming the key and what it takes, so it is reported before a run like
 * any configuration mistake, not thrown by the model in the middle of one.
 */
public final class Settings {
  /** As the cluster's own bandwidths (Limits): 1 Pbit/s. */
  private static final long MAX_BITS_PER_SECOND = 1_000_000_000_000_000L;

  private final Config config;

  public Settings(Config config) {
    this.config = config;
  }

  /** An integer from {@code min} to {@code max}; {@code what} says what it counts ("a percentage"). */
  public int intIn(String path, int min, int max, String what) {
    int v = config.getInt(path);
    if (v < min || v > max) {
      throw bad(path, v + " is out of range; use " + what + " from " + min
          + (max == Integer.MAX_VALUE ? " up" : " to " + max));
    }
    return v;
  }

  /** A whole number of 0 or more. */
  public long atLeastZero(String path, String what) {
    long v = config.getLong(path);
    if (v < 0) {
      throw bad(path, v + " is negative; use " + what + ", 0 or more");
    }
    return v;
  }

  /** A number above 0. */
  public double positive(String path, String example) {
    double v = config.getDouble(path);
    if (!(v > 0)) {
      throw bad(path, v + " is not positive; use a number above 0, such as " + example);
    }
    return v;
  }

  /** A duration above 0. */
  public Duration positiveDuration(String path, String example) {
    Duration d = config.getDuration(path);
    if (d.isZero() || d.isNegative()) {
      throw bad(path, d + " is not positive; use a duration above 0, such as " + example);
    }
    return d;
  }

  /** A bandwidth above 0 such as {@code 128MiB/s} or {@code 500Mbps}, in bits per second. */
  public long positiveBitsPerSecond(String path, String example) {
    String text = config.getString(path);
    long v;
    try {
      v = io.domsim.config.Units.parseBitsPerSecond(text);
    } catch (IllegalArgumentException e) {
      throw bad(path, "\"" + text + "\" is not a bandwidth" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")")
          + "; use one above 0, such as " + example);
    }
    if (v <= 0 || v > MAX_BITS_PER_SECOND) {
      throw bad(path, text + " is out of range; use a bandwidth above 0 and at most 1000Tbps, such as " + example);
    }
    return v;
  }

  /** A value that breaks a rule between keys (say, a maximum below its minimum). */
  public ConfigException.BadValue bad(String path, String reason) {
    return new ConfigException.BadValue(config.getValue(path).origin(), path, reason);
  }
}
