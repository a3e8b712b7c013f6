package io.domsim.migration;

import java.util.List;
import java.util.OptionalLong;

/**
 * The source side of a live migration as a pure state machine: each event returns the steps to take,
 * and the phase moves on. It holds the rules that keep a guest safe: nothing is resumed at the source
 * after GO, and anything that goes wrong before GO leaves the guest running at the source.
 *
 * <p>Events must come in protocol order; an event that does not fit the phase (a late message, a
 * duplicate) returns no steps and changes nothing.
 */
public final class SourceProtocol {
  private final MigrationShape shape;
  private final StopRule stopRule;
  private final AutoConverge autoConverge; // null when off
  private final AdaptiveRate adaptiveRate; // null when off
  private final OptionalLong userCap;
  /** How fast the sender's threads can go ({@link MigrationCosts#senderCapBitsPerSecond}); 0: no bound. */
  private final long senderCap;
  private Phase phase = Phase.PREPARING;
  private int round;
  private boolean suspended;
  /** The rule has ended pre-copy and the round under way is its last live one ({@link StopRule#sendsLastBatchLive}). */
  private boolean lastLiveRound;
  private String failure;

  /** With the rule's own auto-converge and rate limiter (when the shape has live rounds) and no user cap. */
  public SourceProtocol(MigrationShape shape, StopRule stopRule) {
    this(shape, stopRule, OptionalLong.empty());
  }

  /**
   * @param stopRule decides when live rounds end (only consulted when the shape has them)
   * @param userCap {@code migration.bandwidth}: 0 for no cap, empty to leave it to the rule
   */
  public SourceProtocol(MigrationShape shape, StopRule stopRule, OptionalLong userCap) {
    this(shape, stopRule, userCap, 0);
  }

  /**
   * @param senderCapBitsPerSecond how fast the sender's threads can go, binding every stream (0: no bound)
   */
  public SourceProtocol(MigrationShape shape, StopRule stopRule, OptionalLong userCap, long senderCapBitsPerSecond) {
    this(shape, stopRule, shape.liveRounds() ? stopRule.newAutoConverge() : null, userCap, senderCapBitsPerSecond);
  }

  /**
   * @param autoConverge QEMU's cpu-throttle for this migration, or null
   */
  public SourceProtocol(MigrationShape shape, StopRule stopRule, AutoConverge autoConverge) {
    this(shape, stopRule, autoConverge, OptionalLong.empty(), 0);
  }

  private SourceProtocol(MigrationShape shape, StopRule stopRule, AutoConverge autoConverge, OptionalLong userCap,
      long senderCapBitsPerSecond) {
    if (senderCapBitsPerSecond < 0) {
      throw new IllegalArgumentException("the sender's bound must not be negative: " + senderCapBitsPerSecond);
    }
    this.senderCap = senderCapBitsPerSecond;
    this.shape = shape;
    this.stopRule = stopRule;
    this.autoConverge = autoConverge;
    this.adaptiveRate = shape.liveRounds() ? stopRule.newAdaptiveRate() : null;
    this.userCap = userCap;
  }

  /**
   * The cap in bits/s (0: none) on the stream carrying {@code purpose}: the live rounds get the user's
   * {@code migration.bandwidth}, else the rule's own; a rule with the adaptive rate limiter sets each
   * round's rate and the stop-and-copy's (the user's cap still binds); QEMU lifts any cap at the switchover.
   * A shape without live rounds gets the user's cap only. The sender's threads bound every stream.
   */
  public long capBitsPerSecond(FlowPurpose purpose) {
    return tighter(senderCap, rateCap(purpose));
  }

  private long rateCap(FlowPurpose purpose) {
    if (!shape.liveRounds()) {
      return userCap.orElse(0);
    }
    if (purpose.isRound()) {
      long cap = userCap.orElse(stopRule.defaultCapBitsPerSecond());
      return adaptiveRate == null ? cap : tighter(cap, adaptiveRate.rateBitsPerSecond());
    }
    if (adaptiveRate != null) {
      return tighter(userCap.orElse(0), adaptiveRate.finalCopyBitsPerSecond());
    }
    return stopRule.capsSwitchover() ? userCap.orElse(0) : 0;
  }

  /** The lower of two caps, 0 being none. */
  private static long tighter(long a, long b) {
    return a == 0 ? b : b == 0 ? a : Math.min(a, b);
  }

  public MigrationShape shape() {
    return shape;
  }

  public Phase phase() {
    return phase;
  }

  public int rounds() {
    return round;
  }

  public boolean suspended() {
    return suspended;
  }

  public List<SourceStep> start() {
    return List.of(new SourceStep.SendPrepare());
  }

  /** The destination has the guest created paused. */
  public List<SourceStep> prepared() {
    if (phase != Phase.PREPARING) {
      return List.of();
    }
    if (shape.liveRounds()) {
      phase = Phase.PRECOPY;
      round = 1;
      return List.of(new SourceStep.EnableLogDirty(), new SourceStep.SendRound(1));
    }
    phase = Phase.SUSPENDING;
    return List.of(new SourceStep.Suspend());
  }

