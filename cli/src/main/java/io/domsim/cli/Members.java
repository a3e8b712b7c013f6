package io.domsim.cli;

import io.domsim.config.ClusterSpec;
import io.domsim.config.MemberSpec;
import io.domsim.config.MembersSpec;
import io.domsim.node.ClusterRun;
import io.domsim.node.members.MemberAkka;
import io.domsim.node.members.MemberWatch;
import io.domsim.node.members.Membership;
import io.domsim.node.members.MembersMissing;
import io.domsim.node.members.ServingMember;
import io.domsim.node.members.StartBarrier;
import io.domsim.node.series.SeriesSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintWriter;

/**
 * {@code --member NAME} of {@code run} and {@code launch}: which member of {@code domsim.cluster.members} this
 * process is. The first listed drives the run (RunCommand goes on as for one JVM, waiting for the others
 * before the clock moves); any other serves here until the driver leaves.
 */
final class Members {

  private Members() {}

  /**
   * The member this process is: null for a run in one JVM (no members and no --member).
   *
   * @throws RunCommand.BadInput when --member and the configuration disagree
   */
  static MemberSpec choose(ClusterSpec cluster, String member) throws RunCommand.BadInput {
    MembersSpec members = cluster.members();
    if (members.isEmpty()) {
      if (member != null) {
        throw new RunCommand.BadInput("--member " + member + " names a member, but " + cluster.source()
            + " lists no domsim.cluster.members; remove --member to run in this JVM, or list the members.");
      }
      return null;
    }
    if (member == null) {
      throw new RunCommand.BadInput(cluster.source() + " spreads the run over " + members.members().size()
          + " members (domsim.cluster.members: " + String.join(", ", members.names()) + "); start one process"
          + " per member with --member NAME, " + members.driver().name() + " first (it drives the run).");
    }
    return members.member(member).orElseThrow(() -> new RunCommand.BadInput("--member " + member + " is not"
        + " one of the members of " + cluster.source() + " (" + String.join(", ", members.names())
        + "); use one of those names."));
  }

  /** Whether {@code me} drives the run. */
  static boolean drives(ClusterSpec cluster, MemberSpec me) {
    return me.equals(cluster.members().driver());
  }

  /**
   * Serves {@code registry} on member {@code me}'s metrics port ({@link io.domsim.config.MembersSpec#metricsPort});
   * the sentence of a port that cannot be bound names where that port is set.
   */
  static MetricsServer startMetrics(ClusterSpec cluster, MemberSpec me,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry) throws RunCommand.BadInput {
    var endpoint = cluster.metrics().prometheus();
    return RunCommand.startMetrics(endpoint.host(), cluster.members().metricsPort(me, endpoint.port()), registry,
        "the member's metrics-port in domsim.cluster.members (by default metrics.prometheus.port + its place in the"
        + " list)");
  }

  /**
   * A serving member's whole life: join, wait, end; its exit code. With metrics.prometheus.enabled it serves its
   * own nodes' meters meanwhile, on its metrics port ({@link io.domsim.config.MembersSpec#metricsPort}).
   */
  static int serve(ClusterSpec cluster, MemberSpec me, PrintWriter err) throws InterruptedException {
    var endpoint = cluster.metrics().prometheus();
    if (!endpoint.enabled()) {
      return serve(cluster, me, null, err);
    }
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    MetricsServer metrics;
    try {
      metrics = startMetrics(cluster, me, registry);
    } catch (RunCommand.BadInput e) {
      registry.close();
      err.println("domsim: " + e.getMessage());
      err.flush();
      return Main.BAD_INPUT;
    }
    try (metrics) {
      err.println("domsim: " + me.name() + " serves its nodes' Prometheus metrics at http://"
          + HttpService.authority(endpoint.host(), metrics.port()) + "/metrics");
      err.flush();
      return serve(cluster, me, registry, err);
    } finally {
      registry.close();
    }
  }

