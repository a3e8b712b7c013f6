package io.domsim.config;

import static io.domsim.config.ConfigAssertions.assertOnlyProblem;
import static io.domsim.config.ConfigAssertions.parse;
import static io.domsim.config.ConfigAssertions.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scenario's guest lifecycle (create, destroy, pause, unpause, shutdown) as the config reads and checks
 * it. The test reference.conf stands in for dom0's: a PV guest shuts down in 10 s, an HVM one in 20 s.
 */
class GuestLifecycleConfigTest {

  private static String cluster(String scenario) {
    return """
        domsim {
          nodes = [ { name = a, memory = 16GiB }, { name = b, memory = 16GiB } ]
          guests = [ { name = web, memory = 2GiB }, { name = win, type = hvm, memory = 2GiB, node = b } ]
          scenario = [
        %s
          ]
        }
        """.formatted(scenario);
  }

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void everyVerbIsReadAndACreatedGuestIsAGuestEntryOverTheDefaults() throws ConfigProblems {
    ClusterSpec spec = parse(cluster("""
            { at = 40s, action = destroy, guest = web }
            { at = 10s, action = pause, guest = web }
            { at = 20s, action = unpause, guest = web }
            { at = 5s, action = create, guest { name = batch, vcpus = 2, memory = 3GiB, workload.cpu = 0.9 } }
            { at = 30s, action = shutdown, guest = win }
            { at = 50s, action = create, guest { name = pinned, type = hvm, node = b } }
            { at = 60s, action = migrate, guest = batch, to = b }"""));
    List<ScenarioAction> a = spec.scenario();
    assertEquals(7, a.size());
    ScenarioAction.Create batch = (ScenarioAction.Create) a.get(0);
    assertEquals(s(5), batch.at());
    assertEquals("batch", batch.guest().name());
    assertEquals(GuestType.PV, batch.guest().type(), "from guest-defaults");
    assertEquals(2, batch.guest().vcpus());
    assertEquals(3L << 30, batch.guest().memoryBytes());
    assertEquals(0.9, batch.guest().workload().cpu());
    assertEquals(Optional.empty(), batch.guest().node(), "placed by the pool master");
    assertEquals(new ScenarioAction.GuestAction(s(10), GuestOp.PAUSE, "web"), a.get(1));
    assertEquals(new ScenarioAction.GuestAction(s(20), GuestOp.UNPAUSE, "web"), a.get(2));
    assertEquals(new ScenarioAction.GuestAction(s(30), GuestOp.SHUTDOWN, "win"), a.get(3));
    assertEquals(new ScenarioAction.GuestAction(s(40), GuestOp.DESTROY, "web"), a.get(4));
    assertEquals(Optional.of("b"), ((ScenarioAction.Create) a.get(5)).guest().node());
    assertEquals(Optional.of("batch"), a.get(6).guestName());
    assertEquals(2, spec.guests().size(), "a created guest is not a configured one");
  }

  @Test
  void aGuestActionIsNeverACreate() {
    assertThrows(IllegalArgumentException.class, () -> new ScenarioAction.GuestAction(s(1), GuestOp.CREATE, "x"));
  }

  @Test
  void anActionNamesAGuestThatExistsSomewhere() {
    assertOnlyProblem(cluster("{ at = 1s, action = pause, guest = wbe }"), "t.conf:5: domsim.scenario[0].guest: ",
        "no guest is named \"wbe\"; did you mean \"web\"?");
  }

  @Test
  void anActionBeforeItsGuestIsCreated() {
    assertOnlyProblem(cluster("""
            { at = 5s, action = destroy, guest = batch }
            { at = 9s, action = create, guest { name = batch } }"""), "t.conf:5: domsim.scenario[0].guest: ",
        "guest batch does not exist yet at 5s: the scenario creates it at 9s; move this action after its create");
  }

