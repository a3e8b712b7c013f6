package io.domsim.node.members;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.MemberSpec;
import io.domsim.config.MembersSpec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A member that does not drive the run: it joins the driver, serves until the driver leaves at the end of
 * the run (or is unreachable for {@link #DRIVER_GONE}: killed), then leaves and ends.
 *
 * <p>It hosts no simulated node yet: until the time protocol across members is built (docs/architecture.md,
 * "Members"), the driving member runs every node itself.
 */
public final class ServingMember {

  /** How a serving member's part ended. */
  public enum Outcome {
    /** The driver left the cluster: the run ended. */
    ENDED,
    /** The driver has been unreachable for longer than {@link #DRIVER_GONE}. */
    DRIVER_LOST
  }

  /** How long the driver may be unreachable before a serving member gives the run up (wall time). */
  public static final Duration DRIVER_GONE = Duration.ofSeconds(10);

  private static final long POLL_MILLIS = 50;

  private ServingMember() {}

  /**
   * Joins, waits for the others and for the end.
   *
   * @param say one line for the user at each step
   * @throws MembersMissing when it has not joined the driver within the join timeout
   */
  public static Outcome serve(MembersSpec members, MemberSpec me, String config, Consumer<String> say)
      throws MembersMissing, InterruptedException {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), MemberAkka.SYSTEM,
        MemberAkka.config(members, me).withFallback(ConfigFactory.load()));
    try {
      Membership membership = new Membership(system, members);
      String driver = members.driver().name();
      say.accept(me.name() + " listens at " + me.address() + " and joins " + driver + " at "
          + members.driver().address());
      // Joined is enough here: the driver's barrier decides when the run starts. The driver is in this member's
      // view of the cluster once it has welcomed this member (it may be killed before this member learns that
      // it is up itself).
      long deadline = System.nanoTime() + members.joinTimeout().toNanos();
      boolean joined = false;
      long unreachableSince = -1;
      while (true) {
        boolean present = membership.present(driver);
        if (!joined && present) {
          joined = true;
          say.accept(me.name() + " joined; " + driver + " runs the simulation once every member is up");
        }
        if (!joined && System.nanoTime() - deadline >= 0) {
          throw new MembersMissing(java.util.List.of(driver), members.joinTimeout(), config,
              me.name() + " could not join " + driver + " at " + members.driver().address());
        }
        if (joined && !present) {
          say.accept(driver + " has left (the run is over, or it gave up: its terminal says which); " + me.name()
              + " ends");
          return Outcome.ENDED;
        }
        if (joined && membership.unreachable(driver)) {
          long now = System.nanoTime();
          unreachableSince = unreachableSince < 0 ? now : unreachableSince;
          if (now - unreachableSince >= DRIVER_GONE.toNanos()) {
            return Outcome.DRIVER_LOST;
          }
        } else {
          unreachableSince = -1;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } finally {
      system.terminate(); // leaves the cluster first (Akka's coordinated shutdown)
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // ending anyway
      }
    }
  }
}
