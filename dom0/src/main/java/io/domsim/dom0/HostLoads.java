package io.domsim.dom0;

import io.domsim.config.GuestSpec;
import io.domsim.hypervisor.HostSnapshot;
import io.domsim.scheduler.PoolProtocol;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A Dom0's answers to the consolidator's {@link PoolProtocol.ReportLoad}: each guest's demand since the
 * last report, from the hypervisor's snapshot (as xentop reads it), and the free memory. A repeat of a round
 * already answered gets the same answer; rounds are answered in the order asked. One per life of the Dom0.
 */
final class HostLoads {

  /** What the reports use of their Dom0. */
  interface Host {
    String node();

    double ghz();

    long memoryBytes();

    /** Asks the hypervisor for a snapshot; it comes back to {@link #answer}. */
    void askSnapshot();

    /** Sends {@code report} back to the consolidator that asked, through the network. */
    void answer(PoolProtocol.ReportLoad request, PoolProtocol.LoadReport report);

    /** The guest's spec while it runs here (not a copy still coming in), else null. */
    GuestSpec runningHere(String guest);

    /** Where a migration of the guest from here goes, or null. */
    String migratingTo(String guest);
  }

  private final Host host;
  private final ArrayDeque<PoolProtocol.ReportLoad> waiting = new ArrayDeque<>();
  private final TreeMap<String, Double> lastRequestSeconds = new TreeMap<>();
  private long lastReportNanos = -1;
  private PoolProtocol.LoadReport last;

  HostLoads(Host host) {
    this.host = host;
  }

  void ask(PoolProtocol.ReportLoad r) {
    if (last != null && last.round() == r.round()) {
      host.answer(r, last);
      return;
    }
    waiting.addLast(r);
    if (waiting.size() == 1) {
      host.askSnapshot();
    }
  }

  void answer(HostSnapshot snapshot) {
    PoolProtocol.ReportLoad r = waiting.pollFirst();
    if (r == null) {
      return;
    }
    if (last == null || last.round() != r.round()) {
      last = report(r.round(), snapshot);
    }
    host.answer(r, last);
    if (!waiting.isEmpty()) {
      host.askSnapshot();
    }
  }

  private PoolProtocol.LoadReport report(long round, HostSnapshot snapshot) {
    double mhzPerCore = host.ghz() * 1000;
    double period = lastReportNanos < 0 ? 0 : (snapshot.atNanos() - lastReportNanos) / 1e9;
    List<PoolProtocol.GuestLoad> out = new ArrayList<>();
    TreeMap<String, Double> seen = new TreeMap<>();
    for (HostSnapshot.GuestTotals g : snapshot.guests()) {
      GuestSpec spec = host.runningHere(g.name());
      if (g.presence() != HostSnapshot.Presence.HERE || spec == null) {
        continue; // gone, or an incoming copy not yet handed over
      }
      double requested = g.demand().requestSeconds();
      Double before = lastRequestSeconds.get(g.name());
      double now = g.demand().requestCores() * mhzPerCore;
      double mean = before != null && period > 0 ? (requested - before) / period * mhzPerCore : now;
      seen.put(g.name(), requested);
      out.add(new PoolProtocol.GuestLoad(g.name(), spec.memoryBytes(), spec.type().needsHvm(),
          spec.vcpus() * spec.coresPerVcpu(host.ghz()) * mhzPerCore, now, mean, host.migratingTo(g.name())));
    }
    lastRequestSeconds.clear();
    lastRequestSeconds.putAll(seen);
    lastReportNanos = snapshot.atNanos();
    return new PoolProtocol.LoadReport(host.node(), round, host.memoryBytes() - snapshot.memoryUsedBytes(), out);
  }
}
