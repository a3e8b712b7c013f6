package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.domsim.hypervisor.Page;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** QEMU's XBZRLE: cached dirty pages go as their encoded difference from round 3 on. */
class XbzrleTest {
  private static final long WS = 32_768; // 128 MiB
  private static final long CACHE = 64L << 20; // 64 MiB: half the working set

  @Test
  void cachedPagesGoEncodedFromTheThirdRound() {
    StopRule.Qemu.Xbzrle x = new StopRule.Qemu.Xbzrle(CACHE, 0.25);
    assertEquals(1000 * Page.BYTES, x.bytes(1000, 1, WS), "round 1: the bulk stage, nothing cached");
    assertEquals(1000 * Page.BYTES, x.bytes(1000, 2, WS), "round 2: its pages are cached as they go");
    // Half the working set fits in the cache: half the pages at a quarter of a page.
    assertEquals(Math.round(500 * 4096 + 500 * 4096 * 0.25), x.bytes(1000, 3, WS));
    assertEquals(Math.round(1000 * 4096 * 0.25), x.bytes(1000, 7, WS / 4), "a working set the cache holds");
    assertEquals(0, x.bytes(0, 5, WS));
    assertEquals(1000 * Page.BYTES, StopRule.Qemu.Xbzrle.OFF.bytes(1000, 5, WS), "off: every page whole");
    assertThrows(IllegalArgumentException.class, () -> new StopRule.Qemu.Xbzrle(-1, 0.5));
    assertThrows(IllegalArgumentException.class, () -> new StopRule.Qemu.Xbzrle(CACHE, 1.5));
  }

  @Test
  void theQemuRuleUsesItAndTheOthersSendWholePages() {
    StopRule qemu = new StopRule.Qemu(Duration.ofMillis(300), null, 1L << 30, 9, 0,
        new StopRule.Qemu.Xbzrle(CACHE, 0.25));
    assertEquals(Math.round(500 * 4096 * 1.25), qemu.dirtyPageBytes(1000, 4, WS));
    assertEquals(1000 * Page.BYTES, Builtins.rule("xen", Duration.ofMillis(300)).dirtyPageBytes(1000, 4, WS));
    assertEquals(1000 * Page.BYTES, Builtins.rule("qemu", Duration.ofMillis(300)).dirtyPageBytes(1000, 4, WS),
        "XBZRLE is off by default, as in QEMU");
  }
}