  @Test
  void anActionAfterItsGuestWasDestroyed() {
    assertOnlyProblem(cluster("""
            { at = 5s, action = destroy, guest = web }
            { at = 9s, action = migrate, guest = web, to = b }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "guest web no longer exists at 9s: it was destroyed at 5s; remove this action or move it before that");
  }

  @Test
  void aShutDownGuestIsGoneAfterItsTypesShutdownTime() throws ConfigProblems {
    // PV: 10 s. A destroy while it shuts down is allowed (it hurries it); one after it is gone is not.
    parse(cluster("""
            { at = 5s, action = shutdown, guest = web }
            { at = 14s, action = destroy, guest = web }"""));
    assertOnlyProblem(cluster("""
            { at = 5s, action = shutdown, guest = web }
            { at = 15s, action = destroy, guest = web }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "guest web no longer exists at 15s: it shut down at 15s (asked at 5s)");
    // HVM: 20 s.
    parse(cluster("""
            { at = 5s, action = shutdown, guest = win }
            { at = 24s, action = destroy, guest = win }"""));
    assertOnlyProblem(cluster("""
            { at = 5s, action = shutdown, guest = win }
            { at = 25s, action = destroy, guest = win }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "it shut down at 25s (asked at 5s)");
  }

  @Test
  void theShutdownTimeIsASetting() throws ConfigProblems {
    parse(cluster("""
            { at = 5s, action = shutdown, guest = web }
            { at = 50s, action = destroy, guest = web }"""), "dom0.guest-shutdown-time.pv=1m");
    assertOnlyProblem(cluster("{ at = 5s, action = shutdown, guest = web }"),
        "--set: domsim.dom0.guest-shutdown-time.pv: ", "a duration from 0 to 365d",
        "dom0.guest-shutdown-time.pv=-1s");
  }

  @Test
  void onlyADestroyAppliesWhileAGuestShutsDown() {
    assertOnlyProblem(cluster("""
            { at = 5s, action = shutdown, guest = web }
            { at = 6s, action = pause, guest = web }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "guest web is shutting down at 6s (asked at 5s, gone at 15s); only a destroy applies to it until then");
    assertOnlyProblem(cluster("""
            { at = 5s, action = shutdown, guest = web }
            { at = 6s, action = shutdown, guest = web }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "is shutting down at 6s");
    assertOnlyProblem(cluster("""
            { at = 5s, action = shutdown, guest = web }
            { at = 6s, action = migrate, guest = web, to = b }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "is shutting down at 6s");
  }

  @Test
  void aPauseOfAPausedGuest() {
    assertOnlyProblem(cluster("""
            { at = 5s, action = pause, guest = web }
            { at = 6s, action = pause, guest = web }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "guest web is paused at 6s (since 5s) already; remove this pause, or unpause it before");
  }

  @Test
  void anUnpauseOfARunningGuest() {
    assertOnlyProblem(cluster("{ at = 5s, action = unpause, guest = web }"), "t.conf:5: domsim.scenario[0].guest: ",
        "guest web is not paused at 5s; only a paused guest can be unpaused: remove this unpause, or pause it before");
    assertOnlyProblem(cluster("""
            { at = 5s, action = pause, guest = web }
            { at = 6s, action = unpause, guest = web }
            { at = 7s, action = unpause, guest = web }"""), "t.conf:7: domsim.scenario[2].guest: ",
        "guest web is not paused at 7s");
  }

  @Test
  void aShutdownOrAMigrationOfAPausedGuest() {
    assertOnlyProblem(cluster("""
            { at = 5s, action = pause, guest = web }
            { at = 6s, action = shutdown, guest = web }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "guest web is paused at 6s (since 5s) and cannot act on a shutdown request; unpause it first, or destroy it");
    assertOnlyProblem(cluster("""
            { at = 5s, action = pause, guest = web }
            { at = 6s, action = migrate, guest = web, to = b }"""), "t.conf:6: domsim.scenario[1].guest: ",
        "domsim migrates running guests only: unpause it first");
  }

  @Test
  void aPausedGuestMayBeDestroyed() throws ConfigProblems {
    parse(cluster("""
            { at = 5s, action = pause, guest = web }
            { at = 6s, action = destroy, guest = web }"""));
  }

  @Test
  void aCreatedNameIsNew() {
    assertOnlyProblem(cluster("{ at = 5s, action = create, guest { name = web } }"),
        "t.conf:5: domsim.scenario[0].guest.name: ", "\"web\" is already the name of a configured guest; a created"
            + " guest needs a name no guest has had (even one that is gone): use another name");
    assertOnlyProblem(cluster("""
            { at = 5s, action = create, guest { name = batch } }
            { at = 6s, action = destroy, guest = batch }
            { at = 7s, action = create, guest { name = batch } }"""), "t.conf:7: domsim.scenario[2].guest.name: ",
        "\"batch\" is already the name of a guest created at 5s");
  }

  @Test
  void aCreatedGuestIsCheckedAsAConfiguredOne() {
    assertOnlyProblem(cluster("{ at = 5s, action = create, guest { name = big, memory = 64GiB } }"),
        "t.conf:5: domsim.scenario[0].guest.memory: ", "64GiB does not fit on any node");
    assertOnlyProblem(cluster("{ at = 5s, action = create, guest { name = x, node = c } }"),
        "t.conf:5: domsim.scenario[0].guest.node: ", "no node is named \"c\"");
    assertOnlyProblem(cluster("{ at = 5s, action = create, guest { memory = 1GiB } }"),
        "t.conf:5: domsim.scenario[0].guest.name: ", "");
    assertOnlyProblem(cluster("{ at = 5s, action = create, guest { name = x, vcpu = 2 } }"),
        "t.conf:5: domsim.scenario[0].guest.vcpu: ", "unknown key; did you mean \"vcpus\"?");
    assertOnlyProblem(cluster("{ at = 5s, action = create }"), "t.conf:5: domsim.scenario[0].guest: ", "");
    assertOnlyProblem(cluster("{ at = 5s, action = create, guest = web }"), "t.conf:5: domsim.scenario[0].guest: ",
        "is not an object");
  }

  @Test
  void aGuestVerbTakesOnlyAGuest() {
    assertOnlyProblem(cluster("{ at = 5s, action = pause, guest = web, node = a }"),
        "t.conf:5: domsim.scenario[0].node: ", "unknown key");
  }

  @Test
  void everyProblemOfTheTimelineIsReportedAtOnce() {
    List<String> found = problems(cluster("""
            { at = 1s, action = unpause, guest = web }
            { at = 2s, action = destroy, guest = win }
            { at = 3s, action = pause, guest = win }"""));
    assertEquals(2, found.size(), () -> String.join("\n", found));
    assertTrue(found.get(1).contains("no longer exists at 3s"), found::toString);
  }
}
