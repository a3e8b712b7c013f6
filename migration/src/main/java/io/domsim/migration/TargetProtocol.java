package io.domsim.migration;

import java.util.List;

/**
 * The destination side of a live migration as a pure state machine. It holds a paused copy from
 * prepare until GO; only GO lets it run the guest.
 */
public final class TargetProtocol {
  /** Where the destination stands. */
  public enum State { PREPARED, RESTORING, RUNNING, COMPLETE, DESTROYED }

  private final boolean resumesBeforeMemory;
  private State state = State.PREPARED;

  /** @param resumesBeforeMemory post-copy: the guest runs here before all its pages have arrived */
  public TargetProtocol(boolean resumesBeforeMemory) {
    this.resumesBeforeMemory = resumesBeforeMemory;
  }

  public State state() {
    return state;
  }

  /** GO: the domain is ours, cleared to unpause. */
  public List<TargetStep> go() {
    if (state != State.PREPARED) {
      return List.of();
    }
    state = State.RESTORING;
    return List.of(new TargetStep.RestoreAndUnpause());
  }

  /** The guest is restored and running here. */
  public List<TargetStep> unpaused() {
    if (state != State.RESTORING) {
      return List.of();
    }
    state = resumesBeforeMemory ? State.RUNNING : State.COMPLETE;
    return List.of(new TargetStep.AcknowledgeResume());
  }

  /** Post-copy: every page has arrived. */
  public List<TargetStep> allPagesArrived() {
    if (state != State.RUNNING) {
      return List.of();
    }
    state = State.COMPLETE;
    return List.of();
  }

  /**
   * The source gave up before GO (it resumed the guest there) and says so: our copy was never the
   * guest; destroy it and release everything. The source has reported the outcome itself.
   */
  public List<TargetStep> aborted() {
    if (state != State.PREPARED) {
      return List.of(); // only possible before GO, and GO never follows an abort
    }
    state = State.DESTROYED;
    return List.of(new TargetStep.DestroyCopy());
  }

  /**
   * The source failed. Before GO: our copy was never the guest; destroy it and release everything.
   * After GO with pre-copy or stop-and-copy we hold all of it: carry on. Post-copy with pages still
   * at the source: the guest cannot go on and is lost.
   */
  public List<TargetStep> sourceLost(String reason) {
    switch (state) {
      case PREPARED:
        state = State.DESTROYED;
        return List.of(new TargetStep.DestroyCopy(), new TargetStep.Finish(Phase.ABORTED, reason));
      case RESTORING:
        if (!resumesBeforeMemory) {
          return List.of(); // we hold all of it: the handover completes here
        }
        state = State.DESTROYED; // post-copy: most of memory is still at the dead source
        return List.of(new TargetStep.DestroyLostGuest(), new TargetStep.Finish(Phase.FAILED,
            reason + " during post-copy, with pages still at the source; the guest is lost"));
      case RUNNING:
        state = State.DESTROYED;
        return List.of(new TargetStep.DestroyLostGuest(), new TargetStep.Finish(Phase.FAILED,
            reason + " during post-copy, with pages still at the source; the guest is lost"));
      default:
        return List.of(); // COMPLETE: the guest runs here with everything it needs
    }
  }
}
