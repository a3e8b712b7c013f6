package io.domsim.hypervisor;

import static io.domsim.hypervisor.DomainState.PAUSED;
import static io.domsim.hypervisor.DomainState.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.domsim.hypervisor.ObservationLog.Entry;
import io.domsim.hypervisor.ObservationLog.Verdict;
import io.domsim.kernel.EventKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Per-member monitors merged at the end give one monitor's verdict: a stream recorded as one JVM records it
 * (facts stamped with their events' keys), split by node into the logs members would keep, merged and replayed,
 * holds or breaks as the live monitor did, with the same violation; and every split merges to the same stream.
 */
class ObservationLogTest {
  private static final long S = 1_000_000_000L;

  /** One JVM's run as its monitor sees it: the test moves the current event, the "actors" call the monitor. */
  private static final class Run {
    EventKey event = EventKey.startOf(0);
    final ObservationLog log = new ObservationLog(() -> event);
    final InvariantMonitor live = new InvariantMonitor(log);
    InvariantMonitor.Violation violation;

    void at(long time, String entity, long seq) {
      event = new EventKey(time, entity, seq);
    }

    /** The live verdict: what the run would have ended with. */
    Verdict verdict() {
      return new Verdict(live.checks(), violation);
    }

    /** Runs a change the way an actor does: a violation ends the run, and nothing after it happens. */
    void run(Runnable change) {
      if (violation == null) {
        try {
          change.run();
        } catch (InvariantMonitor.Violation v) {
          violation = v;
        }
      }
    }
  }

  /** Two migrations, PV-like and HVM-like, a node failure in the middle of one, a guest's end, a reboot. */
  private static Run protocolRun() {
    Run r = new Run();
    InvariantMonitor m = r.live;
    r.at(0, "", 0); // boot: every node's facts at the instant's start
    for (String n : List.of("a", "b", "c")) {
      m.nodeBooted(n);
    }
    r.at(S, "scenario", 0);
    m.domainState("a", "g1", RUNNING, S);
    m.memory("a", 3 * S, 16 * S, S);
    m.domainState("b", "g2", RUNNING, S);
    m.domainState("c", "g3", RUNNING, S);
    // m1: g1 from a to b, completed.
    r.at(10 * S, "scenario", 1);
    m.migrationStarted("m1", "g1", "a", "b", 10 * S);
    r.at(10 * S + 50, "dom0-a", 4); // prepare arrives at b
    m.domainState("b", "g1", PAUSED, 10 * S + 50);
    m.memory("b", 5 * S, 16 * S, 10 * S + 50);
    r.at(12 * S, "dom0-a", 9);
    m.domainState("a", "g1", PAUSED, 12 * S);
    m.goSent("a", "m1");
    m.pagesMissingAtHandover("a", "m1", "g1", 0, 12 * S);
    r.at(12 * S + 50, "dom0-a", 10); // GO arrives at b
    m.domainState("b", "g1", RUNNING, 12 * S + 50);
    m.targetEnded("b", "m1");
    r.at(12 * S + 100, "dom0-b", 7); // the acknowledgement arrives at a
    m.domainDestroyed("a", "g1");
    m.memory("a", 2 * S, 16 * S, 12 * S + 100);
    m.sourceEnded("a", "m1");
    // m2: g2 from b to c; c fails before GO. The operator's failure of c is one event whose cascade reaches
    // both nodes (c halts; the fabric breaks b's stream, b resumes g2): one JVM records c's fact first here,
    // not in node order.
    r.at(20 * S, "scenario", 2);
    m.migrationStarted("m2", "g2", "b", "c", 20 * S);
    r.at(20 * S + 50, "dom0-b", 12);
    m.domainState("c", "g2", PAUSED, 20 * S + 50);
    r.at(21 * S, "dom0-b", 13);
    m.domainState("b", "g2", PAUSED, 21 * S);
    r.at(22 * S, "scenario", 3);
    m.nodeHalted("c");
    m.sourceEnded("b", "m2");
    m.domainState("b", "g2", RUNNING, 22 * S);
    // g1's end, and c back, empty.
    r.at(30 * S, "scenario", 4);
    m.domainState("b", "g1", PAUSED, 30 * S);
    m.guestEnded("b", "g1", 30 * S);
    r.at(40 * S, "scenario", 5);
    m.nodeBooted("c");
    return r;
  }

  /** The nodes' logs as members keep them: each part records the facts of its nodes, in the order seen. */
  private static List<List<Entry>> split(List<Entry> recorded, List<Set<String>> members) {
    List<List<Entry>> parts = new ArrayList<>();
    for (Set<String> nodes : members) {
      parts.add(recorded.stream().filter(e -> nodes.contains(e.observation().node())).toList());
    }
    return parts;
  }

  private static final List<List<Set<String>>> SPLITS = List.of(
      List.of(Set.of("a", "b", "c")),
      List.of(Set.of("a"), Set.of("b"), Set.of("c")),
      List.of(Set.of("c", "a"), Set.of("b")),
      List.of(Set.of("b"), Set.of("a", "c")));

  private static void assertSameVerdict(Verdict expected, Verdict actual) {
    assertEquals(expected.checks(), actual.checks(), actual.describe());
    assertEquals(expected.holds(), actual.holds(), actual.describe());
    if (!expected.holds()) {
      assertEquals(expected.violation().invariant(), actual.violation().invariant());
      assertEquals(expected.violation().subject(), actual.violation().subject());
      assertEquals(expected.violation().atNanos(), actual.violation().atNanos());
      assertEquals(expected.violation().getMessage(), actual.violation().getMessage());
    }
  }

  @Test
  void aRunThatHoldsHoldsWhenItsNodesLogsAreMerged() {
    Run r = protocolRun();
    List<Entry> recorded = r.log.entries();
    assertEquals(r.live.checks(), recorded.size(), "every check is recorded");
    assertTrue(r.verdict().holds());
    List<Entry> once = ObservationLog.merge(split(recorded, SPLITS.get(0)));
    assertNotEquals(recorded, once, "the failure's event is merged in node order, not as one JVM saw it");
    for (List<Set<String>> members : SPLITS) {
      List<Entry> merged = ObservationLog.merge(split(recorded, members));
      assertEquals(once, merged, "every split merges to the same stream: " + members);
      assertSameVerdict(r.verdict(), ObservationLog.replay(merged));
    }
  }

  /** A destination unpaused before GO: the live monitor's violation, found again after the merge. */
  @Test
  void aViolationIsFoundAgainAfterTheMerge() {
    Run r = protocolRun();
    InvariantMonitor m = r.live;
    r.at(50 * S, "scenario", 6);
    r.run(() -> m.migrationStarted("m3", "g2", "b", "a", 50 * S));
    r.at(50 * S + 50, "dom0-b", 20);
    r.run(() -> m.domainState("a", "g2", PAUSED, 50 * S + 50));
    r.at(51 * S, "dom0-b", 21);
    r.run(() -> m.domainState("b", "g2", PAUSED, 51 * S));
    r.at(51 * S + 10, "dom0-a", 30); // a unpauses its copy on its own: the source has not sent GO
    r.run(() -> m.domainState("a", "g2", RUNNING, 51 * S + 10));
    r.run(() -> m.domainState("a", "g3", RUNNING, 51 * S + 20)); // never happens: the run has ended
    assertNotNull(r.violation);
    assertEquals(InvariantMonitor.Invariant.NO_UNPAUSE_BEFORE_GO, r.violation.invariant());
    for (List<Set<String>> members : SPLITS) {
      assertSameVerdict(r.verdict(), ObservationLog.replay(ObservationLog.merge(split(r.log.entries(), members))));
    }
  }

  /**
   * A guest on two nodes run by two members: neither member's facts alone break anything (each sees one copy),
   * which is why members record and the driver judges; merged, the replay finds the second copy at its event.
   */
  @Test
  void aGuestRunningTwiceAcrossMembersIsFoundOnlyByTheMerge() {
    Run r = protocolRun();
    r.at(60 * S, "dom0-c", 40); // c starts g2 while b runs it
    r.run(() -> r.live.domainState("c", "g2", RUNNING, 60 * S));
    assertEquals(InvariantMonitor.Invariant.ONE_RUNNING_COPY, r.violation.invariant());
    List<List<Entry>> parts = split(r.log.entries(), List.of(Set.of("a", "b"), Set.of("c")));
    for (List<Entry> part : parts) {
      assertTrue(ObservationLog.replay(part).holds(), "one member's facts alone");
    }
    Verdict merged = ObservationLog.replay(ObservationLog.merge(parts));
    assertSameVerdict(r.verdict(), merged);
    assertTrue(merged.describe().contains("guest g2 runs on b and c at once"), merged.describe());
  }

  @Test
  void aNodesFactsComeFromOneLog() {
    List<Entry> recorded = protocolRun().log.entries();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ObservationLog.merge(List.of(recorded, recorded.subList(0, 1))));
    assertTrue(e.getMessage().contains("node a has facts in two logs"), e.getMessage());
  }

  /** A replay stops at the first violation, as the run does; the facts after it are not checked. */
  @Test
  void aReplayStopsAtTheFirstViolation() {
    List<Entry> stream = List.of(
        new Entry(new EventKey(1, "x", 0), 0, new Observation.Memory("a", 2, 1, 1)),
        new Entry(new EventKey(2, "x", 1), 1, new Observation.Memory("a", 3, 1, 2)));
    Verdict v = ObservationLog.replay(stream);
    assertFalse(v.holds());
    assertEquals(1, v.checks());
    assertEquals(1, v.violation().atNanos());
  }
}
