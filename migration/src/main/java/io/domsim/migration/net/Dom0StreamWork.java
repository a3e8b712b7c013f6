package io.domsim.migration.net;

import akka.actor.typed.ActorRef;
import io.domsim.hypervisor.Hypervisor;
import io.domsim.hypervisor.Page;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fabric's streams cost each Dom0, told to the hypervisors that watch (a part of {@link Fabric}, on its
 * thread): each page a stream moves costs the sending Dom0 {@code sendCyclesPerPage} and the receiving one {@code
 * receiveCyclesPerPage} (migration.costs), plus the stream's codec ({@link Fabric.Stream}); a hypervisor hears a
 * new figure only when its own changed.
 */
final class Dom0StreamWork {
  private final double sendCyclesPerPage;
  private final double receiveCyclesPerPage;
  private final TreeMap<String, ActorRef<Hypervisor.Command>> watchers = new TreeMap<>();
  /** The cycles per second each watcher was told last (absent: 0). */
  private final TreeMap<String, Double> reported = new TreeMap<>();
  /** The network's recomputations and the watchers at the last report: the same, no report is needed. */
  private long reportedAtRecomputation = -1;
  private int watchersReported;

  Dom0StreamWork(double sendCyclesPerPage, double receiveCyclesPerPage) {
    this.sendCyclesPerPage = sendCyclesPerPage;
    this.receiveCyclesPerPage = receiveCyclesPerPage;
  }

  void watch(String node, ActorRef<Hypervisor.Command> hypervisor) {
    watchers.put(node, hypervisor);
  }

  /**
   * Tells each watched node's hypervisor what its Dom0 spends on the streams now (pages per second out times the
   * send cost, in times the receive cost), when that changed; nodes in name order, flows in id order.
   *
   * @param streams the flows that are not {@link Fabric.Stream#PLAIN}
   */
  void report(FlowNetwork<FlowId> network, Map<FlowId, Fabric.Stream> streams) {
    boolean free = sendCyclesPerPage == 0 && receiveCyclesPerPage == 0 && streams.isEmpty();
    if (watchers.isEmpty() || ((free || network.size() == 0) && reported.isEmpty())) {
      return; // nothing streams, and every hypervisor was told so
    }
    if (network.recomputations() == reportedAtRecomputation && watchers.size() == watchersReported) {
      return; // no rate has changed, and no hypervisor has come, since the last report
    }
    reportedAtRecomputation = network.recomputations();
    watchersReported = watchers.size();
    TreeMap<String, Double> work = new TreeMap<>();
    double bitsPerPage = Page.BYTES * 8.0;
    for (Map.Entry<FlowId, Double> e : network.rates().entrySet()) {
      FlowNetwork.Flow<FlowId> flow = network.flow(e.getKey()).orElseThrow();
      double pagesPerSecond = e.getValue() / bitsPerPage;
      Fabric.Stream stream = streams.getOrDefault(e.getKey(), Fabric.Stream.PLAIN);
      work.merge(flow.from(), pagesPerSecond * (sendCyclesPerPage + stream.codecSendCyclesPerPage()), Double::sum);
      work.merge(flow.to(), pagesPerSecond * (receiveCyclesPerPage + stream.codecReceiveCyclesPerPage()),
          Double::sum);
    }
    for (Map.Entry<String, ActorRef<Hypervisor.Command>> w : watchers.entrySet()) {
      double cycles = work.getOrDefault(w.getKey(), 0.0);
      if (cycles != reported.getOrDefault(w.getKey(), 0.0)) {
        if (cycles == 0) {
          reported.remove(w.getKey());
        } else {
          reported.put(w.getKey(), cycles);
        }
        w.getValue().tell(new Hypervisor.MigrationWork(cycles));
      }
    }
  }
}