  private static int serve(ClusterSpec cluster, MemberSpec me, MeterRegistry registry, PrintWriter err)
      throws InterruptedException {
    try {
      java.util.function.Consumer<String> say = line -> {
        err.println("domsim: " + line);
        err.flush();
      };
      ServingMember.Outcome outcome = ServingMember.host(cluster, me, registry, say);
      if (outcome == ServingMember.Outcome.FAILED) {
        err.println("domsim: " + me.name() + "'s part of the run failed (above); the driving member ends the run"
            + " with that failure.");
        return Main.INTERNAL_FAILURE;
      }
      if (outcome == ServingMember.Outcome.DRIVER_LOST) {
        err.println("domsim: the driving member " + cluster.members().driver().name() + " at "
            + cluster.members().driver().address() + " has been unreachable for "
            + ServingMember.DRIVER_GONE.toSeconds() + " s (its process died, or the network between the members"
            + " is down); the run is lost, and " + me.name() + " ends.");
        return Main.INTERNAL_FAILURE;
      }
      return Main.OK;
    } catch (MembersMissing e) {
      err.println("domsim: " + e.getMessage() + ".");
      return Main.BAD_INPUT;
    } catch (RuntimeException e) {
      String bind = cannotListen(e, me);
      if (bind == null) {
        throw e;
      }
      err.println("domsim: " + bind);
      return Main.BAD_INPUT;
    } finally {
      err.flush();
    }
  }


  /** The driving member's run: as in one JVM, on Akka Cluster, the clock held until every member is up. */
  static ClusterRun startDriving(ClusterSpec cluster, MemberSpec me, MeterRegistry registry, SeriesSink series,
      PrintWriter err) throws InterruptedException, MembersMissing, CannotListen {
    MembersSpec members = cluster.members();
    err.println("domsim: " + me.name() + " listens at " + me.address() + " and drives the run; waiting up to "
        + members.joinTimeout().toSeconds() + " s for " + String.join(", ", members.names().subList(1,
        members.names().size())) + " to join");
    err.flush();
    try {
      java.util.concurrent.atomic.AtomicReference<akka.actor.typed.ActorSystem<Void>> akka =
          new java.util.concurrent.atomic.AtomicReference<>();
      ClusterRun.StartGate gate = system -> {
        StartBarrier.await(new Membership(system, members), members.joinTimeout(), cluster.source());
        akka.set(system);
        err.println("domsim: every member is up; the run starts (each member hosts its nodes)");
        err.flush();
      };
      // The watch starts as soon as the run exists: over hosting members a member lost during the setup then ends it.
      java.util.function.Consumer<ClusterRun> watch = run -> run.endWith(MemberWatch.start(akka.get(), members,
          (member, nodes) -> memberLost(run, members, member, nodes, err)));
      ClusterRun run = ClusterRun.startOverMembers(cluster, registry, series, MemberAkka.config(members, me), gate,
          watch);
      err.println("domsim: every member's nodes are up; the windows begin");
      err.flush();
      return run;
    } catch (RuntimeException e) {
      String bind = cannotListen(e, me);
      if (bind == null) {
        throw e;
      }
      throw new CannotListen(bind);
    }
  }

  /**
   * A serving member is lost (issue 12 item 4): its nodes lived in its process; they fail at the end of the first
   * window that leaves it out, what it did after the last window its report counted in never happened, and the run
   * goes on (docs/architecture.md, "Members": End and failure).
   */
  private static void memberLost(ClusterRun run, MembersSpec members, String member, java.util.List<String> nodes,
      PrintWriter err) {
    String address = members.member(member).map(MemberSpec::address).orElse("?");
    String why = "unreachable for " + MemberWatch.MEMBER_GONE.toSeconds() + " s or left (its process died, or the"
        + " network between the members is down)";
    err.println("domsim: member " + member + " at " + address + " is " + why + ": " + (nodes.isEmpty()
        ? "it hosted no node" : "its nodes " + String.join(", ", nodes)
        + " fail at the next window boundary, if the run has not ended by then")
        + "; the run goes on.");
    err.flush();
    run.memberLost(member, why);
  }

  /** This member's address cannot be bound: the sentence that says so. */
  static final class CannotListen extends Exception {
    private static final long serialVersionUID = 1L;

    CannotListen(String sentence) {
      super(sentence, null, false, false);
    }
  }

  /** The sentence for a member whose address cannot be bound, or null when {@code e} is something else. */
  static String cannotListen(Throwable e, MemberSpec me) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException || t instanceof java.net.UnknownHostException) {
        return "member " + me.name() + " cannot listen at " + me.address() + " (" + t.getMessage() + "); free that"
            + " port, or give " + me.name() + " a free port and an address of this machine in"
            + " domsim.cluster.members.";
      }
    }
    return null;
  }
}
