package io.domsim.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

  @ParameterizedTest
  @CsvSource({
      "10Gbps, 10000000000",
      "1Gbit/s, 1000000000",
      "100Mbps, 100000000",
      "125MB/s, 1000000000",
      "1MiB/s, 8388608",
      "1GiB/s, 8589934592",
      "2.5 Gbps, 2500000000",
      "1kbps, 1000",
      "1Kibit/s, 1024",
      "0, 0",
      "8bps, 8"})
  void bandwidthInBitsPerSecond(String text, long expected) {
    assertEquals(expected, Units.parseBitsPerSecond(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "10Gbs", "fast", "Gbps", "10 G bps"})
  void bandwidthNeedsAKnownUnit(String text) {
    assertThrows(IllegalArgumentException.class, () -> Units.parseBitsPerSecond(text));
  }

  @Test
  void bandwidthTooLargeForALong() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Units.parseBitsPerSecond("1e20Tbps"));
    assertEquals("too large", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"120W, 120", "1.2kW, 1200", "0.5 MW, 500000", "300, 300", "0W, 0"})
  void powerInWatts(String text, double expected) {
    assertEquals(expected, Units.parseWatts(text), 1e-9);
  }

  @ParameterizedTest
  @ValueSource(strings = {"120V", "W", "1.2 kw", "lots"})
  void powerNeedsWatts(String text) {
    assertThrows(IllegalArgumentException.class, () -> Units.parseWatts(text));
  }

  @ParameterizedTest
  @CsvSource({
      "4GiB, 1, 4294967296",
      "512MiB, 1, 536870912",
      "128GiB, 1, 137438953472",
      "4GB, 1, 4000000000",
      "1.5GiB, 1, 1610612736",
      "8192, 1048576, 8589934592",
      "8192, 1, 8192",
      "-1GiB, 1, -1073741824"})
  void sizesFollowHocon(String text, long bareNumberUnit, long expected) {
    assertEquals(expected, Units.parseBytes(text, bareNumberUnit));
  }

  @ParameterizedTest
  @ValueSource(strings = {"12XB", "big", "GiB"})
  void sizesNeedAKnownUnit(String text) {
    assertThrows(IllegalArgumentException.class, () -> Units.parseBytes(text, 1));
  }

  @ParameterizedTest
  @CsvSource({"30s, 30000000000", "5m, 300000000000", "100us, 100000", "300ms, 300000000", "0, 0",
      "-5s, -5000000000"})
  void durationsFollowHocon(String text, long nanos) {
    assertEquals(Duration.ofNanos(nanos), Units.parseDuration(text));
  }

  @Test
  void aBareDurationOtherThanZeroIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseDuration("30"));
    assertEquals("a bare number needs a unit", e.getMessage());
  }

  @Test
  void formatting() {
    assertEquals("8GiB", Units.formatBytes(8L << 30));
    assertEquals("1536MiB", Units.formatBytes(1536L << 20));
    assertEquals("1000B", Units.formatBytes(1000));
    assertEquals("30s", Units.formatDuration(Duration.ofSeconds(30)));
    assertEquals("100us", Units.formatDuration(Duration.ofNanos(100_000)));
    assertEquals("90s", Units.formatDuration(Duration.ofSeconds(90)));
    assertEquals("0s", Units.formatDuration(Duration.ZERO));
    assertEquals("1200W", Units.formatWatts(1200.0));
    assertEquals("0.5W", Units.formatWatts(0.5));
  }
}
