package io.domsim.migration;

/** Where a migration stands, as the source sees it. */
public enum Phase {
  /** The destination is reserving memory and vCPUs and creating the guest paused. */
  PREPARING,
  /** Pre-copy rounds: the guest runs on the source while its memory is sent. */
  PRECOPY,
  /** Suspending the guest (PV: waiting for its acknowledgement; HVM: pause and save device state). */
  SUSPENDING,
  /** The guest is paused; the last dirty pages and its CPU (and device) state are on the wire. */
  FINAL_COPY,
  /** GO sent: the destination owns the guest; waiting for it to unpause and acknowledge. */
  HANDOVER,
  /** Post-copy: the guest runs at the destination while the rest of its memory follows. */
  POSTCOPY,
  COMPLETED,
  ABORTED,
  FAILED,
  REFUSED;

  public boolean finished() {
    return this == COMPLETED || this == ABORTED || this == FAILED || this == REFUSED;
  }

  /** Past the point of no return: the source may never resume its copy. */
  public boolean pastGo() {
    return this == HANDOVER || this == POSTCOPY || this == COMPLETED;
  }
}
