package io.domsim.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import io.domsim.dom0.Dom0;
import io.domsim.dom0.MigrationProgress;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.hypervisor.Page;
import io.domsim.kernel.serialization.SameMember;
import io.domsim.migration.MigrationRecord;
import io.domsim.migration.Phase;
import io.domsim.migration.net.Fabric;
import io.domsim.migration.net.FlowId;
import io.domsim.node.ConsoleView.DomainRow;
import io.domsim.node.ConsoleView.DomainState;
import io.domsim.node.ConsoleView.MigrationRow;
import io.domsim.node.ConsoleView.NodeRow;
import io.domsim.node.ConsoleView.NodeState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The console's eyes on a launched cluster: for each question it asks every node for its totals, the source
 * of each migration in flight how far it has got, and the fabric how much of the flow on the wire has crossed,
 * then answers a {@link ConsoleView}. It only reads: nothing in the simulated world changes for a question.
 * Questions are answered one at a time, in order (the answers carry no question of their own).
 */
final class Inspector extends AbstractBehavior<Inspector.Command> {

  /** SameMember: a question carries its future; the rest are its adapters' wrappings. */
  sealed interface Command extends SameMember {}

  /** Answer {@code reply} with the cluster as of now; the refs are the nodes', their Dom0s' and the fabric. */
  record Gather(ConsoleFacts facts, Map<String, ActorRef<Node.Command>> nodes,
      Map<String, ActorRef<Dom0.Command>> dom0s, ActorRef<Fabric.Command> fabric,
      CompletableFuture<ConsoleView> reply, Map<String, Node.NodeSnapshot> known) implements Command {

    /**
     * {@code known}: the snapshots of nodes nobody can ask any more (over members, those of a lost member), absent
     * from {@code nodes} and {@code dom0s}.
     */
    Gather {
      known = Map.copyOf(known);
    }
  }

  private record SnapshotIn(Node.NodeSnapshot snapshot) implements Command {}

  private record ProgressIn(MigrationProgress progress) implements Command {}

  private record RateIn(Fabric.Rate rate) implements Command {}

  private final ActorRef<Node.NodeSnapshot> snapshotReplies;
  private final ActorRef<MigrationProgress> progressReplies;
  private final ActorRef<Fabric.Rate> rateReplies;
  private final ArrayDeque<Gather> waiting = new ArrayDeque<>();
  private final Map<String, HostSnapshot> snapshots = new TreeMap<>();
  private final Map<String, MigrationProgress> progress = new TreeMap<>();
  private final Map<FlowId, Fabric.Rate> rates = new TreeMap<>();
  private int outstanding;

  private final long networkBytesPerIo;

  private Inspector(ActorContext<Command> ctx, long networkBytesPerIo) {
    super(ctx);
    this.networkBytesPerIo = networkBytesPerIo;
    snapshotReplies = ctx.messageAdapter(Node.NodeSnapshot.class, SnapshotIn::new);
    progressReplies = ctx.messageAdapter(MigrationProgress.class, ProgressIn::new);
    rateReplies = ctx.messageAdapter(Fabric.Rate.class, RateIn::new);
  }