  /** The destination refused to prepare; nothing was reserved. */
  public List<SourceStep> refused(String reason) {
    if (phase != Phase.PREPARING) {
      return List.of();
    }
    phase = Phase.REFUSED;
    return List.of(new SourceStep.Finish(Phase.REFUSED, reason));
  }

  /** A pre-copy round has crossed the wire; {@code stats} carries the dirty count now. */
  public List<SourceStep> roundSent(RoundStats stats, long bytesDirtiedInRound, long bytesSentInRound) {
    if (phase != Phase.PRECOPY) {
      return List.of();
    }
    java.util.ArrayList<SourceStep> steps = new java.util.ArrayList<>();
    if (lastLiveRound) {
      phase = Phase.SUSPENDING;
      steps.add(new SourceStep.Suspend());
      return steps;
    }
    boolean rateSaysStop = adaptiveRate != null
        && adaptiveRate.roundSent(stats.pagesSent(), stats.dirtyNow(), stats.durationNanos());
    if (stopRule.stopAndCopy(stats) && !rateSaysStop && stopRule.sendsLastBatchLive(stats)) {
      lastLiveRound = true;
      round++;
      steps.add(new SourceStep.SendRound(round));
      return steps;
    }
    if (stopRule.stopAndCopy(stats) || rateSaysStop) {
      phase = Phase.SUSPENDING;
      steps.add(new SourceStep.Suspend());
      return steps;
    }
    if (autoConverge != null) {
      autoConverge.onRound(bytesDirtiedInRound, bytesSentInRound, stats.durationNanos())
          .ifPresent(t -> steps.add(new SourceStep.Throttle(t)));
    }
    round++;
    steps.add(new SourceStep.SendRound(round));
    return steps;
  }

  /**
   * The source gives up on a pre-copy that has not converged (QEMU's rule after {@code migration.timeout}):
   * the guest runs on at the source, as when a migration is cancelled. Only while the live rounds go on.
   */
  public List<SourceStep> gaveUp(String reason) {
    if (phase != Phase.PRECOPY) {
      return List.of();
    }
    phase = Phase.ABORTED;
    failure = reason;
    return List.of(new SourceStep.ResumeSource(false), new SourceStep.Finish(Phase.ABORTED, reason));
  }

  /** The guest is suspended at the source (paused, state saved). */
  public List<SourceStep> suspendedGuest() {
    if (phase != Phase.SUSPENDING) {
      return List.of();
    }
    suspended = true;
    phase = Phase.FINAL_COPY;
    return List.of(new SourceStep.SendFinalCopy(shape.finalCopy()));
  }

  /** The final copy (or, for post-copy, the CPU and device state) has crossed the wire. */
  public List<SourceStep> finalCopySent() {
    if (phase != Phase.FINAL_COPY) {
      return List.of();
    }
    phase = Phase.HANDOVER;
    return List.of(new SourceStep.SendGo());
  }

  /** The destination has unpaused the guest and says so. */
  public List<SourceStep> resumedAtDestination() {
    if (phase != Phase.HANDOVER) {
      return List.of();
    }
    if (shape.resumesBeforeMemory()) {
      phase = Phase.POSTCOPY;
      return List.of(new SourceStep.PushRemainingPages());
    }
    phase = Phase.COMPLETED;
    return List.of(new SourceStep.DestroySource(), new SourceStep.Finish(Phase.COMPLETED, null));
  }

  /** Post-copy: the last page has reached the destination. */
  public List<SourceStep> pushDone() {
    if (phase != Phase.POSTCOPY) {
      return List.of();
    }
    phase = Phase.COMPLETED;
    return List.of(new SourceStep.DestroySource(), new SourceStep.Finish(Phase.COMPLETED, null));
  }

  /**
   * The destination (or the path to it) failed. Before GO the guest is still the source's: undo and
   * resume it. After GO it is not: the source never resumes its copy, so a destination lost then
   * loses the guest.
   */
  public List<SourceStep> destinationLost(String reason) {
    if (phase.finished()) {
      return List.of();
    }
    if (!phase.pastGo()) {
      // Once Suspend was issued the guest is (being) paused: resuming must unpause it.
      boolean wasSuspended = suspended || phase == Phase.SUSPENDING;
      phase = Phase.ABORTED;
      suspended = false;
      failure = reason;
      return List.of(new SourceStep.ResumeSource(wasSuspended), new SourceStep.Finish(Phase.ABORTED, reason));
    }
    phase = Phase.FAILED;
    failure = reason;
    return List.of(new SourceStep.DestroySource(), new SourceStep.Finish(Phase.FAILED,
        reason + " after the handover; the guest is lost (the source never resumes its copy after GO)"));
  }

  public String failure() {
    return failure;
  }
}
