package io.domsim.node;

import io.domsim.config.GuestOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The operator's record of the guest lifecycle: every verb asked (create, destroy, pause, unpause, shutdown)
 * in request order with its outcome, each guest's stage as the toolstack's answers left it, and which verb is
 * under way on which guest. Pure; the {@link Operator} decides, this remembers.
 */
final class GuestLifecycle {

  /** What the verbs have made of a guest; a guest without a stage is as it started (running, or not). */
  enum Stage { PAUSED, SHUTTING_DOWN, DESTROYED, SHUT_DOWN }

  /** One verb asked, and so far how it went (null outcome: under way). */
  private static final class Op {
    final double atS;
    final GuestOp action;
    final String guest;
    String node;
    RunResult.OperationOutcome outcome;
    Double finishedAtS;
    String reason;
    final RunResult.Origin origin;

    Op(double atS, GuestOp action, String guest, String node, RunResult.Origin origin) {
      this.atS = atS;
      this.action = action;
      this.guest = guest;
      this.node = node;
      this.origin = origin;
    }
  }

  private final List<Op> ops = new ArrayList<>();
  /** Per guest, the verb under way: sent to its Dom0 and not answered, or a shutdown not over. */
  private final Map<String, Op> underWay = new TreeMap<>();
  private final Map<String, Stage> stages = new TreeMap<>();
  private final Map<String, Double> sinceS = new TreeMap<>();
  /** Where a destroyed or shut-down guest's domain was when it went, and when its shutdown was asked. */
  private final Map<String, String> endedOn = new TreeMap<>();
  private final Map<String, Double> shutdownAskedS = new TreeMap<>();
  /** When a shutting-down guest will be gone, by name. */
  private final Map<String, Double> goneAtS = new TreeMap<>();
  /** Guests created during the run, by name: when. In creation order in {@link #created}. */
  private final Map<String, Double> createdAtS = new TreeMap<>();
  private final List<String> created = new ArrayList<>();

  /** A verb the operator refused at once: recorded, with its sentence. */
  void refused(double atS, GuestOp action, String guest, String node, String reason, RunResult.Origin origin) {
    Op op = new Op(atS, action, guest, node, origin);
    op.outcome = RunResult.OperationOutcome.REFUSED;
    op.finishedAtS = atS;
    op.reason = reason;
    ops.add(op);
  }

  /** A verb handed to {@code node}'s toolstack (for a create without a node, to the pool master). */
  void begun(double atS, GuestOp action, String guest, String node, RunResult.Origin origin) {
    Op op = new Op(atS, action, guest, node, origin);
    ops.add(op);
    underWay.put(guest, op);
    if (action == GuestOp.CREATE) {
      createdAtS.put(guest, atS);
      created.add(guest);
    }
  }

  /** The verb under way on {@code guest}, if any (a shutdown stays under way until the guest is gone). */
  Optional<GuestOp> underWay(String guest) {
    Op op = underWay.get(guest);
    return op == null ? Optional.empty() : Optional.of(op.action);
  }

  /** The verb under way on {@code guest} took effect at {@code nowS} on {@code node}. */
  void done(String guest, GuestOp action, String node, double nowS) {
    Op op = underWay.get(guest);
    if (op == null || op.action != action) {
      return; // already settled (its node failed meanwhile)
    }
    underWay.remove(guest);
    op.outcome = RunResult.OperationOutcome.COMPLETED;
    op.finishedAtS = nowS;
    op.node = node;
    switch (action) {
      case PAUSE -> stage(guest, Stage.PAUSED, nowS);
      case UNPAUSE -> {
        stages.remove(guest);
        sinceS.remove(guest);
      }
      case DESTROY -> {
        stage(guest, Stage.DESTROYED, nowS);
        endedOn.put(guest, node);
      }
      case SHUTDOWN -> {
        stage(guest, Stage.SHUT_DOWN, nowS);
        endedOn.put(guest, node);
        shutdownAskedS.put(guest, op.atS);
      }
      case CREATE -> { }
      default -> throw new AssertionError(action);
    }
  }

  /** A shutdown has begun on its node: the guest runs on until {@code goneS}. */
  void shuttingDown(String guest, double nowS, double goneS) {
    stage(guest, Stage.SHUTTING_DOWN, nowS);
    goneAtS.put(guest, goneS);
  }

  /**
   * A destroy took effect on {@code guest} at {@code nowS}; a shutdown it cut short is aborted. (The destroy
   * itself is under way until {@link #done}.)
   */
  void destroyedWhileShuttingDown(String guest, double nowS) {
    for (Op op : ops) {
      if (op.guest.equals(guest) && op.action == GuestOp.SHUTDOWN && op.outcome == null) {
        op.outcome = RunResult.OperationOutcome.ABORTED;
        op.finishedAtS = nowS;
        op.reason = "destroyed at " + Operator.time(nowS) + " before it had shut down";
      }
    }
  }

  /** The toolstack (or, for a create, the pool master) refused the verb under way on {@code guest} at {@code nowS}. */
  void refusedThere(String guest, GuestOp action, String reason, double nowS) {
    Op op = underWay.get(guest);
    if (op == null || op.action != action) {
      return;
    }
    underWay.remove(guest);
    op.outcome = RunResult.OperationOutcome.REFUSED;
    op.finishedAtS = nowS;
    op.reason = reason;
  }

  /**
   * {@code guest}'s node failed at {@code nowS} (or it was lost otherwise): a verb under way on it is aborted
   * with {@code why}, and the guest has no stage any more (it is lost, not paused or shutting down).
   */
  void lost(String guest, double nowS, String why) {
    Op op = underWay.remove(guest);
    if (op != null) {
      op.outcome = RunResult.OperationOutcome.ABORTED;
      op.finishedAtS = nowS;
      op.reason = why;
    }
    Stage s = stages.get(guest);
    if (s == Stage.PAUSED || s == Stage.SHUTTING_DOWN) {
      stages.remove(guest);
      sinceS.remove(guest);
    }
  }

  private void stage(String guest, Stage stage, double nowS) {
    stages.put(guest, stage);
    sinceS.put(guest, nowS);
  }

  Optional<Stage> stage(String guest) {
    return Optional.ofNullable(stages.get(guest));
  }

  /** Since when {@code guest} has been in its stage. */
  double since(String guest) {
    return sinceS.get(guest);
  }

  /** Why a destroyed or shut-down guest is gone, in one sentence for the report. */
  String howGone(String guest) {
    String on = " on " + endedOn.get(guest) + " at " + Operator.time(sinceS.get(guest));
    return stages.get(guest) == Stage.DESTROYED ? "destroyed" + on + " (xl destroy)"
        : "shut down" + on + " (xl shutdown asked at " + Operator.time(shutdownAskedS.get(guest)) + ")";
  }

  /** When a shutting-down guest will be gone. */
  double goneAt(String guest) {
    return goneAtS.get(guest);
  }

  /** When {@code guest} was created during the run, or empty for a configured guest. */
  Optional<Double> createdAt(String guest) {
    return Optional.ofNullable(createdAtS.get(guest));
  }

  /** The guests created during the run, in creation order. */
  List<String> created() {
    return List.copyOf(created);
  }

  /** Every verb asked, in request order, as the report lists them. */
  List<RunResult.Operation> operations() {
    return ops.stream().map(o -> new RunResult.Operation(o.atS, RunResult.OperationAction.of(o.action), o.guest, o.node,
        o.outcome == null ? RunResult.OperationOutcome.IN_PROGRESS : o.outcome, o.finishedAtS, o.reason, o.origin))
        .toList();
  }
}
