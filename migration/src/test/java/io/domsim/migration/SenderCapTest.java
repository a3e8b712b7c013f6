package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How fast a migration's sending threads can go, and how that bounds its streams. */
class SenderCapTest {
  private static MigrationCosts costs(double threadCycles) {
    return new MigrationCosts(0, 0, 0, 0, 0, 0, 0.2, 0, 0, 32768, 32768, threadCycles);
  }

  @Test
  void oneThreadMovesACoresCyclesOverItsCyclesPerPage() {
    // 2.4 GHz / 8,192 cycles = 292,968.75 pages a second, 32,768 bits each.
    assertEquals(9_600_000_000L, costs(8192).senderCapBitsPerSecond(2.4e9, 1, 4, Compression.NONE));
  }

  @Test
  void channelsMultiplyItUpToTheSendingDom0sVcpus() {
    long one = costs(8192).senderCapBitsPerSecond(2.4e9, 1, 2, Compression.NONE);
    assertEquals(2 * one, costs(8192).senderCapBitsPerSecond(2.4e9, 2, 2, Compression.NONE));
    assertEquals(2 * one, costs(8192).senderCapBitsPerSecond(2.4e9, 8, 2, Compression.NONE),
        "eight channels on two vCPUs go as fast as two");
  }

  @Test
  void compressionCostsCyclesAndShrinksThePagesOnTheWire() {
    Compression half = new Compression("half", 2, 8192, 0);
    // 16,384 cycles a page: half the pages of the plain thread, each half as large on the wire.
    assertEquals(2_400_000_000L, costs(8192).senderCapBitsPerSecond(2.4e9, 1, 1, half));
  }

  @Test
  void noThreadCyclesIsNoBound() {
    assertEquals(0, costs(0).senderCapBitsPerSecond(2.4e9, 1, 1, Compression.NONE));
  }

  @Test
  void theBoundIsTheTighterOfItAndTheRulesCapOnEveryStream() {
    StopRule qemu = new StopRule.Qemu(java.time.Duration.ofMillis(300), null, 1_073_741_824L);
    SourceProtocol slowThread = new SourceProtocol(Builtins.shape("pre-copy"), qemu, OptionalLong.empty(), 500_000_000L);
    assertEquals(500_000_000L, slowThread.capBitsPerSecond(new FlowPurpose.Round(1, 0)), "below max-bandwidth");
    assertEquals(500_000_000L, slowThread.capBitsPerSecond(FlowPurpose.FINAL_COPY),
        "QEMU lifts max-bandwidth at the switchover, not its threads' speed");
    SourceProtocol fastThread = new SourceProtocol(Builtins.shape("pre-copy"), qemu, OptionalLong.empty(), 9_000_000_000L);
    assertEquals(1_073_741_824L, fastThread.capBitsPerSecond(new FlowPurpose.Round(1, 0)));
    assertEquals(9_000_000_000L, fastThread.capBitsPerSecond(FlowPurpose.FINAL_COPY));
  }
}
