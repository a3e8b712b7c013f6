package io.domsim.node;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.AskPattern;
import com.typesafe.config.ConfigFactory;
import io.domsim.config.ClusterSpec;
import io.domsim.config.NodeSpec;
import io.domsim.hypervisor.InvariantMonitor;
import io.domsim.hypervisor.ObservationLog;
import io.domsim.kernel.ClockKind;
import io.domsim.kernel.SimEntity;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.SimTime;
import io.domsim.kernel.window.InProcessTransport;
import io.domsim.kernel.window.WindowedMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A run spread over three members in one process (each its own kernel and thread, the window protocol by direct
 * calls: {@link InProcessTransport}) gives the report of the same run in one JVM: the nodes boot on their members
 * and report in to the driver's cluster, the pool master places guests over the network across members, and the
 * operator's scenario (switching nodes off and on, lifecycle verbs, a create, a partition, message faults, a node's
 * failure and recovery) reaches nodes on other members at its barriers, while their reports reach it one latency
 * later. No migrations yet: the fabric is not replicated across members.
 */
@Timeout(120)
class ClusterOverMembersTest {
  static final List<String> MEMBERS = List.of("m1", "m2", "m3");

  static final String CONFIG = """
      domsim {
        simulation { duration = 90s, seed = 11, sample-interval = 1s }
        node-defaults {
          cpu { cores = 8, ghz = 2.5 }
          memory = 32GiB
          power { shutdown-time = 2s, boot-time = 5s }
        }
        nodes = [ { name = n1 }, { name = n2 }, { name = n3 }, { name = n4 }, { name = n5 }, { name = n6 } ]
        guests = [
          { name = pinned-pv, type = pv, vcpus = 2, memory = 4GiB, node = n2 }
          { name = pinned-hvm, type = hvm, vcpus = 2, memory = 4GiB, node = n3 }
          { name = web, type = pv, vcpus = 2, memory = 4GiB }
          { name = db, type = hvm, vcpus = 4, memory = 8GiB }
          { name = cache, type = pv, vcpus = 1, memory = 2GiB }
          { name = batch, type = hvm, vcpus = 2, memory = 6GiB }
        ]
        scenario = [
          { at = 5s, action = power-off, node = n6 }
          { at = 8s, action = pause, guest = web }
          { at = 12s, action = unpause, guest = web }
          { at = 15s, action = partition, node = n4, duration = 6s }
          { at = 20s, action = network-faults, loss = 0.05 }
          { at = 25s, action = create, guest { name = late, type = pv, vcpus = 1, memory = 2GiB } }
          { at = 30s, action = fail, node = n5 }
          { at = 40s, action = shutdown, guest = cache }
          { at = 45s, action = power-on, node = n6 }
          { at = 50s, action = recover, node = n5 }
          { at = 60s, action = destroy, guest = batch }
          { at = 70s, action = network-faults, loss = 0 }
        ]
      }
      """;

  static ClusterSpec spec() throws Exception {
    return spec(CONFIG);
  }

  static ClusterSpec spec(String config) throws Exception {
    return io.domsim.config.ClusterConfigLoader.parse(config, "members.conf", List.of(), Plugins.onClassPath());
  }

