package io.domsim.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every setting that a module's reference.conf declares under {@code domsim} has an effect a user can see.
 *
 * <p>How: the keys are the leaves of every {@code reference.conf} on the classpath (one per module; the
 * test finds them, it holds no list of its own). For each key, the cluster {@code configs/every-setting.conf}
 * (built so that every mechanism is in play: PV and HVM guests, I/O, CPU contention, a failed host at
 * placement, each migration algorithm and stop rule, auto-converge, the metrics endpoint) runs through the
 * real {@code domsim run} twice: as it is, and with {@code --set KEY=VALUE} for another valid value. That
 * value is derived from the one in effect (a boolean flipped, a number or a quantity with a unit doubled,
 * a list without its last entry), or taken from {@link #ALTERNATIVES} for names and for limits whose double
 * this cluster would not reach. The key has an effect when what the user gets differs: report.json without
 * wall time and without the fields that only echo the configuration ({@link #ECHOES}), the lines on
 * stderr (the metrics endpoint), whether the run was paced by the wall clock, or which time series it
 * wrote. A changed settings record is not evidence: a value that is parsed, validated and printed but drives nothing must still count as
 * unused, and echoes are left out of the report for the same reason.
 *
 * <p>Both runs must succeed, so a value that merely fails validation cannot pass for an effect. Keys under
 * {@code domsim.kernel} are Akka's dispatcher and Kryo's registration list, and {@code domsim.cluster} says which JVMs run it: not settings of the model
 * ({@link #NOT_SETTINGS}). A new key needs nothing here unless its derived value has no visible effect on
 * this cluster: then exercise it in the cluster, or give it an alternative. About 80 runs in-process, some
 * 20 s, 6 of them the one real-clock run.
 */
class EverySettingHasAnEffectIT {

  /**
   * Keys known to do nothing yet, each with why and what wires it. A key here with only one valid value
   * (no alternative) is not run at all; one with an alternative must still change nothing.
   */
  private static final Map<String, String> KNOWN_UNUSED = Map.of(
      "domsim.scheduler.consolidation.placement", "pabfd is the only built-in placement of consolidated guests; a"
          + " plug-in may add another",
      "domsim.scheduler.consolidation.selection", "this cluster's one overloaded host (b) sheds every guest it can"
          + " under any selection; GuestSelectionsTest shows each selection's choice, and"
          + " ConsolidationRunTest.theSelectionDecidesWhichGuestsLeave that the setting picks who leaves in a run");

  /** Subtrees under domsim that configure machinery, not the model, and why. */
  private static final Map<String, String> NOT_SETTINGS = Map.of(
      "domsim.kernel.sim-dispatcher", "Akka's definition of the simulation dispatcher, read by Akka from the"
          + " JVM's configuration (kernel-id is filled in per run)",
      "domsim.kernel.kryo.registrations", "the classes Kryo registers, one key per class in each module's reference.conf",
      "domsim.cluster", "which JVMs a run spans (Akka Cluster members), not the model: a run gives the same report"
          + " on any members (MembersIT)");

  /** A trace next to the fixture (configs/traces/steps.txt). */
  private static final String TRACE = "traces/steps.txt";

  /**
   * Values to try instead of the derived one: names have no derivation, and a limit's double may never be
   * reached by this cluster (xen's web converges in three rounds, xen-legacy's db within 3x its memory;
   * QEMU's throttle reaches 50%, not 99%).
   */
  private static final Map<String, String> ALTERNATIVES = Map.ofEntries(
      Map.entry("domsim.simulation.clock", "real"),
      // With the real clock (CONTEXT): ten times faster is no longer paced by the wall clock (much faster, the loop
      // falls behind the wall clock and the run says little).
      Map.entry("domsim.simulation.speed", "200"),
      Map.entry("domsim.scheduler.placement", "first-fit"),
      // b is saturated (io, hog and db): THR moves guests off it; a threshold of 0.3 finds other hosts
      // overloaded too.
      Map.entry("domsim.scheduler.consolidation.policy", "thr"),
      Map.entry("domsim.scheduler.consolidation.parameter", "0.3"),
      Map.entry("domsim.migration.algorithm", "stop-and-copy"),
      Map.entry("domsim.migration.policy", "qemu"),
      Map.entry("domsim.migration.bandwidth", "500Mbps"),
      Map.entry("domsim.guest-defaults.type", "hvm"),
      Map.entry("domsim.hypervisor.dirty-model", "page"),
      Map.entry("domsim.metrics.prometheus.host", "localhost"),
      Map.entry("domsim.migration.stop-rules.xen.max-rounds", "2"),
      Map.entry("domsim.migration.stop-rules.xen.target-dirty-pages", "100000"),
      Map.entry("domsim.migration.stop-rules.xen-legacy.max-rounds", "3"),
      Map.entry("domsim.migration.stop-rules.xen-legacy.max-factor", "1"),
      Map.entry("domsim.migration.stop-rules.xen-legacy.target-dirty-pages", "100000"),
      // db's rounds are 16 batches of 4,096 pages: a larger minimum batch makes fewer, larger ones.
      Map.entry("domsim.migration.stop-rules.xen-legacy.batch-pages", "16384"),
      Map.entry("domsim.migration.stop-rules.qemu.throttle-max", "30"),
      // Doubled, 256 MiB/s is above the 1 Gbit/s NICs: 50 MiB/s slows cache's live rounds.
      Map.entry("domsim.migration.stop-rules.qemu.max-bandwidth", "50MiB/s"),
      // db's rounds go faster than 100 Mbit/s; doubled, the limiter's constants still shape them.
      Map.entry("domsim.migration.stop-rules.xen-legacy.adaptive-max", "200Mbps"),
      // The fixture cuts web's destination off for 10 s: shorter than that, the migration gives up.
      Map.entry("domsim.migration.timeout", "5s"),
      // Derived, they would be 1: loss must stay below 1, and a rate of 1 is no test of the fraction.
      Map.entry("domsim.network.faults.loss", "0.3"),
      Map.entry("domsim.network.faults.duplicate", "0.3"),
      // The nodes' linear idle/max become a SPECpower table: every node's energy changes.
      Map.entry("domsim.node-defaults.power.model", "hp-proliant-ml110-g4"),
      Map.entry("domsim.node-defaults.power.table", "[86W, 89.4W, 92.6W, 96W, 99.5W, 102W, 106W, 108W, 112W, 114W,"
          + " 117W]"),
      // vCPUs rated at half the nodes' 2.4 GHz take half the core-time.
      Map.entry("domsim.guest-defaults.vcpu-ghz", "1.2"),
      // Relative to the fixture's file: every guest's CPU steps through 20%, 80%, 50%.
      Map.entry("domsim.guest-defaults.workload.trace", TRACE),
      // Doubled, the default 1 (all of memory touched) is out of range: half of every guest's memory untouched
      // (at least each one's working set) shortens every migration.
      Map.entry("domsim.guest-defaults.workload.resident", "0.5"),
      // Doubled, the defaults (1: every page hot) are out of range: a hot tenth of each working set, which takes
      // every write (and, with it set, nine in ten).
      Map.entry("domsim.guest-defaults.workload.hot-fraction", "0.1"),
      Map.entry("domsim.guest-defaults.workload.hot-write-share", "0.9"),
      // Within the 120 s run the 5-minute default never leaves the trace's first value.
      Map.entry("domsim.guest-defaults.workload.trace-interval", "10s"),
      // Doubled, 0 stays 0: the PV guests' system calls and page-table updates through Xen.
      Map.entry("domsim.guest-defaults.workload.syscall-rate", "20000"),
      Map.entry("domsim.guest-defaults.workload.pt-update-rate", "5000"),
      // Every node hosted (with every guest HVM, CONTEXT): the host OS in Dom0's place, the type-2 costs.
      Map.entry("domsim.node-defaults.hypervisor.kind", "type-2"),
      // Doubled, a thread still outruns the 1 Gbit/s NICs (4.8 Gbit/s): at a million cycles a page it sends
      // 2,400 pages a second, and every migration slows.
      Map.entry("domsim.migration.costs.send-thread-cycles-per-page", "1000000"),
      // Doubled, four channels on Dom0's two vCPUs (MULTIFD) go as two: one does not.
      Map.entry("domsim.migration.stop-rules.qemu.multifd-channels", "1"),
      Map.entry("domsim.migration.stop-rules.qemu.multifd-compression", "zstd"));

  /** cache's qemu migration with multifd, its threads (on Dom0's two vCPUs) slower than the NIC. */
  private static final List<String> MULTIFD = List.of("migration.stop-rules.qemu.multifd=true",
      "node-defaults.dom0.vcpus=2", "migration.costs.send-thread-cycles-per-page=1000000");

  /** Every node a type-2 host, every guest HVM: where the type-2 costs act. */
  private static final List<String> TYPE_2 = List.of("node-defaults.hypervisor.kind=type-2", "guest-defaults.type=hvm");

  /** Settings whose effect needs another one set in both runs (speed paces only the real clock). */
  private static final Map<String, List<String>> CONTEXT = Map.ofEntries(
      Map.entry("domsim.simulation.speed", List.of("simulation.clock=real")),
      // The consolidation's settings act when it runs: a detector, or idle hosts switched off.
      Map.entry("domsim.scheduler.consolidation.parameter", List.of("scheduler.consolidation.policy=thr")),
      Map.entry("domsim.scheduler.consolidation.interval", List.of("scheduler.consolidation.switch-off-idle=true")),
      Map.entry("domsim.guest-defaults.workload.trace-interval", List.of("guest-defaults.workload.trace=" + TRACE)),
      // The hot part's share of the writes acts once there is a hot part.
      Map.entry("domsim.guest-defaults.workload.hot-write-share", List.of("guest-defaults.workload.hot-fraction=0.1")),
      // QEMU's zero-page flags go for pages a guest never touched (cache's qemu migration).
      Map.entry("domsim.migration.stop-rules.qemu.zero-page-bytes", List.of("guest-defaults.workload.resident=0.5")),
      Map.entry("domsim.migration.stop-rules.qemu.zero-page-scan-time",
          List.of("guest-defaults.workload.resident=0.5")),
      // The rate limiter's constants act when it is on (db's xen-legacy migration).
      Map.entry("domsim.migration.stop-rules.xen-legacy.adaptive-start",
          List.of("migration.stop-rules.xen-legacy.adaptive-rate=true")),
      Map.entry("domsim.migration.stop-rules.xen-legacy.adaptive-increment",
          List.of("migration.stop-rules.xen-legacy.adaptive-rate=true")),
      Map.entry("domsim.migration.stop-rules.xen-legacy.adaptive-max",
          List.of("migration.stop-rules.xen-legacy.adaptive-rate=true")),
      // XBZRLE's settings act when the capability is on (cache's qemu migration).
      Map.entry("domsim.migration.stop-rules.qemu.xbzrle-cache-size",
          List.of("migration.stop-rules.qemu.xbzrle=true")),
      Map.entry("domsim.migration.stop-rules.qemu.xbzrle-encoded-fraction",
          List.of("migration.stop-rules.qemu.xbzrle=true")),
      // 64-bit PV's costs act when the PV guests (web, hog, batch, sd-pv, spare, u-) make system calls and
      // page-table updates.
      Map.entry("domsim.hypervisor.costs.pv.syscall-cycles", List.of("guest-defaults.workload.syscall-rate=20000")),
      Map.entry("domsim.hypervisor.costs.pv.pt-update-cycles", List.of("guest-defaults.workload.pt-update-rate=5000")),
      // PVHVM's interrupt exits act on PVHVM guests: every guest of the default type becomes one.
      Map.entry("domsim.hypervisor.costs.pvhvm.vmexits-per-io", List.of("guest-defaults.type=pvhvm")),
      // A type-2 node runs HVM guests (PV needs Xen): every guest HVM, in both runs.
      Map.entry("domsim.node-defaults.hypervisor.kind", List.of("guest-defaults.type=hvm")),
      Map.entry("domsim.hypervisor.costs.type-2.host-base-load", TYPE_2),
      Map.entry("domsim.hypervisor.costs.type-2.host-kernel-cycles-per-io", TYPE_2),
      Map.entry("domsim.hypervisor.costs.type-2.context-switch-cycles", TYPE_2),
      Map.entry("domsim.hypervisor.costs.type-2.context-switches-per-io", TYPE_2),
      Map.entry("domsim.hypervisor.costs.type-2.context-switches-per-cpu-second", TYPE_2),
      // multifd and its settings act on cache's qemu migration when one thread cannot keep up (MULTIFD); each
      // compression's figures when it is the one in use.
      Map.entry("domsim.migration.stop-rules.qemu.multifd", MULTIFD.subList(1, 3)),
      Map.entry("domsim.migration.stop-rules.qemu.multifd-channels", MULTIFD),
      Map.entry("domsim.migration.stop-rules.qemu.multifd-compression", MULTIFD),
      Map.entry("domsim.migration.stop-rules.qemu.compression.zstd.ratio", compressing("zstd")),
      Map.entry("domsim.migration.stop-rules.qemu.compression.zstd.compress-cycles-per-page", compressing("zstd")),
      Map.entry("domsim.migration.stop-rules.qemu.compression.zstd.decompress-cycles-per-page", compressing("zstd")),
      Map.entry("domsim.migration.stop-rules.qemu.compression.zlib.ratio", compressing("zlib")),
      Map.entry("domsim.migration.stop-rules.qemu.compression.zlib.compress-cycles-per-page", compressing("zlib")),
      Map.entry("domsim.migration.stop-rules.qemu.compression.zlib.decompress-cycles-per-page", compressing("zlib")));

  /** MULTIFD with {@code method} compressing. */
  private static List<String> compressing(String method) {
    List<String> with = new ArrayList<>(MULTIFD);
    with.add("migration.stop-rules.qemu.multifd-compression=" + method);
    return with;
  }

  /** Report fields that copy the configuration rather than result from it, by report section. */
  private static final Map<String, List<String>> ECHOES = Map.of(
      "", List.of("seed", "clock", "simulated_seconds", "wall_seconds", "max_wall_lag_seconds", "domsim_version",
          "schema_version", "config_digest", "config"),
      "nodes", List.of("cores", "memory_bytes", "hvm_support", "hypervisor"),
      "guests", List.of("type", "vcpus", "memory_bytes"),
      "migrations", List.of("type", "algorithm", "policy"));

  private static final String FIXTURE = "every-setting.conf";
  private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z/]+)");

  @TempDir
  Path dir;

  /**
   * What a user gets from one run, with wall time and configuration echoes taken out; {@code series} are the
   * files the run left under DIR/series.
   */
  private record Outcome(int code, JsonNode report, List<String> stderr, boolean paced, List<String> series) {}

  private final Map<List<String>, Outcome> runs = new HashMap<>();
  private int runCount;
  private final int port = freePort();
  private final Config fixture = ConfigFactory.parseFile(Cli.config(FIXTURE).toFile())
      .withFallback(ConfigFactory.defaultReference()).resolve();

  @Test
  void everySettingChangesWhatTheUserGets() {
    SortedMap<String, String> keys = declaredKeys();
    Set<String> modules = new TreeSet<>();
    forEachReference((url, domsim) -> modules.add(module(url)));
    assertTrue(modules.containsAll(Set.of("cluster-config", "kernel", "hypervisor", "migration", "scheduler")),
        () -> "expected every module's reference.conf on the classpath, found " + modules);
    runNow(List.of()); // warm-up: a cold JVM's first run is slow, and the base run must not look paced
    Outcome base = run(List.of());
    assertEquals(0, base.code(), () -> "the fixture does not run: " + base.stderr());
    assertFalse(base.paced(), "a virtual-clock run must not take the wall time of a real one");

    List<String> unused = new ArrayList<>();
    List<String> knownButUsed = new ArrayList<>();
    for (var e : keys.entrySet()) {
      String key = e.getKey();
      if (KNOWN_UNUSED.containsKey(key) && !ALTERNATIVES.containsKey(key)) {
        System.out.printf("every setting: %s skipped: %s%n", key, KNOWN_UNUSED.get(key));
        continue;
      }
      String value = alternative(key);
      List<String> context = CONTEXT.getOrDefault(key, List.of());
      Outcome before = run(context);
      List<String> changed = new ArrayList<>(context);
      changed.add(relative(key) + "=" + value);
      Outcome after = run(changed);
      assertEquals(0, before.code(), () -> key + ": the run with " + context + " fails: " + before.stderr());
      assertEquals(0, after.code(), () -> key + ": the run with " + relative(key) + "=" + value + " fails; choose"
          + " another valid value in ALTERNATIVES: " + after.stderr());
      boolean effect = !before.equals(after);
      if (!effect && !KNOWN_UNUSED.containsKey(key)) {
        unused.add(key + " (" + e.getValue() + "; tried " + value + ")");
      } else if (effect && KNOWN_UNUSED.containsKey(key)) {
        knownButUsed.add(key);
      }
    }
    System.out.printf("every setting: %d keys, %d runs%n", keys.size(), runCount);
    String problems = (unused.isEmpty() ? "" : "changing these settings changes nothing a user sees (wire them,"
        + " or remove them from reference.conf):\n  " + String.join("\n  ", unused) + "\n")
        + (knownButUsed.isEmpty() ? "" : "these keys now have an effect; remove them from KNOWN_UNUSED: "
        + knownButUsed);
    if (!problems.isEmpty()) {
      fail(problems);
    }
  }

  /** The test's own tables name declared keys, so that none of them can rot silently. */
  @Test
  void theExclusionsNameDeclaredKeys() {
    Set<String> all = new TreeSet<>();
    forEachReference((url, domsim) -> collect(domsim, "domsim", all, false));
    for (String prefix : NOT_SETTINGS.keySet()) {
      assertTrue(all.stream().anyMatch(k -> k.equals(prefix) || k.startsWith(prefix + ".")),
          () -> prefix + " in NOT_SETTINGS matches no declared key");
    }
    for (String key : KNOWN_UNUSED.keySet()) {
      assertTrue(all.contains(key), () -> key + " in KNOWN_UNUSED is not a declared key");
    }
    for (String key : CONTEXT.keySet()) {
      assertTrue(all.contains(key), () -> key + " in CONTEXT is not a declared key");
    }
    for (String key : ALTERNATIVES.keySet()) {
      assertTrue(all.contains(key), () -> key + " in ALTERNATIVES is not a declared key");
    }
  }

  // ------------------------------------------------------------------ the keys

  /** Every leaf under domsim of every reference.conf, with the file that declares it. */
  private static SortedMap<String, String> declaredKeys() {
    SortedMap<String, String> keys = new TreeMap<>();
    forEachReference((url, domsim) -> {
      Set<String> leaves = new TreeSet<>();
      collect(domsim, "domsim", leaves, true);
      leaves.forEach(k -> keys.put(k, module(url)));
    });
    return keys;
  }

  private interface ReferenceVisitor {
    void visit(URL url, ConfigObject domsim);
  }

  private static void forEachReference(ReferenceVisitor visitor) {
    try {
      for (URL url : Collections.list(EverySettingHasAnEffectIT.class.getClassLoader().getResources("reference.conf"))) {
        ConfigValue domsim = ConfigFactory.parseURL(url).root().get("domsim");
        if (domsim instanceof ConfigObject o) {
          visitor.visit(url, o);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Collects leaf paths; with {@code skipNotSettings}, leaves out the subtrees of {@link #NOT_SETTINGS}. */
  private static void collect(ConfigObject object, String path, Set<String> into, boolean skipNotSettings) {
    for (String key : object.keySet()) {
      String child = path + "." + key;
      if (skipNotSettings && NOT_SETTINGS.containsKey(child)) {
        continue;
      }
      if (!skipNotSettings && NOT_SETTINGS.containsKey(child)) {
        into.add(child); // may be unresolved (Kryo's += list): do not look inside
        continue;
      }
      ConfigValue value = object.get(key);
      if (value.valueType() == ConfigValueType.OBJECT) {
        collect((ConfigObject) value, child, into, skipNotSettings);
      } else {
        into.add(child);
      }
    }
  }

  /** The module a reference.conf belongs to, from its location (a classes directory or a jar). */
  private static String module(URL url) {
    Matcher m = Pattern.compile("/([a-z0-9-]+?)(?:/target/classes|-\\d[^/]*\\.jar)").matcher(url.toString());
    String last = url.toString();
    while (m.find()) {
      last = m.group(1);
    }
    return last;
  }

  private static String relative(String key) {
    return key.substring("domsim.".length());
  }

  // ------------------------------------------------------------------ the other value

  private String alternative(String key) {
    if (key.equals("domsim.metrics.prometheus.port")) {
      return Integer.toString(freePort(port));
    }
    if (ALTERNATIVES.containsKey(key)) {
      return ALTERNATIVES.get(key);
    }
    ConfigValue value = fixture.getValue(key);
    switch (value.valueType()) {
      case BOOLEAN:
        return Boolean.toString(!(Boolean) value.unwrapped());
      case NUMBER:
        Number n = (Number) value.unwrapped();
        if (n instanceof Integer || n instanceof Long) {
          return Long.toString(n.longValue() == 0 ? 1 : 2 * n.longValue());
        }
        return Double.toString(n.doubleValue() == 0 ? 1 : 2 * n.doubleValue());
      case LIST:
        ConfigList list = (ConfigList) value;
        assertFalse(list.isEmpty(), () -> key + " is empty in " + FIXTURE + ": give it an entry to take away");
        return ConfigValueFactory.fromIterable(list.subList(0, list.size() - 1).stream().map(ConfigValue::unwrapped)
            .toList()).render(ConfigRenderOptions.concise());
      case STRING:
        Matcher q = QUANTITY.matcher((String) value.unwrapped());
        if (q.matches()) {
          double doubled = 2 * Double.parseDouble(q.group(1));
          return (doubled == Math.rint(doubled) ? Long.toString((long) doubled) : Double.toString(doubled))
              + q.group(2);
        }
        throw new AssertionError(key + " = \"" + value.unwrapped() + "\" has no derived alternative: add one to"
            + " ALTERNATIVES");
      default:
        throw new AssertionError(key + " is a " + value.valueType() + ": add an alternative to ALTERNATIVES");
    }
  }

  // ------------------------------------------------------------------ running

  /** Runs the fixture with these overrides (once per distinct list). */
  private Outcome run(List<String> overrides) {
    return runs.computeIfAbsent(List.copyOf(overrides), this::runNow);
  }

  private Outcome runNow(List<String> overrides) {
    runCount++;
    Path out = dir.resolve("run-" + runCount);
    List<String> args = new ArrayList<>(List.of("run", Cli.config(FIXTURE).toString(), "--out", out.toString(),
        "--no-progress", "--set", "metrics.prometheus.port=" + port));
    for (String o : overrides) {
      args.add("--set");
      args.add(o);
    }
    long start = System.nanoTime();
    Cli.Outcome o = Cli.run(args.toArray(String[]::new));
    double wallSeconds = (System.nanoTime() - start) / 1e9;
    // The fixture's real clock paces its whole duration: such a run cannot finish sooner than duration / speed.
    double pacedSeconds = fixture.getDuration("domsim.simulation.duration").toNanos() / 1e9
        / fixture.getDouble("domsim.simulation.speed");
    boolean paced = wallSeconds >= 0.9 * pacedSeconds;
    JsonNode report = o.code() == 0 ? withoutEchoes(Cli.report(out)) : null;
    List<String> stderr = o.err().lines().toList();
    List<String> series = new ArrayList<>();
    try (var files = java.nio.file.Files.list(out)) {
      files.filter(p -> p.getFileName().toString().equals("series")).forEach(d -> {
        try (var inside = java.nio.file.Files.list(d)) {
          inside.map(p -> p.getFileName().toString()).sorted().forEach(series::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Outcome(o.code(), report, stderr, paced, series);
  }

  private static JsonNode withoutEchoes(JsonNode report) {
    ObjectNode copy = report.deepCopy();
    for (var e : ECHOES.entrySet()) {
      if (e.getKey().isEmpty()) {
        copy.remove(e.getValue());
      } else {
        for (JsonNode entry : copy.get(e.getKey())) {
          ((ObjectNode) entry).remove(e.getValue());
        }
      }
    }
    return copy;
  }

  private static int freePort(int... notThese) {
    for (int i = 0; i < 20; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        int p = s.getLocalPort();
        if (java.util.Arrays.stream(notThese).noneMatch(x -> x == p)) {
          return p;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port");
  }
}