  /** @param networkBytesPerIo what one guest I/O puts on its node's NIC, out and in together */
  static Behavior<Command> create(long networkBytesPerIo) {
    return Behaviors.setup(ctx -> new Inspector(ctx, networkBytesPerIo));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Gather.class, g -> {
          waiting.addLast(g);
          if (waiting.size() == 1) {
            begin(g);
          }
          return this;
        })
        .onMessage(SnapshotIn.class, m -> {
          snapshots.put(m.snapshot().node(), m.snapshot().host());
          if (--outstanding == 0) {
            askSources();
          }
          return this;
        })
        .onMessage(ProgressIn.class, m -> {
          progress.put(m.progress().id(), m.progress());
          if (--outstanding == 0) {
            askFabric();
          }
          return this;
        })
        .onMessage(RateIn.class, m -> {
          rates.put(m.rate().flowId(), m.rate());
          if (--outstanding == 0) {
            answer();
          }
          return this;
        })
        .build();
  }

  private void begin(Gather g) {
    snapshots.clear();
    g.known().forEach((node, s) -> snapshots.put(node, s.host()));
    progress.clear();
    rates.clear();
    outstanding = g.nodes().size();
    g.nodes().values().forEach(n -> n.tell(new Node.GetSnapshot(snapshotReplies)));
    if (outstanding == 0) {
      askSources();
    }
  }

  /** The Dom0 of each migration's source, if it runs (a halted one answers that it has none). */
  private void askSources() {
    Gather g = waiting.peekFirst();
    List<MigrationRecord> asked = g.facts().inFlight().stream().filter(m -> m.from() != null
        && g.dom0s().containsKey(m.from())).toList();
    outstanding = asked.size();
    asked.forEach(m -> g.dom0s().get(m.from()).tell(new Dom0.ReportProgress(m.id(), progressReplies)));
    if (outstanding == 0) {
      askFabric();
    }
  }

  private void askFabric() {
    Gather g = waiting.peekFirst();
    List<FlowId> flows = progress.values().stream().filter(p -> p.found() && p.flow() != null)
        .map(MigrationProgress::flow).toList();
    outstanding = flows.size();
    flows.forEach(f -> g.fabric().tell(new Fabric.GetRate(f, rateReplies)));
    if (outstanding == 0) {
      answer();
    }
  }

  private void answer() {
    Gather g = waiting.removeFirst();
    ConsoleFacts facts = g.facts();
    List<NodeRow> nodes = new ArrayList<>();
    List<DomainRow> domains = new ArrayList<>();
    Map<String, Integer> domainCount = new TreeMap<>();
    for (ConsoleFacts.GuestFact f : facts.guests()) {
      String node = f.node();
      HostSnapshot.GuestTotals totals = node == null ? null : totals(node, f.spec().name(), HostSnapshot.Presence.HERE);
      String note = f.note();
      if (f.state() == DomainState.LOST && node == null) {
        // Lost with its node: the node that crashed with the domain on it says which.
        for (Map.Entry<String, HostSnapshot> s : snapshots.entrySet()) {
          HostSnapshot.GuestTotals t = find(s.getValue(), f.spec().name(), HostSnapshot.Presence.CRASHED);
          if (t != null) {
            node = s.getKey();
            totals = t;
          }
        }
        if (note == null && node != null) {
          List<RunResult.Outage> down = facts.outages().getOrDefault(node, List.of());
          note = "its node " + node + " failed" + (down.isEmpty() ? ""
              : " at " + ConsoleFacts.at(down.get(down.size() - 1).failedAtS()));
        }
      }
      boolean present = f.state().present();
      if (present && node != null) {
        domainCount.merge(node, 1, Integer::sum);
      }
      // Half of each I/O's network bytes go out, half come in (HostModel's guest traffic).
      long net = totals == null ? 0 : Math.round(totals.ioCompleted() * networkBytesPerIo / 2.0);
      domains.add(new DomainRow(f.spec().name(), present && totals != null ? totals.domid() : null, node,
          f.spec().type(), f.spec().memoryBytes(), f.spec().vcpus(), f.state(),
          totals == null ? 0 : totals.cpuSeconds(), note, net, net));
    }
    // The migrations first: a Dom0's network columns add up what their streams have sent so far.
    List<MigrationRow> migrations = new ArrayList<>();
    facts.migrations().forEach(m -> migrations.add(m.outcome() == null ? inFlight(m) : ended(m)));
    List<DomainRow> dom0s = new ArrayList<>();
    for (ConsoleFacts.NodeFact n : facts.nodes()) {
      HostSnapshot s = snapshots.get(n.spec().name());
      boolean dom0Runs = n.state() == NodeState.UP || n.state() == NodeState.SHUTTING_DOWN;
      int count = domainCount.getOrDefault(n.spec().name(), 0) + (dom0Runs ? 1 : 0);
      nodes.add(new NodeRow(n.spec().name(), n.state(), n.spec().cores(), n.spec().ghz(), n.spec().hvmSupport(),
          n.spec().memoryBytes(), s == null || !dom0Runs ? 0 : s.memoryUsedBytes(), count,
          s == null ? 0 : s.busyCoreSeconds(), s == null ? 0 : s.dom0CoreSeconds(), s == null ? 0 : s.energyJoules(),
          n.poolMaster(), n.spec().hypervisor()));
      if (dom0Runs) {
        dom0s.add(new DomainRow("Domain-0", 0, n.spec().name(), null, n.spec().dom0().memoryBytes(),
            n.spec().dom0().vcpus(), DomainState.RUNNING, s == null ? 0 : s.dom0CoreSeconds(), null,
            streamed(migrations, n.spec().name(), true), streamed(migrations, n.spec().name(), false)));
      }
    }
    dom0s.addAll(domains);
    g.reply().complete(new ConsoleView(facts.nowS(), nodes, dom0s, migrations));
    if (!waiting.isEmpty()) {
      begin(waiting.peekFirst());
    }
  }

  /**
   * The bytes of the migration streams {@code node}'s Dom0 has sent ({@code out}) or received so far: each
   * migration's bytes sent, in flight ones included (the part of the stream on the wire now too). What has left
   * the source counts as received: the last latency's bytes are still on their way.
   */
  private static long streamed(List<MigrationRow> migrations, String node, boolean out) {
    long bytes = 0;
    for (MigrationRow m : migrations) {
      if (node.equals(out ? m.from() : m.to())) {
        bytes += m.bytesSent();
      }
    }
    return bytes;
  }

  private HostSnapshot.GuestTotals totals(String node, String guest, HostSnapshot.Presence presence) {
    HostSnapshot s = snapshots.get(node);
    return s == null ? null : find(s, guest, presence);
  }

  /** The last of the host's domains of {@code guest} with that presence (a guest may have been there twice). */
  private static HostSnapshot.GuestTotals find(HostSnapshot s, String guest, HostSnapshot.Presence presence) {
    HostSnapshot.GuestTotals found = null;
    for (HostSnapshot.GuestTotals t : s.guests()) {
      if (t.name().equals(guest) && t.presence() == presence) {
        found = t;
      }
    }
    return found;
  }

  private static MigrationRow ended(MigrationRecord m) {
    return new MigrationRow(m.id(), m.guest(), m.type(), m.from(), m.to(), m.algorithm(), m.outcome(), m.reason(),
        m.requestedAtS(), m.finishedAtS(), m.rounds(), m.bytesTransferred(), 0L, null, dirtyRate(m), null,
        m.downtimeS());
  }

  /** A migration in flight, with what its source and the fabric say of it now. */
  private MigrationRow inFlight(MigrationRecord asked) {
    MigrationProgress p = progress.get(asked.id());
    if (p == null || !p.found()) {
      return new MigrationRow(asked.id(), asked.guest(), asked.type(), asked.from(), asked.to(), asked.algorithm(),
          Phase.PREPARING, null, asked.requestedAtS(), null, 0, 0, null, null, null, null, null);
    }
    MigrationRecord m = p.record();
    long sent = m.bytesTransferred();
    Long remaining = p.queuedBytes();
    Double bps = null;
    if (p.flow() != null) {
      Fabric.Rate r = rates.get(p.flow());
      double left = r != null && r.active() ? r.remainingBytes() : p.flowBytes();
      sent += Math.round(p.flowBytes() - left);
      remaining += Math.round(left);
      bps = r != null && r.active() ? r.bitsPerSecond() : null;
    }
    Double downtime = null;
    if (!m.roundLog().isEmpty()) {
      MigrationRecord.Round last = m.roundLog().get(m.roundLog().size() - 1);
      double rate = bps != null && bps > 0 ? bps : last.durationS() > 0 ? last.pagesSent() * Page.BYTES * 8.0
          / last.durationS() : 0;
      downtime = rate > 0 ? last.pagesDirtied() * Page.BYTES * 8.0 / rate : null;
    }
    return new MigrationRow(m.id(), m.guest(), m.type(), m.from(), m.to(), m.algorithm(), p.phase(), null,
        m.requestedAtS(), null, m.rounds(), sent, remaining, bps, dirtyRate(m), downtime, m.downtimeS());
  }

  /** Bytes dirtied per second during the last round, or null before a round has ended. */
  private static Double dirtyRate(MigrationRecord m) {
    if (m.roundLog().isEmpty()) {
      return null;
    }
    MigrationRecord.Round last = m.roundLog().get(m.roundLog().size() - 1);
    return last.durationS() > 0 ? last.pagesDirtied() * Page.BYTES / last.durationS() : null;
  }
}
