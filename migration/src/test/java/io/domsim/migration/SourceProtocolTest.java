package io.domsim.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceProtocolTest {

  private static SourceProtocol precopy() {
    return new SourceProtocol(Builtins.shape("pre-copy"), Builtins.rule("xen", Duration.ofMillis(300)),
        (AutoConverge) null);
  }

  private static RoundStats round(int n, long dirty) {
    return new RoundStats(n, 1000, 1000L * n, dirty, 100_000, 1.25e8, 1_000_000);
  }

  @Test
  void precopyGoesPrepareRoundsSuspendFinalGoDestroy() {
    SourceProtocol p = precopy();
    assertInstanceOf(SourceStep.SendPrepare.class, p.start().get(0));
    List<SourceStep> s = p.prepared();
    assertInstanceOf(SourceStep.EnableLogDirty.class, s.get(0));
    assertEquals(new SourceStep.SendRound(1), s.get(1));
    assertEquals(List.of(new SourceStep.SendRound(2)), p.roundSent(round(1, 5000), 0, 1));
    assertEquals(List.of(new SourceStep.SendRound(3)), p.roundSent(round(2, 10), 0, 1),
        "fewer than 50 dirty pages: Xen sends them live, then suspends");
    assertEquals(Phase.PRECOPY, p.phase());
    assertEquals(List.of(new SourceStep.Suspend()), p.roundSent(round(3, 4000), 0, 1),
        "after the last live batch the guest is suspended, however much that batch left dirty");
    assertEquals(Phase.SUSPENDING, p.phase());
    assertEquals(3, p.rounds());
    assertEquals(List.of(new SourceStep.SendFinalCopy(MigrationShape.FinalCopy.DIRTY_PAGES)), p.suspendedGuest());
    assertEquals(List.of(new SourceStep.SendGo()), p.finalCopySent());
    assertEquals(Phase.HANDOVER, p.phase());
    assertEquals(List.of(new SourceStep.DestroySource(), new SourceStep.Finish(Phase.COMPLETED, null)),
        p.resumedAtDestination());
  }

  @Test
  void xenSuspendsAtOnceWhenNothingIsDirtyOrAtItsRoundCap() {
    SourceProtocol p = precopy();
    p.start();
    p.prepared();
    assertEquals(List.of(new SourceStep.Suspend()), p.roundSent(round(1, 0), 0, 1), "no page to send live");
    SourceProtocol capped = precopy();
    capped.start();
    capped.prepared();
    for (int r = 1; r < 5; r++) {
      capped.roundSent(round(r, 50_000), 0, 1);
    }
    assertEquals(List.of(new SourceStep.Suspend()), capped.roundSent(round(5, 10), 0, 1),
        "at SPP_MAX_ITERATIONS send_memory_live breaks before the clean: no last live batch");
    StopRule legacy = Builtins.rule("xen-legacy", Duration.ofMillis(300));
    RoundStats few = new RoundStats(2, 10, 100_010, 10, 100_000, 1.25e8, 1_000_000);
    assertTrue(legacy.stopAndCopy(few) && !legacy.sendsLastBatchLive(few),
        "xc_domain_save suspends as soon as it decides on its last iteration");
  }

  @Test
  void xenStopsAfterFiveRoundsWhateverIsDirty() {
    SourceProtocol p = precopy();
    p.start();
    p.prepared();
    for (int r = 1; r < 5; r++) {
      assertEquals(List.of(new SourceStep.SendRound(r + 1)), p.roundSent(round(r, 50_000), 0, 1));
    }
    assertEquals(List.of(new SourceStep.Suspend()), p.roundSent(round(5, 50_000), 0, 1));
    assertEquals(5, p.rounds());
  }

  @Test
  void aFailureBeforeGoResumesTheGuestAtTheSource() {
    SourceProtocol p = precopy();
    p.start();
    p.prepared();
    p.roundSent(round(1, 0), 0, 1);
    p.suspendedGuest();
    List<SourceStep> s = p.destinationLost("destination failed");
    assertEquals(new SourceStep.ResumeSource(true), s.get(0));
    assertEquals(Phase.ABORTED, p.phase());
    assertTrue(p.finalCopySent().isEmpty(), "late events change nothing");
  }

  @Test
  void aFailureAfterGoNeverResumesTheSource() {
    SourceProtocol p = precopy();
    p.start();
    p.prepared();
    p.roundSent(round(1, 0), 0, 1);
    p.suspendedGuest();
    p.finalCopySent();
    List<SourceStep> s = p.destinationLost("destination failed");
    assertTrue(s.stream().noneMatch(x -> x instanceof SourceStep.ResumeSource), s.toString());
    assertEquals(Phase.FAILED, p.phase());
  }

  @Test
  void postCopyHandsOverFirstThenPushesPages() {
    SourceProtocol p = new SourceProtocol(Builtins.shape("post-copy"),
        Builtins.rule("xen", Duration.ofMillis(300)), (AutoConverge) null);
    p.start();
    assertEquals(List.of(new SourceStep.Suspend()), p.prepared());
    assertEquals(List.of(new SourceStep.SendFinalCopy(MigrationShape.FinalCopy.STATE_ONLY)), p.suspendedGuest());
    assertEquals(List.of(new SourceStep.SendGo()), p.finalCopySent());
    assertEquals(List.of(new SourceStep.PushRemainingPages()), p.resumedAtDestination());
    assertEquals(Phase.POSTCOPY, p.phase());
    assertEquals(List.of(new SourceStep.DestroySource(), new SourceStep.Finish(Phase.COMPLETED, null)), p.pushDone());
  }

  @Test
  void stopAndCopySendsAllMemoryWhileSuspended() {
    SourceProtocol p = new SourceProtocol(Builtins.shape("stop-and-copy"),
        Builtins.rule("xen", Duration.ofMillis(300)), (AutoConverge) null);
    p.start();
    assertEquals(List.of(new SourceStep.Suspend()), p.prepared());
    assertEquals(List.of(new SourceStep.SendFinalCopy(MigrationShape.FinalCopy.ALL_MEMORY)), p.suspendedGuest());
  }

  private static RoundStats longRound(int n, long dirty) {
    return new RoundStats(n, 1000, 1000L * n, dirty, 100_000, 1.25e8, 1_500_000_000L);
  }

  @Test
  void autoConvergeLooksOnlyAtPeriodsOfMoreThanASecond() {
    SourceProtocol p = new SourceProtocol(Builtins.shape("pre-copy"),
        Builtins.rule("qemu", Duration.ofMillis(300)), Builtins.autoConverge());
    p.start();
    p.prepared();
    // Hot 1 ms rounds: the first sync comes after a thousand of them, not after two.
    for (int r = 1; r < 600; r++) {
      assertEquals(List.of(new SourceStep.SendRound(r + 1)), p.roundSent(round(r, 50_000), 900, 1000));
    }
  }

  @Test
  void autoConvergeThrottlesAfterTwoHotRounds() {
    SourceProtocol p = new SourceProtocol(Builtins.shape("pre-copy"),
        Builtins.rule("qemu", Duration.ofMillis(300)), Builtins.autoConverge());
    p.start();
    p.prepared();
    assertEquals(List.of(new SourceStep.SendRound(2)), p.roundSent(longRound(1, 50_000), 900, 1000));
    assertEquals(List.of(new SourceStep.Throttle(0.2), new SourceStep.SendRound(3)),
        p.roundSent(longRound(2, 50_000), 900, 1000));
  }

  @Test
  void aRefusalEndsItWithTheReason() {
    SourceProtocol p = precopy();
    p.start();
    assertEquals(List.of(new SourceStep.Finish(Phase.REFUSED, "no room")), p.refused("no room"));
  }

  @Test
  void qemuCapsItsLiveRoundsAtMaxBandwidthUnlessTheUserSetsACapAndLiftsItAtTheSwitchover() {
    StopRule qemu = Builtins.rule("qemu", Duration.ofMillis(300));
    MigrationShape pre = Builtins.shape("pre-copy");
    FlowPurpose round = new FlowPurpose.Round(1, 0);
    long maxThrottle = 128L * 1024 * 1024 * 8;
    SourceProtocol byDefault = new SourceProtocol(pre, qemu);
    assertEquals(maxThrottle, byDefault.capBitsPerSecond(round), "QEMU's max-bandwidth, 128 MiB/s");
    assertEquals(0, byDefault.capBitsPerSecond(FlowPurpose.FINAL_COPY), "RATE_LIMIT_DISABLED at the switchover");
    SourceProtocol users = new SourceProtocol(pre, qemu, java.util.OptionalLong.of(500_000_000));
    assertEquals(500_000_000, users.capBitsPerSecond(round), "the user's bandwidth wins");
    assertEquals(0, users.capBitsPerSecond(FlowPurpose.FINAL_COPY));
    SourceProtocol unlimited = new SourceProtocol(pre, qemu, java.util.OptionalLong.of(0));
    assertEquals(0, unlimited.capBitsPerSecond(round), "0 asks for no cap");
    // Xen has no cap of its own; a user's cap binds its whole stream.
    StopRule xen = Builtins.rule("xen", Duration.ofMillis(300));
    assertEquals(0, new SourceProtocol(pre, xen).capBitsPerSecond(round));
    SourceProtocol xenCapped = new SourceProtocol(pre, xen, java.util.OptionalLong.of(500_000_000));
    assertEquals(500_000_000, xenCapped.capBitsPerSecond(FlowPurpose.FINAL_COPY));
    // Without live rounds the rule is not used: only the user's cap.
    assertEquals(0, new SourceProtocol(Builtins.shape("stop-and-copy"), qemu).capBitsPerSecond(FlowPurpose.FINAL_COPY));
  }

  @Test
  void aPrecopyThatGivesUpAbortsAndTheGuestRunsOnAtTheSource() {
    SourceProtocol p = new SourceProtocol(Builtins.shape("pre-copy"), Builtins.rule("qemu", Duration.ofMillis(300)),
        (AutoConverge) null);
    assertEquals(List.of(), p.gaveUp("too early"), "nothing to give up before the rounds");
    p.start();
    p.prepared();
    for (int r = 1; r <= 2_000; r++) {
      assertEquals(List.of(new SourceStep.SendRound(r + 1)), p.roundSent(round(r, 90_000), 0, 1), "round " + r);
    }
    assertEquals(List.of(new SourceStep.ResumeSource(false),
        new SourceStep.Finish(Phase.ABORTED, "did not converge within 15m")), p.gaveUp("did not converge within 15m"));
    assertEquals(Phase.ABORTED, p.phase());
    assertEquals(List.of(), p.gaveUp("again"));
    // Once it stops and copies, it has converged: a late timeout changes nothing.
    SourceProtocol q = new SourceProtocol(Builtins.shape("pre-copy"), Builtins.rule("qemu", Duration.ofMillis(300)),
        (AutoConverge) null);
    q.start();
    q.prepared();
    q.roundSent(round(1, 0), 0, 1);
    assertEquals(Phase.SUSPENDING, q.phase());
    assertEquals(List.of(), q.gaveUp("late"));
  }
}
