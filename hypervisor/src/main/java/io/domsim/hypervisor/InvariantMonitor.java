package io.domsim.hypervisor;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's safety invariants, checked inside the run at every change that could break one (as
 * FoundationDB's simulation does), not read back from the final report. Every hypervisor tells it how
 * its domains change; every Dom0 tells it how its migrations go. A violation throws
 * {@link Violation}, which fails the actor that made the change and so ends the run with exit 1, naming
 * the invariant, the guest and the simulated time.
 *
 * <p>One instance per run, shared by every node's actors. All calls come from the simulation thread, in
 * event order, so it needs no locking. Each call is one {@link Observation} by the node that makes it; a monitor
 * given an {@link ObservationLog} records them with their events' keys before it checks them, so that a run
 * spread over several JVMs can merge its members' logs and replay them through one monitor
 * ({@link ObservationLog#replay}; docs/architecture.md, "Members").
 */
public final class InvariantMonitor {

  /** The invariants, in the words of DESIGN.md. */
  public enum Invariant {
    ONE_RUNNING_COPY("a guest runs on at most one node"),
    MEMORY_WITHIN_CAPACITY("a node's memory in use (guests, claims, Dom0) never exceeds its capacity"),
    ONE_MIGRATION_PER_GUEST("a guest has at most one migration at a time"),
    NO_UNPAUSE_BEFORE_GO("a destination's paused copy is never unpaused before the source sends GO"),
    NO_PAGE_MISSING_AT_HANDOVER("no page dirtied before the suspend is missing at the destination"),
    ENDED_GUEST_STAYS_ENDED("a destroyed or shut-down guest never runs again"),
    NO_GUEST_ON_DOWN_NODE("no guest runs on a node that is switched off or failed");

    private final String rule;

    Invariant(String rule) {
      this.rule = rule;
    }

    public String rule() {
      return rule;
    }
  }

  /** An invariant broken: what, by which guest (or node), and when. */
  public static final class Violation extends IllegalStateException {
    private final Invariant invariant;
    private final String subject;
    private final long atNanos;

    Violation(Invariant invariant, String subject, long atNanos, String what) {
      super("invariant violated (" + invariant.rule() + "): " + what);
      this.invariant = invariant;
      this.subject = subject;
      this.atNanos = atNanos;
    }

    public Invariant invariant() {
      return invariant;
    }

    /** The guest (or, for memory, the node) concerned. */
    public String subject() {
      return subject;
    }

    public long atNanos() {
      return atNanos;
    }
  }

  /**
   * A migration in flight: between which nodes, whether its source has sent GO, and which of its two
   * ends are still at it (an end is closed when its Dom0 is done with it or its node crashed).
   */
  private static final class Migration {
    final String guest;
    final String from;
    final String to;
    boolean goSent;
    boolean sourceOpen = true;
    boolean targetOpen = true;

    Migration(String guest, String from, String to) {
      this.guest = guest;
      this.from = from;
      this.to = to;
    }
  }

  /** Per guest, the nodes where a domain of it runs. */
  private final Map<String, SortedSet<String>> runningOn = new TreeMap<>();
  /** Guests the operator destroyed or shut down: gone for good (a name is never used again). */
  private final SortedSet<String> ended = new TreeSet<>();
  /** Migrations in flight, by id. */
  private final Map<String, Migration> migrations = new TreeMap<>();
  /** Nodes crashed or switched off, and not booted again. */
  private final SortedSet<String> down = new TreeSet<>();
  private long checks;
  /** Where the facts are recorded, or null. */
  private final ObservationLog log;
  /** Records without checking (a member's share, see {@link #recordOnly}). */
  private final boolean recordOnly;

  /** A monitor that checks and keeps no record. */
  public InvariantMonitor() {
    this(null);
  }

  /** A monitor that records every fact in {@code log} (null: none), then checks it. */
  public InvariantMonitor(ObservationLog log) {
    this(log, false);
  }

  private InvariantMonitor(ObservationLog log, boolean recordOnly) {
    this.log = log;
    this.recordOnly = recordOnly;
  }

  /**
   * A member's share of the run's monitor over several members: it records every fact in {@code log} and checks
   * nothing, since it sees only its own nodes' facts (the other copy of a guest, or the end that excuses one, may be
   * on another member). The driver checks the members' logs merged ({@link ObservationLog#merge}, {@link
   * ObservationLog#replay}).
   */
  public static InvariantMonitor recordOnly(ObservationLog log) {
    return new InvariantMonitor(java.util.Objects.requireNonNull(log, "log"), true);
  }

  /** Records {@code fact} when this monitor keeps a log; true when it only records. */
  private boolean record(Observation fact) {
    if (log != null) {
      log.add(fact);
    }
    return recordOnly;
  }

  /** How many changes have been checked: a run that checked nothing proves nothing. */
  public long checks() {
    return checks;
  }

  /** A domain of {@code guest} on {@code node} is now in {@code state} (created, paused or unpaused). */
  public void domainState(String node, String guest, DomainState state, long nowNanos) {
    if (record(new Observation.DomainStateChanged(node, guest, state, nowNanos))) {
      return;
    }
    checks++;
    SortedSet<String> nodes = runningOn.computeIfAbsent(guest, g -> new TreeSet<>());
    if (state != DomainState.RUNNING) {
      nodes.remove(node);
      return;
    }
    if (ended.contains(guest)) {
      throw new Violation(Invariant.ENDED_GUEST_STAYS_ENDED, guest, nowNanos, "guest " + guest + " runs on " + node
          + " after it was destroyed or shut down");
    }
    if (down.contains(node)) {
      throw new Violation(Invariant.NO_GUEST_ON_DOWN_NODE, guest, nowNanos, "guest " + guest + " runs on " + node
          + ", which is switched off or failed");
    }
    for (Migration m : migrations.values()) {
      if (m.targetOpen && m.guest.equals(guest) && m.to.equals(node) && !m.goSent) {
        throw new Violation(Invariant.NO_UNPAUSE_BEFORE_GO, guest, nowNanos, "guest " + guest
            + " was unpaused on " + node + " before its source sent GO");
      }
    }
    nodes.add(node);
    if (nodes.size() > 1) {
      throw new Violation(Invariant.ONE_RUNNING_COPY, guest, nowNanos, "guest " + guest + " runs on "
          + String.join(" and ", nodes) + " at once");
    }
  }

  /** A domain of {@code guest} on {@code node} is destroyed. */
  public void domainDestroyed(String node, String guest) {
    if (record(new Observation.DomainDestroyed(node, guest))) {
      return;
    }
    checks++;
    SortedSet<String> nodes = runningOn.get(guest);
    if (nodes != null) {
      nodes.remove(node);
    }
  }

  /**
   * The operator's destroy (or a shutdown's end) has destroyed {@code guest}'s domain on {@code node}: the
   * guest is gone, not lost, and no domain of it may run again. It must not be running anywhere else.
   */
  public void guestEnded(String node, String guest, long nowNanos) {
    if (record(new Observation.GuestEnded(node, guest, nowNanos))) {
      return;
    }
    checks++;
    SortedSet<String> nodes = runningOn.getOrDefault(guest, new TreeSet<>());
    nodes.remove(node);
    if (!nodes.isEmpty()) {
      throw new Violation(Invariant.ONE_RUNNING_COPY, guest, nowNanos, "guest " + guest + " was destroyed on " + node
          + " but still runs on " + String.join(" and ", nodes));
    }
    ended.add(guest);
  }

  /**
   * {@code node} has crashed: nothing runs there any more, and the migrations it was sending are over
   * as far as it is concerned (a destination past GO finishes alone).
   */
  public void nodeHalted(String node) {
    if (record(new Observation.NodeHalted(node))) {
      return;
    }
    checks++;
    down.add(node);
    runningOn.values().forEach(nodes -> nodes.remove(node));
    for (Migration m : migrations.values()) {
      m.sourceOpen &= !m.from.equals(node);
      m.targetOpen &= !m.to.equals(node);
    }
    migrations.values().removeIf(m -> !m.sourceOpen && !m.targetOpen);
  }

  /**
   * {@code node} boots again, empty. Its crash closed every migration end it had, so nothing of its earlier
   * life is open; from now on it may be a migration's end again.
   */
  public void nodeBooted(String node) {
    if (record(new Observation.NodeBooted(node))) {
      return;
    }
    checks++;
    down.remove(node);
  }

  /** A node's memory in use after a change (a domain built or destroyed, a claim made or released). */
  public void memory(String node, long usedBytes, long capacityBytes, long nowNanos) {
    if (record(new Observation.Memory(node, usedBytes, capacityBytes, nowNanos))) {
      return;
    }
    checks++;
    if (usedBytes > capacityBytes) {
      throw new Violation(Invariant.MEMORY_WITHIN_CAPACITY, node, nowNanos, "node " + node + " holds "
          + usedBytes + " bytes of its " + capacityBytes);
    }
  }

  /** The source's Dom0 (on {@code from}) starts migration {@code id} of {@code guest} to {@code to}. */
  public void migrationStarted(String id, String guest, String from, String to, long nowNanos) {
    if (record(new Observation.MigrationStarted(from, id, guest, to, nowNanos))) {
      return;
    }
    checks++;
    for (var e : migrations.entrySet()) {
      Migration prev = e.getValue();
      // A migration past its handover (GO sent, the destination done with it: the guest runs there) whose
      // source has yet to hear so and destroy its paused copy is over for the guest: it may leave again.
      boolean handedOver = prev.goSent && !prev.targetOpen && prev.to.equals(from);
      if (prev.sourceOpen && prev.guest.equals(guest) && !handedOver) {
        throw new Violation(Invariant.ONE_MIGRATION_PER_GUEST, guest, nowNanos, "guest " + guest
            + " starts migration " + id + " while " + e.getKey() + " is in flight");
      }
    }
    Migration m = new Migration(guest, from, to);
    // A destination that is down builds no copy for this migration: what is sent to it is lost, and
    // after it boots again it drops what was meant for its earlier life. Its end is closed from the start.
    m.targetOpen = !down.contains(to);
    migrations.put(id, m);
  }

  /** The source, {@code node}, has sent GO for {@code id}: from now on the destination may run the guest. */
  public void goSent(String node, String id) {
    if (record(new Observation.GoSent(node, id))) {
      return;
    }
    checks++;
    Migration m = migrations.get(id);
    if (m != null) {
      m.goSent = true;
    }
  }

  /** The source's Dom0 (on {@code node}) is done with migration {@code id}, whatever its outcome. */
  public void sourceEnded(String node, String id) {
    if (record(new Observation.SourceEnded(node, id))) {
      return;
    }
    checks++;
    Migration m = migrations.get(id);
    if (m != null) {
      m.sourceOpen = false;
      forgetIfClosed(id, m);
    }
  }

  /** The destination's Dom0 (on {@code node}) is done with migration {@code id}: its copy runs, or is destroyed. */
  public void targetEnded(String node, String id) {
    if (record(new Observation.TargetEnded(node, id))) {
      return;
    }
    checks++;
    Migration m = migrations.get(id);
    if (m != null) {
      m.targetOpen = false;
      forgetIfClosed(id, m);
    }
  }

  private void forgetIfClosed(String id, Migration m) {
    if (!m.sourceOpen && !m.targetOpen) {
      migrations.remove(id);
    }
  }

  /**
   * The final copy of {@code guest}'s migration {@code id} has arrived and the exact dirty log of the source,
   * {@code node}, counts {@code pages} whose latest version the destination lacks: it must be none.
   */
  public void pagesMissingAtHandover(String node, String id, String guest, long pages, long nowNanos) {
    if (record(new Observation.PagesMissing(node, id, guest, pages, nowNanos))) {
      return;
    }
    checks++;
    if (pages > 0) {
      throw new Violation(Invariant.NO_PAGE_MISSING_AT_HANDOVER, guest, nowNanos, "migration " + id + " of guest "
          + guest + " handed over with " + pages + " pages missing at the destination");
    }
  }
}
