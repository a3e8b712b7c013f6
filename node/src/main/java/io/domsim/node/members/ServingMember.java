package io.domsim.node.members;

import akka.actor.typed.ActorSystem;
import io.domsim.config.MemberSpec;
import io.domsim.config.MembersSpec;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.window.WindowLink;
import io.domsim.kernel.window.WindowedMember;
import io.domsim.node.MemberHost;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A member that does not drive the run: it joins the driver, serves until the driver leaves at the end of
 * the run (or is unreachable for {@link #DRIVER_GONE}: killed), then leaves and ends.
 *
 * <p>It hosts its share of the nodes ({@link #host}), on either clock.
 */
public final class ServingMember {

  /** How a serving member's part ended. */
  public enum Outcome {
    /** The driver left the cluster: the run ended. */
    ENDED,
    /** The driver has been unreachable for longer than {@link #DRIVER_GONE}. */
    DRIVER_LOST,
    /** This member's simulation failed (the driver was told, and ends the run with the failure). */
    FAILED
  }

  /** How long the driver may be unreachable before a serving member gives the run up (wall time). */
  public static final Duration DRIVER_GONE = Duration.ofSeconds(10);

  private static final long POLL_MILLIS = 50;

  private ServingMember() {}

  /**
   * Joins, hosts this member's share of the nodes of {@code spec} (docs/architecture.md, "Members": a {@link
   * MemberHost} as the root of its own kernel, its side of the window protocol at {@code /system/window-link}),
   * runs the windows the driver grants, and ends when the driver leaves.
   *
   * @param say one line for the user at each step (and the failure, if this member's simulation fails)
   */
  public static Outcome host(io.domsim.config.ClusterSpec spec, MemberSpec me, Consumer<String> say)
      throws MembersMissing, InterruptedException {
    return host(spec, me, null, say);
  }

  /** As the other, its nodes' meters in {@code registry} (null: none), which the caller serves to Prometheus. */
  public static Outcome host(io.domsim.config.ClusterSpec spec, MemberSpec me,
      io.micrometer.core.instrument.MeterRegistry registry, Consumer<String> say)
      throws MembersMissing, InterruptedException {
    MembersSpec members = spec.members();
    String driver = members.driver().name();
    SimKernel kernel = io.domsim.node.ClusterRun.memberKernel(spec);
    WindowLink.Links links = new WindowLink.Links();
    WindowedMember member = new WindowedMember(me.name(), kernel, links);
    java.util.concurrent.CompletableFuture<akka.actor.typed.ActorRef<MemberHost.Command>> started =
        new java.util.concurrent.CompletableFuture<>();
    ActorSystem<Void> system = kernel.startSystem(MemberAkka.SYSTEM, MemberHost.create(kernel, spec, me.name(), driver,
        members.names(), members.memberOfNode(), member, registry, started), MemberAkka.config(members, me));
    akka.actor.typed.ActorRef<WindowLink.Command> own = system.systemActorOf(WindowLink.create(member, null, links),
        MemberAkka.WINDOW_LINK, akka.actor.typed.Props.empty());
    links.set(system, MemberAkka.windowLinks(system, members, me, own), driver);
    java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
    kernel.whenFailed().thenAccept(f -> {
      failure.set(f.describe());
      say.accept(me.name() + "'s simulation failed: " + f.describe());
      links.failed(me.name(), f.describe());
    });
    Outcome o = live(system, members, me, spec.source(), say);
    return failure.get() != null ? Outcome.FAILED : o;
  }

  /** Joins the driver with {@code system} and waits for the end. */
  private static Outcome live(ActorSystem<Void> system, MembersSpec members, MemberSpec me, String config,
      Consumer<String> say) throws MembersMissing, InterruptedException {
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
              + " ends (" + ProcessCost.describe() + ")");
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
