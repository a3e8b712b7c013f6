package io.domsim.node;

/**
 * A live operation the cluster refused when it was asked (a migration of a guest that is not running,
 * to a failed node, to the node it already runs on, of a guest already migrating; a second partition of
 * a node already cut off): the sentence that says why, and for a migration the id under which the
 * refusal stands in the report (null for other operations).
 */
public final class OperationRefused extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String id;

  public OperationRefused(String id, String reason) {
    super(reason, null, false, false);
    this.id = id;
  }

  /** The refused migration's id, as the report and the status show it. */
  public String id() {
    return id;
  }
}
