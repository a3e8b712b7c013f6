package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuiltInStopRulesTest {

  private static MigrationPlugins with(String hocon) {
    return Builtins.plugins(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.load()).getConfig("domsim"),
        Duration.ofMillis(300), true);
  }

  @Test
  void defaultsAreThePublishedConstants() {
    MigrationPlugins p = with("");
    assertEquals(new StopRule.Xen(5, 50), p.stopRule("xen"), "SPP_MAX_ITERATIONS, SPP_TARGET_DIRTY_COUNT");
    assertEquals(new StopRule.XenLegacy(29, 3.0, 50, new StopRule.Batches(1024, 16)), p.stopRule("xen-legacy"),
        "DEF_MAX_ITERS, DEF_MAX_FACTOR, MAX_BATCH_SIZE");
    StopRule.Qemu qemu = (StopRule.Qemu) p.stopRule("qemu");
    assertEquals(new AutoConverge.Settings(20, 10, 99, 50, 1_000_000_000L), qemu.autoConverge());
    assertEquals(134_217_728L * 8, qemu.maxBandwidthBitsPerSecond(), "MAX_THROTTLE, 128 MiB/s");
    assertEquals(null, p.stopRule("xen-legacy").newAdaptiveRate(), "adaptive rate is opt-in");
  }

  @Test
  void autoConvergeIsOnlyThereWhenTheClusterAsksForIt() {
    MigrationPlugins off = Builtins.plugins(Builtins.SETTINGS, Duration.ofMillis(300), false);
    assertEquals(null, off.stopRule("qemu").newAutoConverge());
    assertTrue(with("").stopRule("qemu").newAutoConverge() != null);
    assertEquals(null, with("").stopRule("xen").newAutoConverge(), "auto-converge is QEMU's");
  }

  /** Left to the model, such a typo would end a Dom0 in the middle of a migration. */
  @ParameterizedTest
  @CsvSource({
      "qemu.throttle-max, 150", "qemu.throttle-max, 10", "qemu.throttle-initial, 0", "qemu.throttle-increment, 0",
      "qemu.throttle-trigger-threshold, 0", "xen.max-rounds, 0", "xen-legacy.max-rounds, -1",
      "xen-legacy.max-factor, 0", "xen.target-dirty-pages, -5", "xen-legacy.batch-pages, 0",
      "xen-legacy.max-batches-per-round, 0", "qemu.sync-period, 0s", "qemu.max-bandwidth, 0",
      "qemu.max-bandwidth, fast", "xen-legacy.adaptive-start, 0", "xen-legacy.adaptive-max, 50Mbps",
      "qemu.multifd-channels, 0", "qemu.multifd-compression, lz4", "qemu.multifd-compression, zstd",
      "qemu.compression.zstd.ratio, 0.5", "qemu.compression.zlib.compress-cycles-per-page, 0",
      "'qemu.compression.none', '{ ratio = 2, compress-cycles-per-page = 1, decompress-cycles-per-page = 1 }'"})
  void aValueOutOfRangeIsABadValueNamingTheSetting(String key, String value) {
    ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class,
        () -> with("domsim.migration.stop-rules." + key + " = " + value));
    String leaf = key.substring(key.indexOf('.') + 1);
    assertTrue(e.getMessage().contains("'" + leaf + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("; use "), e.getMessage());
  }

  @Test
  void multifdIsOffByDefaultAndThenSendsOnItsChannelsWithItsCompression() {
    StopRule plain = with("").stopRule("qemu");
    assertEquals(1, plain.senderThreads());
    assertEquals(Compression.NONE, plain.compression());
    assertEquals(4096L * 10, plain.pageBytes(10));
    StopRule zstd = with("domsim.migration.stop-rules.qemu { multifd = true, multifd-compression = zstd }")
        .stopRule("qemu");
    assertEquals(2, zstd.senderThreads(), "DEFAULT_MIGRATE_MULTIFD_CHANNELS");
    assertEquals(new Compression("zstd", 2.884, 40960, 12337), zstd.compression());
    assertEquals(Math.round(4096 * 1000 / 2.884), zstd.pageBytes(1000), "a page takes 1/ratio on the wire");
    assertEquals(Math.round(4096 * 1000 / 2.884), zstd.dirtyPageBytes(1000, 5, 100), "dirty pages likewise");
    StopRule own = with("domsim.migration.stop-rules.qemu { multifd = true, multifd-channels = 8,"
        + " multifd-compression = lz4, compression.lz4 { ratio = 2.1, compress-cycles-per-page = 13000,"
        + " decompress-cycles-per-page = 2700 } }").stopRule("qemu");
    assertEquals(8, own.senderThreads());
    assertEquals("lz4", own.compression().name(), "a method of the user's own");
    assertEquals(1, with("").stopRule("xen").senderThreads(), "Xen's save helper is one thread");
  }

  @Test
  void multifdWithXbzrleIsRefusedAsQemuDoes() {
    ConfigException.BadValue e = assertThrows(ConfigException.BadValue.class,
        () -> with("domsim.migration.stop-rules.qemu { multifd = true, xbzrle = true }"));
    assertTrue(e.getMessage().contains("'multifd'") && e.getMessage().contains("xbzrle"), e.getMessage());
  }

  @Test
  void theEdgesOfTheRangesAreAccepted() {
    StopRule.Qemu q = (StopRule.Qemu) with("domsim.migration.stop-rules { qemu { throttle-initial = 100,"
        + " throttle-max = 100 }, xen.max-rounds = 1, xen.target-dirty-pages = 0 }").stopRule("qemu");
    assertEquals(100, q.autoConverge().maxPercent());
    new AutoConverge(q.autoConverge()); // accepts what was read
  }
}
