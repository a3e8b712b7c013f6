package io.domsim.migration;

import com.typesafe.config.Config;
import io.domsim.config.MigrationSpec;
import io.domsim.config.plugin.NamedPlugin;
import io.domsim.config.plugin.Settings;

/**
 * domsim's own pre-copy stop rules, registered as plug-ins like anyone's. Each reads its constants from
 * {@code domsim.migration.stop-rules.<name>} (sources in this module's reference.conf).
 */
public final class BuiltInStopRules {
  private BuiltInStopRules() {}

  public static final class Xen extends NamedPlugin implements StopRulePlugin {
    public Xen() {
      super("xen",
          "Xen 4.6+: at most max-rounds rounds, stop when fewer than target-dirty-pages pages are dirty");
    }

    @Override
    public StopRule create(Config config, MigrationSpec cluster) {
      Settings s = new Settings(config);
      return new StopRule.Xen(s.intIn("max-rounds", 1, Integer.MAX_VALUE, "a number of rounds"),
          s.atLeastZero("target-dirty-pages", "a number of pages"));
    }
  }

  public static final class XenLegacy extends NamedPlugin implements StopRulePlugin {
    public XenLegacy() {
      super("xen-legacy",
          "Xen <= 4.5: at most max-rounds rounds or max-factor x memory sent, stop when a round sent fewer"
          + " than target-dirty-pages pages; the sender skips pages written again during a round; with"
          + " adaptive-rate, Xen 2005's rate limiter (Clark et al.)");
    }

    @Override
    public StopRule create(Config config, MigrationSpec cluster) {
      Settings s = new Settings(config);
      // The limiter's constants are read (and checked) whether or not it is on, so a bad value is always reported.
      long start = s.positiveBitsPerSecond("adaptive-start", "100Mbps");
      long increment = s.positiveBitsPerSecond("adaptive-increment", "50Mbps");
      long max = s.positiveBitsPerSecond("adaptive-max", "500Mbps");
      if (max < start) {
        throw s.bad("adaptive-max", "it is below adaptive-start; use a bandwidth of at least adaptive-start");
      }
      boolean adaptive = config.getBoolean("adaptive-rate");
      return new StopRule.XenLegacy(s.intIn("max-rounds", 1, Integer.MAX_VALUE, "a number of rounds"),
          s.positive("max-factor", "3"), s.atLeastZero("target-dirty-pages", "a number of pages"),
          new StopRule.Batches(s.intIn("batch-pages", 1, Integer.MAX_VALUE, "a number of pages"),
              s.intIn("max-batches-per-round", 1, Integer.MAX_VALUE, "a number of batches")),
          adaptive ? new AdaptiveRate.Settings(start, increment, max) : null);
    }
  }

  public static final class Qemu extends NamedPlugin implements StopRulePlugin {
    /** XBZRLE's settings, read (and checked) whether or not the capability is on. */
    private static StopRule.Qemu.Xbzrle xbzrle(Config config, Settings s) {
      long cache = config.getBytes("xbzrle-cache-size");
      if (cache < io.domsim.hypervisor.Page.BYTES) {
        throw s.bad("xbzrle-cache-size", cache + " bytes hold no page; use a size such as 64MiB");
      }
      double fraction = s.positive("xbzrle-encoded-fraction", "0.25");
      if (fraction > 1) {
        throw s.bad("xbzrle-encoded-fraction", fraction + " is more than a page; use a fraction from 0 to 1");
      }
      return config.getBoolean("xbzrle") ? new StopRule.Qemu.Xbzrle(cache, fraction) : StopRule.Qemu.Xbzrle.OFF;
    }

    /** The compressions multifd-compression may name, read (and checked) whether or not multifd is on. */
    private static java.util.TreeMap<String, Compression> compressions(Config config, Settings s) {
      java.util.TreeMap<String, Compression> known = new java.util.TreeMap<>();
      known.put(Compression.NONE.name(), Compression.NONE);
      com.typesafe.config.ConfigObject methods = config.getObject("compression");
      if (methods.containsKey(Compression.NONE.name())) {
        throw s.bad("compression." + Compression.NONE.name(), "\"none\" is QEMU's name for no compression; use"
            + " another name for a method of your own");
      }
      for (String name : new java.util.TreeSet<>(methods.keySet())) {
        String at = "compression." + name + ".";
        double ratio = s.positive(at + "ratio", "2.9");
        if (ratio < 1) {
          throw s.bad(at + "ratio", ratio + " would make pages larger; use a ratio of at least 1");
        }
        known.put(name, new Compression(name, ratio, s.positive(at + "compress-cycles-per-page", "40960"),
            s.positive(at + "decompress-cycles-per-page", "12337")));
      }
      return known;
    }

    /** QEMU's multifd capability, its channels and compression, read (and checked) whether or not it is on. */
    private static StopRule.Qemu.Multifd multifd(Config config, Settings s, boolean xbzrle) {
      int channels = s.intIn("multifd-channels", 1, 255, "a number of channels");
      String method = config.getString("multifd-compression");
      java.util.TreeMap<String, Compression> known = compressions(config, s);
      Compression compression = known.get(method);
      if (compression == null) {
        throw s.bad("multifd-compression", "\"" + method + "\" is not a compression here; use one of "
            + String.join(", ", known.keySet()));
      }
      if (!config.getBoolean("multifd")) {
        if (compression != Compression.NONE) {
          throw s.bad("multifd-compression", "QEMU compresses only multifd channels; use multifd = true with it,"
              + " or multifd-compression = none");
        }
        return StopRule.Qemu.Multifd.OFF;
      }
      if (xbzrle) {
        throw s.bad("multifd", "QEMU refuses multifd together with xbzrle; use one of them, not both");
      }
      return new StopRule.Qemu.Multifd(channels, compression);
    }

    public Qemu() {
      super("qemu",
          "QEMU: stop when what is dirty fits in migration.downtime-limit at the measured bandwidth, else"
          + " iterate (until migration.timeout); live rounds at most max-bandwidth; with"
          + " migration.auto-converge, throttle a guest that dirties faster than it is sent; with multifd,"
          + " several sending threads, each compressing its pages as multifd-compression says");
    }

    @Override
    public StopRule create(Config config, MigrationSpec cluster) {
      // Read (and checked) whether or not auto-converge is on, so that a bad value is always reported.
      Settings s = new Settings(config);
      int initial = s.intIn("throttle-initial", 1, 100, "a percentage");
      int max = s.intIn("throttle-max", 1, 100, "a percentage");
      if (max < initial) {
        throw s.bad("throttle-max", max + " is below throttle-initial (" + initial + "); use a percentage from "
            + initial + " to 100");
      }
      AutoConverge.Settings autoConverge = new AutoConverge.Settings(initial,
          s.intIn("throttle-increment", 1, 100, "a percentage"), max,
          s.intIn("throttle-trigger-threshold", 1, 100, "a percentage"),
          s.positiveDuration("sync-period", "1s").toNanos());
      return new StopRule.Qemu(cluster.downtimeLimit(), cluster.autoConverge() ? autoConverge : null,
          s.positiveBitsPerSecond("max-bandwidth", "128MiB/s"),
          s.intIn("zero-page-bytes", 0, (int) io.domsim.hypervisor.Page.BYTES, "a number of bytes"),
          s.positiveDuration("zero-page-scan-time", "400ns").toNanos(),
          xbzrle(config, s), multifd(config, s, config.getBoolean("xbzrle")));
    }
  }
}
