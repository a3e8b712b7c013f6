package io.domsim.cli.chaos;

import com.typesafe.config.ConfigUtil;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One variation in the making: the random migrations, then what each {@link FaultKind} adds (scenario
 * entries and settings), with the bounds every kind shares: times inside the run, one partition and one
 * degraded link per node at a time (the configuration refuses overlaps), at most one crash per node.
 *
 * <p>All times are whole milliseconds. Each kind draws from its own stream (see {@link Variations}).
 */
public final class FaultPlan {
  /** One scenario entry, as HOCON, at its time. */
  record Entry(long atMillis, String hocon) {}

  private final ChaosBase base;
  private final List<Long> migrationTimes = new ArrayList<>();
  private final List<Entry> entries = new ArrayList<>();
  private final SortedMap<String, String> settings = new TreeMap<>();
  private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
  /** Crashed nodes, by name, with the time of the crash. */
  private final SortedMap<String, Long> crashed = new TreeMap<>();
  /** Per kind and node, the intervals [from, to) taken (to = Long.MAX_VALUE: until the end). */
  private final Map<FaultKind, SortedMap<String, List<long[]>>> taken = new EnumMap<>(FaultKind.class);
  private SplittableRandom random;

  FaultPlan(ChaosBase base, SplittableRandom random) {
    this.base = base;
    this.random = random;
  }

  public ChaosBase base() {
    return base;
  }

  /** The stream of the kind now drawing. */
  public SplittableRandom random() {
    return random;
  }

  void useStream(SplittableRandom stream) {
    this.random = stream;
  }

  public <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }

  /** The nodes in a random order (to pick several distinct ones). */
  public List<String> shuffledNodes() {
    List<String> nodes = new ArrayList<>(base.nodes());
    for (int i = nodes.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      nodes.set(i, nodes.set(j, nodes.get(i)));
    }
    return nodes;
  }

  /**
   * A time for a fault: mostly within a few seconds after some migration was asked for, so that it lands
   * inside the protocol (preparing, in a round, suspended, after GO), else anywhere in the first 90% of the run.
   */
  public long instant() {
    long duration = base.durationMillis();
    if (!migrationTimes.isEmpty() && random.nextInt(4) != 0) {
      long near = Math.max(1, Math.min(5_000, duration / 4));
      return Math.min(duration - 1, pick(migrationTimes) + random.nextLong(near));
    }
    return 1 + random.nextLong(Math.max(1, duration * 9 / 10));
  }

  /**
   * A fault's length: up to twice the migration timeout (so that stalls both outlast it and heal before it),
   * at most half the run, at least 10 ms; empty (until the end of the run) one time in five.
   */
  public Long lengthOrForever() {
    if (random.nextInt(5) == 0) {
      return null;
    }
    long max = Math.max(20, Math.min(base.durationMillis() / 2, 2 * base.timeoutMillis()));
    return 10 + random.nextLong(max - 10);
  }

  /** A migration request at {@code atMillis} (the generator's own, before any fault). */
  void migrate(long atMillis, String guest, String to, String algorithm, String policy) {
    migrationTimes.add(atMillis);
    entries.add(new Entry(atMillis, "{ at = " + atMillis + "ms, action = migrate, guest = " + q(guest) + ", to = "
        + q(to) + ", algorithm = " + q(algorithm) + ", policy = " + q(policy) + " }"));
  }

  /** A guest created at {@code atMillis} ({@code guest}: its entry as HOCON, as in {@code guests}). */
  void create(long atMillis, String guest) {
    entries.add(new Entry(atMillis, "{ at = " + atMillis + "ms, action = create, guest = " + guest + " }"));
  }

  /**
   * Adds a scenario entry for {@code kind}: {@code { at = ..., action = ACTION, FIELDS }}.
   *
   * @param fields more HOCON fields, such as {@code node = "n1", duration = 2s}
   */
  public void add(FaultKind kind, long atMillis, String action, String fields) {
    entries.add(new Entry(atMillis, "{ at = " + atMillis + "ms, action = " + action + ", " + fields + " }"));
    injected.merge(kind, 1, Integer::sum);
  }

  /** Sets a key of the configuration for the whole run ({@code path} under domsim, {@code value} HOCON). */
  public void set(String path, String value) {
    settings.put(path, value);
  }

  /** Counts one fault of {@code kind} that is a setting rather than a scenario entry. */
  public void count(FaultKind kind) {
    injected.merge(kind, 1, Integer::sum);
  }

  /**
   * Takes {@code node} for {@code kind} from {@code atMillis} for {@code lengthMillis} (null: to the end),
   * if no earlier fault of that kind holds it then; false when one does (the fault is then not added).
   */
  public boolean take(FaultKind kind, String node, long atMillis, Long lengthMillis) {
    long end = lengthMillis == null ? Long.MAX_VALUE : atMillis + lengthMillis;
    List<long[]> held = taken.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(node, n -> new ArrayList<>());
    for (long[] h : held) {
      if (atMillis < h[1] && h[0] < end) {
        return false;
      }
    }
    held.add(new long[] {atMillis, end});
    return true;
  }

  void crashed(String node, long atMillis) {
    crashed.put(node, atMillis);
  }

  /** The nodes crashed so far, by name, with the time of the crash. */
  public SortedMap<String, Long> crashes() {
    return java.util.Collections.unmodifiableSortedMap(crashed);
  }

  /** A string as HOCON: quoted, so that any name a configuration accepts comes back the same. */
  public static String q(String s) {
    return ConfigUtil.quoteString(s);
  }

  /** A length in milliseconds as HOCON. */
  public static String millis(long ms) {
    return ms + "ms";
  }

  /** A length in nanoseconds as HOCON, in the largest unit that keeps it whole. */
  public static String nanos(long ns) {
    return ns % 1_000_000 == 0 ? ns / 1_000_000 + "ms" : ns % 1000 == 0 ? ns / 1000 + "us" : ns + "ns";
  }

  Variation build(long seed, int migrations) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(java.util.Comparator.comparingLong(Entry::atMillis)); // stable: same-time entries keep their order
    return new Variation(seed, sorted.stream().map(Entry::hocon).toList(), settings, injected, migrations);
  }
}
