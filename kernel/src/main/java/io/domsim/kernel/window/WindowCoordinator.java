package io.domsim.kernel.window;

import io.domsim.kernel.EventKey;
import io.domsim.kernel.serialization.CrossJvm;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The driving member's side of the conservative-window protocol (docs/architecture.md, "Members"), as a pure
 * state machine. Every member, idle at the end of a window (or after its setup: window 0), reports the time of
 * its next event, the earliest time of the deliveries it sent to other members in the window, and how many it
 * has sent to each member so far. Once all have reported, the next window starts at the smallest of those
 * times, S, and ends before S + lookahead: a message between members is due at least one lookahead after it
 * is sent, so nothing sent in the window can be due in it. Each member starts the window once it has received
 * every delivery the others have reported sending to it (counted, as Mattern's algorithm counts messages in
 * flight), and runs every event before the horizon. The run ends when no event is left at or before its end.
 *
 * <p>Per window: one report from each member and one grant to each, 2 (M - 1) messages over the network for M
 * members (the driver's own pair is local), plus the deliveries themselves. An idle stretch costs nothing: a
 * window starts at the next event anywhere, not where the last one ended.
 *
 * <p><b>Barriers.</b> An event that may tell actors of other members at zero time (the operator's: a scenario
 * step, a node's report reaching it) is a barrier: its member reports its key. A window that would pass the
 * smallest barrier B stops at it: every member runs the events below B, and B's member runs B too (and what it
 * causes at once); what B told other members at zero time goes to them as {@link BarrierTells} at B's key, which
 * they fire first in the next window, before any key above B, as one JVM would have. A barrier costs one window.
 */
public final class WindowCoordinator {

  /**
   * What member {@code member} says at the end of window {@code window}.
   *
   * @param nextEventTime its next event, {@link Long#MAX_VALUE} for none
   * @param earliestSentTime the earliest due time of what it sent to other members in the window, {@link
   *     Long#MAX_VALUE} for nothing
   * @param sentTo deliveries sent to each other member since the run began (cumulative)
   * @param barriers the smallest barrier key it knows of on each member: its own next one under its own name, and
   *     the barrier deliveries it sent in the window (a node's report to the operator) under their member's
   */
  public record Report(String member, long window, long nextEventTime, long earliestSentTime,
      TreeMap<String, Long> sentTo, TreeMap<String, EventKey> barriers) implements CrossJvm {
    public Report {
      sentTo = new TreeMap<>(sentTo); // a copy: the member's counts go on
      barriers = new TreeMap<>(barriers);
      for (EventKey b : barriers.values()) {
        if (b.time() < Math.min(nextEventTime, earliestSentTime)) {
          throw new IllegalArgumentException(member + " reports a barrier at " + b + ", before its next event ("
              + nextEventTime + " ns) and what it sent (" + earliestSentTime + " ns): a barrier is one of those");
        }
      }
    }

    /** A member that knows of no barrier (it has none and sent none). */
    public Report(String member, long window, long nextEventTime, long earliestSentTime, TreeMap<String, Long> sentTo) {
      this(member, window, nextEventTime, earliestSentTime, sentTo, new TreeMap<>());
    }
  }

  /**
   * What the driver answers each member: run window {@code window}, every event before the start of instant
   * {@code horizon}, once the deliveries that other members sent before this window have arrived: {@code
   * deliveriesFrom} counts them by sender (since the run began; counted by the window they were sent in: those of
   * the next window may overtake them), so that a lost member's can be left out ({@link #lose}); or, when
   * {@code end}, the run is over (no event is left at or before its end).
   *
   * <p>A barrier window has a {@code barrier} key B: the member runs every event before B, and B too when {@code
   * runsBarrier} (B is its event); {@code horizon} is then B's time + 1, the earliest a delivery sent in it may be
   * due (one sent at zero time by B is a {@link BarrierTells}).
   */
  public record Grant(long window, long horizon, TreeMap<String, Long> deliveriesFrom, boolean end, EventKey barrier,
      boolean runsBarrier) implements CrossJvm {
    public Grant {
      if (runsBarrier && barrier == null) {
        throw new IllegalArgumentException("a grant to run a barrier names it");
      }
      deliveriesFrom = new TreeMap<>(deliveriesFrom);
    }

    /** A window without a barrier. */
    public Grant(long window, long horizon, Map<String, Long> deliveriesFrom, boolean end) {
      this(window, horizon, new TreeMap<>(deliveriesFrom), end, null, false);
    }

    /** Every delivery to wait for, whoever sent it. */
    public long deliveriesToReceive() {
      return deliveriesFrom.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * A member lost for good ({@link #lose}): every member drops what it sent after window {@code lastWindow}, the
   * last its report counted in; {@code grants} as {@link #report} answers, when the lost member's report was the one
   * missing.
   */
  public record Loss(String member, long lastWindow, Map<String, Grant> grants) {}

  private final List<String> members;
  /** The members not lost, in the order given. */
  private final List<String> live;
  private final long lookaheadNanos;
  private final long endNanos;
  private final TreeMap<String, Report> reports = new TreeMap<>();
  /**
   * Every barrier reported and not yet run, with its member: a barrier delivery is reported by its sender once, and
   * its receiver may not have it yet when it next reports. (One reported and then cancelled costs an empty window.)
   */
  private final TreeMap<EventKey, String> barriers = new TreeMap<>();
  private long window;
  private boolean ended;

  /**
   * @param members every member's name, the driver's included
   * @param lookaheadNanos the least delay of a message between members (the network's latency), above 0
   * @param endNanos the run's end: events up to and including it run
   */
  public WindowCoordinator(List<String> members, long lookaheadNanos, long endNanos) {
    if (members.isEmpty() || members.stream().distinct().count() != members.size()) {
      throw new IllegalArgumentException("the members must be named once each: " + members);
    }
    if (lookaheadNanos <= 0) {
      throw new IllegalArgumentException("the lookahead must be above 0 (a network latency), was " + lookaheadNanos);
    }
    if (endNanos < 0 || endNanos == Long.MAX_VALUE) {
      throw new IllegalArgumentException("the run's end must be a time, was " + endNanos);
    }
    this.members = List.copyOf(members);
    this.live = new java.util.ArrayList<>(members);
    this.lookaheadNanos = lookaheadNanos;
    this.endNanos = endNanos;
  }

  private boolean stopped;

  /**
   * The run is stopped from outside (launch's stop, Ctrl-C): the grants that answer the window's reports end it,
   * every member at the same boundary (before the next window's start), as one JVM's clock stops at one instant.
   */
  public void stop() {
    stopped = true;
  }

  /** The window the coordinator waits for reports of: 0 until every member has reported its setup. */
  public long window() {
    return window;
  }

  public boolean ended() {
    return ended;
  }

  /**
   * Takes a member's report of the current window. Returns each member's grant (by name) when it was the last
   * report of the window, else an empty map. A lost member's report is ignored (a member cut off by the network
   * may still report after the driver gave it up).
   *
   * @throws IllegalArgumentException for an unknown member, a report of another window, or a second report
   */
  public Map<String, Grant> report(Report r) {
    if (ended) {
      throw new IllegalArgumentException("the run has ended; " + r.member() + " reported window " + r.window());
    }
    if (!members.contains(r.member())) {
      throw new IllegalArgumentException("no member is called " + r.member() + "; the members are " + members);
    }
    if (!live.contains(r.member())) {
      return Map.of();
    }
    if (r.window() != window) {
      throw new IllegalArgumentException(r.member() + " reported window " + r.window() + " during window " + window);
    }
    for (String to : r.sentTo().keySet()) {
      if (!members.contains(to) || to.equals(r.member())) {
        throw new IllegalArgumentException(r.member() + " reports deliveries to " + to
            + ", which is not another member");
      }
    }
    if (reports.putIfAbsent(r.member(), r) != null) {
      throw new IllegalArgumentException(r.member() + " reported window " + window + " twice");
    }
    return reports.size() < live.size() ? Map.of() : grants();
  }

  /**
   * Member {@code member} is lost for good (its process died): the windows go on without it. What it sent in a
   * window whose report no grant has counted yet is dropped by every member (its report of the current window
   * too, if it made one: what it sent then may never arrive); what it sent before may have been lost on the way,
   * and no member waits for it any more. Its barriers are forgotten. Lost before its setup's report (window 0), its
   * last counted window is -1. Returns null when it was lost already or the run has ended.
   *
   * @throws IllegalArgumentException for the driver or an unknown member
   */
  public Loss lose(String member) {
    if (!members.contains(member) || member.equals(members.get(0))) {
      throw new IllegalArgumentException(member + " cannot be lost: the driver is " + members.get(0)
          + " and the members are " + members);
    }
    if (ended || !live.remove(member)) {
      return null;
    }
    long lastWindow = window - 1; // the grants of this window counted its report of the one before
    reports.remove(member);
    barriers.values().removeIf(member::equals);
    return new Loss(member, lastWindow, reports.size() < live.size() ? Map.of() : grants());
  }

  /** Every live member has reported the window: the next window's grants. */
  private Map<String, Grant> grants() {
    long start = Long.MAX_VALUE;
    for (Report each : reports.values()) {
      start = Math.min(start, Math.min(each.nextEventTime(), each.earliestSentTime()));
      each.barriers().forEach((m, key) -> {
        if (live.contains(m)) {
          barriers.put(key, m);
        }
      });
    }
    window++;
    ended = start > endNanos || stopped;
    // Stopped from outside: every member ends before the next start, having run everything before it.
    long horizon = start > endNanos ? endNanos + 1 : ended ? start : Math.min(start + lookaheadNanos, endNanos + 1);
    EventKey barrier = null;
    String barrierMember = null;
    if (!ended && !barriers.isEmpty() && barriers.firstKey().time() < horizon) {
      Map.Entry<EventKey, String> first = barriers.pollFirstEntry();
      barrier = first.getKey();
      barrierMember = first.getValue();
      horizon = barrier.time() + 1;
    }
    TreeMap<String, Grant> grants = new TreeMap<>();
    for (String m : live) {
      TreeMap<String, Long> from = new TreeMap<>();
      for (Report each : reports.values()) {
        if (!each.member().equals(m)) {
          from.put(each.member(), each.sentTo().getOrDefault(m, 0L));
        }
      }
      grants.put(m, new Grant(window, horizon, from, ended, barrier, barrier != null && m.equals(barrierMember)));
    }
    reports.clear();
    return grants;
  }
}
