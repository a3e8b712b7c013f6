package io.domsim.migration;

/** What the destination Dom0 must do next. */
public sealed interface TargetStep {
  /** Restore the guest's state (HVM: device model and HVM context) and unpause it. */
  record RestoreAndUnpause() implements TargetStep {}
  /** Tell the source the guest runs here now. */
  record AcknowledgeResume() implements TargetStep {}
  /** Destroy the paused copy and release its reservation: the migration did not happen here. */
  record DestroyCopy() implements TargetStep {}
  /** Post-copy: the guest ran here but its memory is incomplete: it is lost. */
  record DestroyLostGuest() implements TargetStep {}
  /** This side's view of the end, for the report when the source is gone. */
  record Finish(Phase outcome, String reason) implements TargetStep {}
}
