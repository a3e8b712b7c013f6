package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Xen 2005's rate limiter, step by step (Clark et al. 2005, section 5.1; xc_domain_save.c, ADAPTIVE_SAVE). */
class AdaptiveRateTest {
  private static final long MBIT = 1_000_000;
  private static final long SECOND = 1_000_000_000L;

  /** Pages that, dirtied in one second, make {@code mbit} Mbit/s. */
  private static long pagesPerSecondAt(long mbit) {
    return mbit * MBIT / 8 / 4096;
  }

  private static AdaptiveRate clark() {
    return new AdaptiveRate(new AdaptiveRate.Settings(100 * MBIT, 50 * MBIT, 500 * MBIT));
  }

  @Test
  void startsAtTheMinimumAndRaisesToTheDirtyingRatePlusTheIncrement() {
    AdaptiveRate r = clark();
    assertEquals(100 * MBIT, r.rateBitsPerSecond(), "START_MBIT_RATE");
    // A round that dirtied 200 Mbit/s: the next goes at 200 + 50.
    assertFalse(r.roundSent(200_000, pagesPerSecondAt(200), SECOND));
    assertEquals(250 * MBIT, r.rateBitsPerSecond(), 1 * MBIT);
    // Dirtying below the rate in force changes nothing: the rate never falls.
    assertFalse(r.roundSent(100_000, pagesPerSecondAt(120), SECOND));
    assertEquals(250 * MBIT, r.rateBitsPerSecond(), 1 * MBIT);
    // 400 Mbit/s dirtied: 450 is below the maximum.
    assertFalse(r.roundSent(90_000, pagesPerSecondAt(400), SECOND));
    assertEquals(450 * MBIT, r.rateBitsPerSecond(), 1 * MBIT);
    assertFalse(r.atMax());
    // 480 + 50 is above 500: capped at MAX_MBIT_RATE.
    assertFalse(r.roundSent(80_000, pagesPerSecondAt(480), SECOND));
    assertEquals(500 * MBIT, r.rateBitsPerSecond());
    assertTrue(r.atMax());
    assertEquals(500 * MBIT, r.finalCopyBitsPerSecond(), "the stop-and-copy at the maximum");
  }

  @Test
  void stopsWhenTheRateIsAtItsMaximumAndARoundSentMoreThanTheOneBefore() {
    AdaptiveRate r = clark();
    assertFalse(r.roundSent(200_000, pagesPerSecondAt(600), SECOND), "round 1 never 'sends more'");
    assertTrue(r.atMax());
    // At the maximum, but sending still shrinks: go on.
    assertFalse(r.roundSent(150_000, pagesPerSecondAt(600), SECOND));
    assertFalse(r.roundSent(150_000, pagesPerSecondAt(600), SECOND), "as many as before is not more");
    assertTrue(r.roundSent(150_001, pagesPerSecondAt(600), SECOND), "sent_this_iter > sent_last_iter");
  }

  @Test
  void belowItsMaximumMoreSendingDoesNotStopIt() {
    AdaptiveRate r = clark();
    assertFalse(r.roundSent(1_000, pagesPerSecondAt(10), SECOND));
    assertFalse(r.roundSent(50_000, pagesPerSecondAt(10), SECOND));
    assertEquals(100 * MBIT, r.rateBitsPerSecond());
  }

  @Test
  void settingsMustBeOrdered() {
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveRate.Settings(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveRate.Settings(100, 1, 99));
  }

  @Test
  void theProtocolSendsEachRoundAtTheLimitersRateAndStopsWhenItSays() {
    MigrationPlugins plugins = Builtins.plugins(ConfigFactory.parseString(
        "migration.stop-rules.xen-legacy.adaptive-rate = true").withFallback(Builtins.SETTINGS),
        Duration.ofMillis(300), false);
    SourceProtocol p = new SourceProtocol(plugins.shape("pre-copy"), plugins.stopRule("xen-legacy"));
    p.start();
    p.prepared();
    FlowPurpose round = new FlowPurpose.Round(1, 0);
    assertEquals(100 * MBIT, p.capBitsPerSecond(round));
    long mem = 200_000;
    // 1 s rounds dirtying 600 Mbit/s: the rate goes to 500 at once; the rounds then grow: stop.
    long dirty = pagesPerSecondAt(600);
    assertEquals(java.util.List.of(new SourceStep.SendRound(2)),
        p.roundSent(new RoundStats(1, mem, mem, dirty, mem, 1.25e7, SECOND), 0, 0));
    assertEquals(500 * MBIT, p.capBitsPerSecond(new FlowPurpose.Round(2, 0)));
    assertEquals(java.util.List.of(new SourceStep.SendRound(3)),
        p.roundSent(new RoundStats(2, 10_000, mem + 10_000, dirty, mem, 6e7, SECOND), 0, 0));
    assertEquals(java.util.List.of(new SourceStep.Suspend()),
        p.roundSent(new RoundStats(3, 10_001, mem + 20_001, dirty, mem, 6e7, SECOND), 0, 0));
    assertEquals(500 * MBIT, p.capBitsPerSecond(FlowPurpose.FINAL_COPY));
    // A user's tighter cap still binds.
    SourceProtocol capped = new SourceProtocol(plugins.shape("pre-copy"), plugins.stopRule("xen-legacy"),
        OptionalLong.of(80 * MBIT));
    assertEquals(80 * MBIT, capped.capBitsPerSecond(round));
    assertEquals(80 * MBIT, capped.capBitsPerSecond(FlowPurpose.FINAL_COPY));
  }
}
