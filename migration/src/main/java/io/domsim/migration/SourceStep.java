package io.domsim.migration;

/** What the source Dom0 must do next; the actor turns each into hypercalls and messages. */
public sealed interface SourceStep {
  /** Ask the destination to prepare (reserve memory and vCPUs, create the guest paused). */
  record SendPrepare() implements SourceStep {}
  /** Turn on log-dirty mode (every page starts dirty, so round 1 sends all memory). */
  record EnableLogDirty() implements SourceStep {}
  /** Clean the dirty log and send those pages: one pre-copy round. */
  record SendRound(int round) implements SourceStep {}
  /** Throttle the guest's vCPUs (auto-converge); 0 lifts the throttle. */
  record Throttle(double fraction) implements SourceStep {}
  /** Suspend the guest: PV by its cooperation, HVM by pausing it and saving its device model. */
  record Suspend() implements SourceStep {}
  /** The guest is suspended: send {@code what} with its CPU (and device) state. */
  record SendFinalCopy(MigrationShape.FinalCopy what) implements SourceStep {}
  /** The point of no return: tell the destination the domain is its own. */
  record SendGo() implements SourceStep {}
  /** Post-copy: push the pages the destination has not yet had, in the background. */
  record PushRemainingPages() implements SourceStep {}
  /** Destroy the source's copy and free its memory. */
  record DestroySource() implements SourceStep {}
  /** Undo: log-dirty off, throttle off, and unpause the guest if it was suspended. */
  record ResumeSource(boolean wasSuspended) implements SourceStep {}
  /** The migration is over, with this outcome and reason. */
  record Finish(Phase outcome, String reason) implements SourceStep {}
}
