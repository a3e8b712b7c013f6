package io.domsim.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Follows each guest along the scenario's timeline, as the actions would leave it if each succeeded, and reports
 * every action that could not: one on a guest that does not exist at that instant (created later, destroyed
 * or shut down before), a pause of a paused guest, an unpause of one that is not paused, a shutdown of a paused
 * guest (it cannot act on the request), anything but a destroy while a guest shuts down, a migration of a paused
 * guest, and a create whose name a guest has already had. What only the run knows (where a guest runs, whether
 * its node is up, whether it is migrating) the run refuses, in report.json.
 */
final class GuestTimeline {

  private enum Life { RUNNING, PAUSED, SHUTTING_DOWN, GONE }

  /** A guest as the timeline has left it: since when, and for a guest shutting down when it is gone. */
  private static final class State {
    final GuestType type;
    final String origin;
    Life life = Life.RUNNING;
    Duration since;
    Duration goneAt;
    String gone;

    State(GuestType type, Duration since, String origin) {
      this.type = type;
      this.since = since;
      this.origin = origin;
    }
  }

  private GuestTimeline() {}

  /** @return true when every action of {@code timeline} (sorted by time) can be carried out */
  static boolean check(List<ScenarioReader.Read> timeline, ScenarioReader.Guests guests) {
    Map<String, State> states = new TreeMap<>();
    for (String name : guests.names()) {
      states.put(name, new State(guests.types().get(name), Duration.ZERO, "a configured guest"));
    }
    Map<String, Duration> createdAt = new TreeMap<>();
    for (ScenarioReader.Read r : timeline) {
      if (r.action() instanceof ScenarioAction.Create c) {
        createdAt.putIfAbsent(c.guest().name(), c.at());
      }
    }
    boolean ok = true;
    for (ScenarioReader.Read r : timeline) {
      ScenarioAction a = r.action();
      if (a instanceof ScenarioAction.Create c) {
        ok &= create(r, c, states, guests);
        continue;
      }
      Optional<String> name = a.guestName();
      if (name.isEmpty()) {
        continue;
      }
      State s = states.get(name.get());
      String problem = s == null
          ? "guest " + name.get() + " does not exist yet at " + time(a.at()) + ": the scenario creates it at "
              + time(createdAt.get(name.get())) + "; move this action after its create"
          : problem(name.get(), a, s, guests);
      if (problem != null) {
        r.entry().report(r.entry().field("guest"), problem);
        ok = false;
      }
    }
    return ok;
  }

  private static boolean create(ScenarioReader.Read r, ScenarioAction.Create c, Map<String, State> states,
      ScenarioReader.Guests guests) {
    String name = c.guest().name();
    State taken = states.get(name);
    if (taken == null) {
      states.put(name, new State(c.guest().type(), c.at(), "a guest created at " + time(c.at())));
      return true;
    }
    Section guest = r.entry().section("guest");
    guest.report(guest.field("name"), com.typesafe.config.ConfigUtil.quoteString(name) + " is already the name of " + taken.origin
        + "; a created guest needs a name no guest has had (even one that is gone): use another name");
    return false;
  }

  /** Why {@code a} cannot apply to the guest in state {@code s} (then unchanged), or null (then applied). */
  private static String problem(String guest, ScenarioAction a, State s, ScenarioReader.Guests guests) {
    Duration at = a.at();
    if (s.life == Life.SHUTTING_DOWN && at.compareTo(s.goneAt) >= 0) {
      s.life = Life.GONE;
      s.gone = "it shut down at " + time(s.goneAt) + " (asked at " + time(s.since) + ")";
    }
    String when = " at " + time(at);
    if (s.life == Life.GONE) {
      return "guest " + guest + " no longer exists" + when + ": " + s.gone + "; remove this action or move it"
          + " before that";
    }
    GuestOp op = a instanceof ScenarioAction.GuestAction g ? g.op() : null;
    if (s.life == Life.SHUTTING_DOWN && op != GuestOp.DESTROY) {
      return "guest " + guest + " is shutting down" + when + " (asked at " + time(s.since) + ", gone at "
          + time(s.goneAt) + "); only a destroy applies to it until then";
    }
    String paused = "guest " + guest + " is paused" + when + " (since " + time(s.since) + ")";
    if (op == null) { // a migration
      return s.life == Life.PAUSED ? paused + "; domsim migrates running guests only: unpause it first" : null;
    }
    switch (op) {
      case PAUSE -> {
        if (s.life == Life.PAUSED) {
          return paused + " already; remove this pause, or unpause it before";
        }
        s.life = Life.PAUSED;
      }
      case UNPAUSE -> {
        if (s.life != Life.PAUSED) {
          return "guest " + guest + " is not paused" + when + "; only a paused guest can be unpaused: remove this"
              + " unpause, or pause it before";
        }
        s.life = Life.RUNNING;
      }
      case SHUTDOWN -> {
        if (s.life == Life.PAUSED) {
          return paused + " and cannot act on a shutdown request; unpause it first, or destroy it";
        }
        s.life = Life.SHUTTING_DOWN;
        s.goneAt = at.plus(s.type == null ? Duration.ZERO : guests.shutdownTime().apply(s.type));
      }
      case DESTROY -> {
        s.life = Life.GONE;
        s.gone = "it was destroyed at " + time(at);
      }
      default -> throw new AssertionError(op);
    }
    s.since = at;
    return null;
  }

  private static String time(Duration d) {
    return Units.formatDuration(d);
  }
}
