package io.domsim.hypervisor;

import io.domsim.kernel.EventKey;
import io.domsim.kernel.SimKernel;
import io.domsim.kernel.serialization.CrossJvm;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What a recording {@link InvariantMonitor} saw, each fact with the key of the event it was seen in, so that
 * the logs of several members merge into one stream that one monitor replays to the verdict of a single JVM.
 *
 * <p>Why a log and not a monitor per member: invariant 1 (a guest runs on at most one node) and the one-migration
 * rule span nodes, so a member that sees only its own nodes can neither find every violation (the other copy is
 * elsewhere) nor trust one it finds (a migration's end closed on another member would have excused it). So
 * members record, and the driver judges.
 *
 * <p>The merged order is the event key (time, entity, sequence: the same on any split, see
 * {@link SimKernel#currentEvent}), then within one event the observing node's name, then that node's own order
 * (its log's sequence: a node is run by one member, whose single thread saw its facts in order). Any split of
 * the nodes over members merges to the same stream. One JVM's live monitor sees the facts of one event in its
 * mailboxes' order, which may interleave two nodes otherwise. A verdict could hang on that only if two nodes'
 * facts of one event concern one guest's copies, which the couplings rule out while the protocol holds: nodes
 * reach each other only through the network, at least one latency later, and the operator's or the fabric's
 * zero-time tells to several nodes start a separate reaction in each, which touches only its own node's domains
 * and its own ends of migrations. Where the protocol breaks within one event, the replay judges in this order and
 * may name another first violation than one JVM did. ({@code MergedInvariantsTest} in the node module checks the
 * same verdict on a recorded run whose merge reorders such facts.)
 */
public final class ObservationLog {

  /** One fact, the event it was seen in, and its place in its log (which orders one node's facts). */
  public record Entry(EventKey event, long sequence, Observation observation) implements CrossJvm {
    public Entry {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(observation, "observation");
    }
  }

  /** The merged order: event, then observing node, then the node's own order. */
  public static final Comparator<Entry> ORDER = Comparator.comparing(Entry::event)
      .thenComparing(e -> e.observation().node())
      .thenComparingLong(Entry::sequence);

  /**
   * The outcome of a replay: how many facts were checked and the first invariant broken, if any (then the
   * facts after it were not checked: the run would have ended there).
   */
  public record Verdict(long checks, InvariantMonitor.Violation violation) {
    public boolean holds() {
      return violation == null;
    }

    /** One line: "held over N checks", or the violation as the run would report it. */
    public String describe() {
      return violation == null ? "held over " + checks + " checks"
          : violation.getMessage() + " (subject " + violation.subject() + ", at " + violation.atNanos() + " ns, after "
              + checks + " checks)";
    }
  }

  private final Supplier<EventKey> currentEvent;
  private final ArrayList<Entry> entries = new ArrayList<>();

  /** A log stamping each fact with {@code currentEvent} (the kernel's, on the simulation thread). */
  public ObservationLog(Supplier<EventKey> currentEvent) {
    this.currentEvent = Objects.requireNonNull(currentEvent, "currentEvent");
  }

  /** A log of the facts seen on {@code kernel}'s simulation thread. */
  public static ObservationLog of(SimKernel kernel) {
    return new ObservationLog(kernel::currentEvent);
  }

  void add(Observation observation) {
    entries.add(new Entry(currentEvent.get(), entries.size(), observation));
  }

  /** Everything recorded so far, in the order it was seen. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** At most {@code max} of what was recorded, from index {@code from} on, in the order it was seen. */
  public List<Entry> entries(int from, int max) {
    int start = Math.min(from, entries.size());
    return List.copyOf(entries.subList(start, start + Math.min(max, entries.size() - start)));
  }

  /** How many facts were recorded so far. */
  public int size() {
    return entries.size();
  }

  /**
   * The members' logs as one stream, in {@link #ORDER}. Each node's facts must all come from one part (a node
   * runs on one member); a node found in two parts is refused, since its facts' order would be lost.
   */
  public static List<Entry> merge(Collection<? extends List<Entry>> parts) {
    TreeMap<String, Integer> partOf = new TreeMap<>();
    ArrayList<Entry> all = new ArrayList<>();
    int part = 0;
    for (List<Entry> p : parts) {
      for (Entry e : p) {
        Integer before = partOf.putIfAbsent(e.observation().node(), part);
        if (before != null && before != part) {
          throw new IllegalArgumentException("node " + e.observation().node() + " has facts in two logs (" + before
              + " and " + part + "): a node's facts come from the one member that runs it");
        }
      }
      all.addAll(p);
      part++;
    }
    all.sort(ORDER);
    return all;
  }

  /** Replays {@code stream} through a fresh monitor, in the given order, up to its first violation. */
  public static Verdict replay(List<Entry> stream) {
    InvariantMonitor monitor = new InvariantMonitor();
    for (Entry e : stream) {
      try {
        e.observation().applyTo(monitor);
      } catch (InvariantMonitor.Violation v) {
        return new Verdict(monitor.checks(), v);
      }
    }
    return new Verdict(monitor.checks(), null);
  }
}