  /** Node i to member i mod 3, as the configuration's round-robin puts unpinned nodes. */
  static TreeMap<String, String> memberOfNode(ClusterSpec spec) {
    TreeMap<String, String> placement = new TreeMap<>();
    List<NodeSpec> nodes = spec.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      placement.put(nodes.get(i).name(), MEMBERS.get(i % MEMBERS.size()));
    }
    return placement;
  }

  /** A run's result and the verdict of its invariant monitor (over members: the members' logs merged). */
  record Outcome(RunResult result, ObservationLog.Verdict verdict) {}

  /** The run in one JVM, its monitor recording. */
  static Outcome oneJvm(ClusterSpec spec) throws Exception {
    ObservationLog[] log = new ObservationLog[1];
    try (ClusterRun run = ClusterRun.start(spec, null, null, ConfigFactory.empty(), system -> { }, kernel -> {
      log[0] = ObservationLog.of(kernel);
      return new InvariantMonitor(log[0]);
    })) {
      RunResult r = run.awaitEnd(t -> { });
      return new Outcome(r, ObservationLog.replay(log[0].entries()));
    }
  }

  /** The run over three members; returns its result with the events every member fired, as one JVM counts them. */
  static Outcome overMembers(ClusterSpec spec) throws Exception {
    return overMembers(spec, false);
  }

  /** With {@code lateToDriver}, what is sent to the driver comes as late as the protocol allows. */
  static Outcome overMembers(ClusterSpec spec, boolean lateToDriver) throws Exception {
    return overMembers(spec, lateToDriver, null);
  }

  /** A serving member that dies before its report of window {@code window}, its process gone. */
  record Death(String member, long window) {}

  /**
   * With {@code death}, that member stops reporting from that window on, and is then lost as the driver's watch
   * would lose it (ClusterRun.memberLost): the others go on without it, its nodes fail at the driver's next boundary,
   * and its facts are those it sent with its reports up to the last window they counted in.
   */
  static Outcome overMembers(ClusterSpec spec, boolean lateToDriver, Death death) throws Exception {
    long latency = SimTime.of(spec.network().latency());
    long end = SimTime.of(spec.simulation().duration());
    InProcessTransport transport = new InProcessTransport(MEMBERS, latency, end);
    MemberRecords records = new MemberRecords();
    transport.recordTo(records::add);
    CompletableFuture<Void> died = new CompletableFuture<>();
    WindowedMember.Transport inner = lateToDriver ? new LateToDriverTransport(transport, MEMBERS.get(0),
        MEMBERS.size()) : transport;
    WindowedMember.Transport links = death == null ? inner : new WindowedMember.Transport() {
      private boolean dead(String member, long window) {
        if (member.equals(death.member()) && window >= death.window()) {
          died.complete(null);
          return true;
        }
        return false;
      }

      @Override public void report(io.domsim.kernel.window.WindowCoordinator.Report r) {
        if (!dead(r.member(), r.window())) {
          inner.report(r);
        }
      }

      @Override public void record(String member, long window, List<?> facts) {
        if (!dead(member, window)) {
          inner.record(member, window, facts);
        }
      }

      @Override public void ship(String member, io.domsim.kernel.window.TimedDelivery<?> d) {
        inner.ship(member, d);
      }

      @Override public void revoke(String member, io.domsim.kernel.window.Revocation r) {
        inner.revoke(member, r);
      }

      @Override public void shipTells(String member, io.domsim.kernel.window.BarrierTells t) {
        inner.shipTells(member, t);
      }

      @Override public void replicate(String member, io.domsim.kernel.window.ReplicaInput<?> input) {
        inner.replicate(member, input);
      }
    };
    TreeMap<String, String> placement = memberOfNode(spec);
    Map<String, SimKernel> kernels = new TreeMap<>();
    Map<String, WindowedMember> members = new TreeMap<>();
    List<ActorSystem<Void>> systems = new ArrayList<>();
    try {
      for (String m : MEMBERS) {
        SimKernel kernel = ClusterRun.memberKernel(spec); // the spec's clock

        WindowedMember member = new WindowedMember(m, kernel, links);
        transport.add(member);
        kernels.put(m, kernel);
        members.put(m, member);
      }
      TreeMap<String, ActorRef<MemberHost.Command>> hosts = new TreeMap<>();
      for (String m : MEMBERS.subList(1, MEMBERS.size())) {
        CompletableFuture<ActorRef<MemberHost.Command>> started = new CompletableFuture<>();
        systems.add(kernels.get(m).startSystem("member-" + m, MemberHost.create(kernels.get(m), spec, m,
            MEMBERS.get(0), MEMBERS, placement, members.get(m), started), ConfigFactory.empty()));
        hosts.put(m, started.get(10, SECONDS));
      }
      SimKernel driver = kernels.get(MEMBERS.get(0));
      CompletableFuture<Void> setUp = new CompletableFuture<>();
      MembersLayout layout = new MembersLayout(MEMBERS.get(0), MEMBERS.get(0), placement, members.get(MEMBERS.get(0)),
          hosts, setUp);
      CompletableFuture<ActorRef<Cluster.Command>> cluster = new CompletableFuture<>();
      ObservationLog driverLog = ObservationLog.of(driver);
      systems.add(driver.startSystem("member-" + MEMBERS.get(0), Cluster.create(driver, spec, null, null,
          new EventLog(driver::now), cluster, InvariantMonitor.recordOnly(driverLog), layout), ConfigFactory.empty()));
      ActorRef<Cluster.Command> operator = cluster.get(10, SECONDS);
      setUp.get(10, SECONDS);
      if (death != null) {
        // As ClusterRun does: the lost member's nodes fail at the end of the first window that leaves it out.
        SimEntity console = driver.entity("console");
        WindowedMember driving = members.get(MEMBERS.get(0));
        driving.onLoss((lost, lastWindow) -> driving.atEndOfWindow(lastWindow + 2, new WindowedMember.BoundaryAction() {
          @Override public void at(long boundaryNanos) {
            console.sendAt(boundaryNanos, operator, new Cluster.MemberLost(lost, "killed by the test"));
          }

          @Override public void tooLate() {
            throw new AssertionError("the run ended before " + lost + " was lost");
          }
        }));
      }
      members.values().forEach(WindowedMember::start);
      if (death != null) {
        died.get(60, SECONDS);
        transport.lose(death.member());
      }
      // The first member to fail ends the wait.
      CompletableFuture<Object> failed = new CompletableFuture<>();
      kernels.values().forEach(k -> k.whenFailed().whenComplete((f, x) -> failed.completeExceptionally(
          new AssertionError(f.describe()))));
      List<CompletableFuture<Long>> ends = members.entrySet().stream().filter(e -> death == null
          || !e.getKey().equals(death.member())).map(e -> e.getValue().ended().toCompletableFuture()).toList();
      CompletableFuture.anyOf(CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)), failed).get(60, SECONDS);
      for (CompletableFuture<Long> e : ends) {
        assertEquals(end, e.get());
      }
      CompletableFuture<RunResult> result = new CompletableFuture<>();
      driver.inject(() -> operator.tell(new Cluster.Finish(result)));
      RunResult r = result.get(30, SECONDS);
      long events = kernels.get(MEMBERS.get(0)).timersFired() - members.get(MEMBERS.get(0)).barrierBatchesFired();
      assertTrue(members.get(MEMBERS.get(0)).barriersRun() >= spec.scenario().size(),
          "every scenario step was a barrier: " + members.get(MEMBERS.get(0)).barriersRun());
      // (Two nodes, as multifd.conf's one migration, cross less.)
      assertTrue(transport.crossings() > (spec.nodes().size() > 2 ? 50 : 10), transport.crossings()
          + " messages crossed members (81 when written)");
      // Every member's monitor only recorded: the run's verdict is the merged logs'.
      List<List<ObservationLog.Entry>> logs = new ArrayList<>();
      List<ObservationLog.Entry> driverFacts = new ArrayList<>(driverLog.entries());
      if (death != null) {
        // As ClusterRun gathers them: what the lost member sent up to its last counted window, with the halts of its
        // nodes, which the driver recorded.
        long last = members.get(MEMBERS.get(0)).lost().get(death.member());
        List<ObservationLog.Entry> facts = records.upTo(death.member(), last);
        facts.addAll(driverFacts.stream().filter(e -> death.member().equals(placement.get(e.observation().node())))
            .toList());
        driverFacts.removeAll(facts);
        logs.add(facts);
      }
      logs.add(0, driverFacts);
      for (int i = 0; i < hosts.size(); i++) {
        if (death != null && MEMBERS.get(i + 1).equals(death.member())) {
          continue;
        }
        ActorRef<MemberHost.Command> host = hosts.get(MEMBERS.get(i + 1));
        // In parts of 7 facts, as the driver gathers them in parts (of ClusterRun.GATHER_FACTS) over Akka.
        List<ObservationLog.Entry> facts = new ArrayList<>();
        MemberHost.Gathered g;
        do {
          int from = facts.size();
          g = AskPattern.<MemberHost.Command, MemberHost.Gathered>ask(host, replyTo -> new MemberHost.Gather(from, 7, replyTo),
              Duration.ofSeconds(10), systems.get(i).scheduler()).toCompletableFuture().get(10, SECONDS);
          assertTrue(g.observations().size() <= 7 && g.from() == from, g.from() + " " + g.observations().size());
          facts.addAll(g.observations());
        } while (facts.size() < g.total());
        logs.add(facts);
        events += g.events();
      }
      return new Outcome(r.withKernelMeasures(events, null), ObservationLog.replay(ObservationLog.merge(logs)));
    } finally {
      for (ActorSystem<Void> s : systems) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(10, SECONDS);
      }
    }
  }

  @Test
  void threeMembersGiveTheReportOfOneJvm() throws Exception {
    sameReport(spec());
  }

  /**
   * examples/migration.conf (PV and HVM guests; pre-copy with Xen's and QEMU's stop rules, post-copy and
   * stop-and-copy; refusals) with its destinations on other members than its sources, and dst-2 failing during the
   * HVM guest's migration into it and recovering later: the fabric's replicas carry the streams between members.
   */
  @Test
  void migrationsBetweenMembersGiveTheReportOfOneJvm() throws Exception {
    String text = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/migration.conf"))
        + "\ndomsim.scenario += { at = 150s, action = fail, node = dst-2 }"
        + "\ndomsim.scenario += { at = 200s, action = recover, node = dst-2 }\n";
    ClusterSpec spec = io.domsim.config.ClusterConfigLoader.parse(text, "migration.conf", List.of(),
        Plugins.onClassPath());
    assertTrue(spec.scenario().size() >= 10, spec.scenario().toString());
    RunResult r = sameReport(spec);
    assertTrue(r.migrations().stream().filter(m -> "completed".equalsIgnoreCase(String.valueOf(m.outcome()))).count()
        >= 3, r.migrations().toString());
  }

  /**
   * Issue 12 item 4 with hosted nodes: m3 (which runs dst-1, round-robin) dies before its report of window 20, while
   * migration.conf's first migration streams idle-pv into dst-1. The others go on to the end; dst-1 fails at the end
   * of the first window that leaves m3 out, the migration into it ends by the protocol's rules with the guest running
   * on at its source, and the merged facts (m3's own up to its last counted window) hold. The same death gives the
   * same report: the loss is handled at window boundaries, not at the moment a message happens to arrive.
   */
  @Test
  void aMemberLostMidRunFailsItsNodesAndTheOthersGoOnToTheEnd() throws Exception {
    ClusterSpec spec = io.domsim.config.ClusterConfigLoader.parse(java.nio.file.Files.readString(
        java.nio.file.Path.of("../examples/migration.conf")), "migration.conf", List.of(), Plugins.onClassPath());
    TreeMap<String, String> placement = memberOfNode(spec);
    List<String> onM3 = placement.entrySet().stream().filter(e -> e.getValue().equals("m3")).map(Map.Entry::getKey)
        .toList();
    assertTrue(!onM3.isEmpty(), placement.toString());
    Death death = new Death("m3", 20);
    Outcome lost = overMembers(spec, false, death);
    assertTrue(lost.verdict().holds() && lost.verdict().checks() > 20, lost.verdict().describe());
    RunResult r = lost.result();
    assertEquals(SimTime.toSeconds(SimTime.of(spec.simulation().duration())), r.simulatedSeconds(), 1e-9);
    Outcome one = oneJvm(spec);
    for (RunResult.NodeResult n : r.nodes()) {
      assertEquals(onM3.contains(n.name()), n.failed(), n.toString());
      if (onM3.contains(n.name())) {
        // Up from the start until it failed with its member, mid-run (its figures went with the member's process).
        assertTrue(n.activeSeconds() > 1 && n.activeSeconds() < r.simulatedSeconds() - 1, n.toString());
      }
    }
    for (RunResult.GuestResult g : r.guests()) {
      if (g.nodeEnd() != null && onM3.contains(g.nodeEnd())) {
        throw new AssertionError(g.name() + " ends on " + g.nodeEnd() + ", a node of the lost member: " + g);
      }
    }
    // idle-pv's migration into dst-1 (10 s to 28 s in one JVM) was streaming when m3 died: it ends by the protocol's
    // rules before its commit, and the guest runs on at its source.
    RunResult.MigrationResult intoLost = r.migrations().stream().filter(m -> m.guest().equals("idle-pv")
        && "dst-1".equals(m.to())).findFirst().orElseThrow();
    assertTrue(List.of("ABORTED", "FAILED").contains(String.valueOf(intoLost.outcome())), intoLost.toString());
    RunResult.GuestResult idle = r.guests().stream().filter(g -> g.name().equals("idle-pv")).findFirst().orElseThrow();
    assertEquals("src-1", idle.nodeEnd(), idle.toString());
    assertEquals("RUNNING", String.valueOf(idle.stateEnd()), idle.toString());
    assertTrue(!r.equals(one.result()), "the loss changed the run");
    Outcome again = overMembers(spec, false, death);
    assertEquals(r.withKernelMeasures(0, null), again.result().withKernelMeasures(0, null),
        "the same death gives the same report");
  }

  /**
   * The real clock over members (each member's kernel paced by the wall clock, window after window, from the first
   * window's instant) gives the virtual clock's report: examples/migration.conf with a failure and a recovery, 900
   * simulated seconds at 3,000 times the wall clock.
   */
  @Test
  void theRealClockOverMembersGivesTheVirtualClocksReport() throws Exception {
    String text = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/migration.conf"))
        + "\ndomsim.scenario += { at = 150s, action = fail, node = dst-2 }"
        + "\ndomsim.scenario += { at = 200s, action = recover, node = dst-2 }\n";
    ClusterSpec virtual = io.domsim.config.ClusterConfigLoader.parse(text, "migration.conf", List.of(),
        Plugins.onClassPath());
    ClusterSpec real = io.domsim.config.ClusterConfigLoader.parse(text
        + "domsim.simulation { clock = real, speed = 3000 }\n", "migration.conf", List.of(), Plugins.onClassPath());
    long wall = System.nanoTime();
    Outcome paced = overMembers(real);
    double wallSeconds = (System.nanoTime() - wall) / 1e9;
    Outcome one = oneJvm(virtual);
    assertEquals(one.verdict(), paced.verdict());
    RunResult expected = one.result().withKernelMeasures(0, null);
    RunResult got = paced.result().withKernelMeasures(0, null);
    assertEquals("real", got.clock());
    assertEquals(expected.nodes(), got.nodes());
    assertEquals(expected.guests(), got.guests());
    assertEquals(expected.migrations(), got.migrations());
    assertEquals(expected.operations(), got.operations());
    assertEquals(one.result().simulatedEvents(), paced.result().simulatedEvents());
    // Paced: 900 simulated seconds at 3,000x take at least 0.3 s of wall time (the windows' waits do not add up as
    // lag, or a slow machine would take far longer: not asserted, a timed test would be flaky).
    assertTrue(wallSeconds >= 0.3, wallSeconds + " s");
  }

  /**
   * A node's report to the operator from another member (here n6's boot's end, whose answer changes every member's
   * replicas at once) is a barrier: the coordinator must know of it before the driver has even received it, or the
   * driver runs it in an ordinary window and cannot tell the other members at zero time (the run failed so when the
   * reports were shipped with a plain delivery, whenever the driver reported before they came).
   */
  @Test
  void reportsReachingTheDriverLateAreStillBarriers() throws Exception {
    // n6 (on m3) ends its boot at 51 s, a sample instant, in an ordinary window (at 50 s a scenario step's barrier
    // window would have ended the window before its report came due).
    String config = CONFIG.replace("{ at = 45s, action = power-on, node = n6 }",
        "{ at = 46s, action = power-on, node = n6 }");
    assertTrue(!config.equals(CONFIG));
    sameReport(spec(config), true);
  }

  /**
   * Consolidation with idle hosts switched off, its role (and the pool master's) on a serving member (h1, the first
   * node by name, is second in the file: m2): each round's orders reach the operator one latency later as a
   * barrier, its migrations and power changes go out at the barrier, and the power states go back to m2 there.
   */
  @Test
  void consolidationOnAServingMemberGivesTheReportOfOneJvm() throws Exception {
    String config = """
        domsim {
          simulation { duration = 20m, seed = 5, sample-interval = 10s }
          node-defaults {
            cpu { cores = 4, ghz = 2.0 }
            memory = 16GiB
            nic = 1Gbps
            power { model = hp-proliant-ml110-g5, off = 0W, shutdown-time = 10s, boot-time = 60s }
            dom0 { vcpus = 1, memory = 1GiB }
          }
          nodes = [ { name = h2 }, { name = h1 }, { name = h3 }, { name = h4 }, { name = h5 }, { name = h6 } ]
          guest-defaults { type = pv, vcpus = 1, memory = 1GiB, workload { cpu = 0.3, dirty-rate = 500, io-rate = 10 } }
          guest-groups = [ { prefix = "g", count = 8 } ]
          scenario = [ { at = 9m, action = create, guest { name = late, type = pv, vcpus = 1, memory = 1GiB } } ]
          scheduler {
            placement = worst-fit
            consolidation { policy = thr, selection = mmt, switch-off-idle = true, interval = 2m }
          }
        }
        """;
    ClusterSpec spec = spec(config);
    assertEquals("m2", memberOfNode(spec).get("h1"));
    RunResult r = sameReport(spec, true);
    assertTrue(r.summary().migrations() > 0, r.migrations().toString());
    assertTrue(r.operations().stream().anyMatch(o -> o.action() == RunResult.OperationAction.POWER_OFF),
        r.operations().toString());
  }

  /**
   * The pool master's role moves: n1 (first by name, on m2) fails, a create is placed by n2 (on m1), n1 recovers and
   * places the next create again; a lifecycle verb on a guest of m3 and a migration across members between them.
   */
  @Test
  void aPoolMasterMovingAfterAFailureGivesTheReportOfOneJvm() throws Exception {
    String config = """
        domsim {
          simulation { duration = 60s, seed = 3, sample-interval = 1s }
          node-defaults { cpu { cores = 8, ghz = 2.5 }, memory = 32GiB }
          nodes = [ { name = n2 }, { name = n1 }, { name = n3 }, { name = n4 } ]
          guests = [
            { name = a, type = pv, vcpus = 2, memory = 4GiB }
            { name = b, type = hvm, vcpus = 2, memory = 4GiB }
            { name = c, type = pv, vcpus = 1, memory = 2GiB, node = n3 }
          ]
          scenario = [
            { at = 5s, action = fail, node = n1 }
            { at = 10s, action = create, guest { name = d, type = pv, vcpus = 1, memory = 2GiB } }
            { at = 15s, action = pause, guest = c }
            { at = 18s, action = unpause, guest = c }
            { at = 20s, action = recover, node = n1 }
            { at = 25s, action = create, guest { name = e, type = pv, vcpus = 1, memory = 2GiB } }
            { at = 30s, action = migrate, guest = c, to = n4 }
          ]
        }
        """;
    ClusterSpec spec = spec(config);
    assertEquals("m2", memberOfNode(spec).get("n1"));
    RunResult r = sameReport(spec, true);
    assertTrue(r.guests().stream().anyMatch(g -> g.name().equals("e")), r.guests().toString());
  }

  /**
   * Bundled examples over three members, their reports late to the driver: lifecycle.conf (two nodes: m3 hosts
   * none), multifd.conf (a multi-stream migration from m1 to m2) and chaos.conf (failures, partitions, faults).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"lifecycle.conf", "multifd.conf", "chaos.conf"})
  void bundledExamplesGiveTheReportOfOneJvm(String example) throws Exception {
    String text = java.nio.file.Files.readString(java.nio.file.Path.of("../examples/" + example));
    sameReport(io.domsim.config.ClusterConfigLoader.parse(text, example, List.of(), Plugins.onClassPath()), true);
  }

  /**
   * examples/planetlab.conf (800 hosts, 1,052 traced guests, thr with hosts switched off) for its first two
   * consolidation rounds: the consolidator on m1, its migrations and power changes reaching m2's and m3's hosts.
   */
  @Test
  void planetlabsFirstRoundsGiveTheReportOfOneJvm() throws Exception {
    ClusterSpec spec = io.domsim.config.ClusterConfigLoader.load(java.nio.file.Path.of("../examples/planetlab.conf"),
        List.of("simulation.duration=11m"), Plugins.onClassPath());
    RunResult r = sameReport(spec, true);
    assertTrue(r.summary().migrations() > 0, r.summary().toString());
  }

  static RunResult sameReport(ClusterSpec spec) throws Exception {
    return sameReport(spec, false);
  }

  static RunResult sameReport(ClusterSpec spec, boolean lateToDriver) throws Exception {
    Outcome one = oneJvm(spec);
    Outcome over = overMembers(spec, lateToDriver);
    assertTrue(one.verdict().holds() && one.verdict().checks() > (spec.nodes().size() > 2 ? 20 : 5), one.verdict().describe()); // 34 when written
    assertEquals(one.verdict(), over.verdict(), "the members' merged facts hold as one JVM's");
    RunResult oneJvm = one.result();
    RunResult members = over.result();
    assertEquals(oneJvm.guests(), members.guests());
    assertEquals(oneJvm.operations(), members.operations());
    assertEquals(oneJvm.nodes(), members.nodes());
    assertEquals(oneJvm.withKernelMeasures(0, null), members.withKernelMeasures(0, null));
    assertEquals(oneJvm.simulatedEvents(), members.simulatedEvents(), "every member's events, as one JVM counts them");
    return members;
  }
}
