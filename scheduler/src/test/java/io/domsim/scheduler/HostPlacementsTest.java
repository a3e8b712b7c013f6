package io.domsim.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.scheduler.HostPlacements.Stage;
import io.domsim.scheduler.HostPlacements.Step;
import io.domsim.scheduler.PoolProtocol.HostReply;
import org.junit.jupiter.api.Test;

/** The host's record of placement ids: one claim and one domain per id, whatever repeats and arrives late. */
class HostPlacementsTest {
  private final HostPlacements p = new HostPlacements();
  private final HostReply reserved = new PoolProtocol.Reserved("x", "h");
  private final HostReply started = new PoolProtocol.Started("x", "h", "g");

  @Test
  void aRepeatedReserveGetsTheFirstAnswerAndNoSecondClaim() {
    assertEquals(Step.PROCEED, p.reserve("x"));
    assertEquals(Step.NOTHING, p.reserve("x"), "the claim is under way: its answer will come");
    assertTrue(p.claimed("x", reserved));
    assertEquals(Step.REPEAT, p.reserve("x"));
    assertSame(reserved, p.answer("x", false));
  }

  @Test
  void aRepeatedRefusalIsTheSameRefusal() {
    HostReply no = new PoolProtocol.ReserveRefused("x", "h", 0, "full");
    p.reserve("x");
    assertTrue(p.refused("x", no));
    assertEquals(Step.REPEAT, p.reserve("x"));
    assertSame(no, p.answer("x", false));
    assertEquals(Step.REFUSE, p.commit("x"), "nothing to build from");
  }

  @Test
  void aRepeatedCommitBuildsOnceAndRepeatsItsAnswer() {
    p.reserve("x");
    p.claimed("x", reserved);
    assertEquals(Step.PROCEED, p.commit("x"));
    assertEquals(Step.NOTHING, p.commit("x"), "the build is under way");
    p.built("x", true, started);
    assertEquals(Step.REPEAT, p.commit("x"));
    assertSame(started, p.answer("x", true));
    assertEquals(Step.REPEAT, p.reserve("x"), "a late reserve of a started id: Reserved again, no claim");
    assertEquals(Stage.STARTED, p.stage("x"));
  }

  @Test
  void aCommitWithoutAClaimIsRefused() {
    assertEquals(Step.REFUSE, p.commit("y"));
  }

  @Test
  void aReleaseGivesTheClaimBackAndALateReserveClaimsNothing() {
    p.reserve("x");
    p.claimed("x", reserved);
    assertEquals(Step.RELEASE_CLAIM, p.release("x"));
    assertEquals(Step.NOTHING, p.release("x"), "released once");
    assertEquals(Step.NOTHING, p.reserve("x"));
    assertEquals(Step.REFUSE, p.commit("x"));
  }

  @Test
  void aReleaseBeforeTheReserveArrivesKeepsItFromClaiming() {
    assertEquals(Step.NOTHING, p.release("x"));
    assertEquals(Stage.RELEASED, p.stage("x"));
    assertEquals(Step.NOTHING, p.reserve("x"));
  }

  @Test
  void aReleaseWhileTheClaimIsMadeGivesItBackWhenItIs() {
    p.reserve("x");
    assertEquals(Step.NOTHING, p.release("x"));
    assertFalse(p.claimed("x", reserved), "the claim completes after the release: give it back, answer nothing");
    assertEquals(Stage.RELEASED, p.stage("x"));
  }

  @Test
  void aReleaseOfAStartedIdLeavesTheDomain() {
    p.reserve("x");
    p.claimed("x", reserved);
    p.commit("x");
    p.built("x", true, started);
    assertEquals(Step.NOTHING, p.release("x"));
    assertEquals(Stage.STARTED, p.stage("x"));
  }
}
