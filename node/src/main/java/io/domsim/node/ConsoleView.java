package io.domsim.node;

import io.domsim.config.GuestType;
import io.domsim.migration.Phase;
import java.util.List;

/**
 * A launched cluster as the console shows it ({@code domsim list}, {@code info}, {@code top}, {@code migrate
 * --wait}), at one simulated instant: every node, every domain (the Dom0s, the guests that run and those that
 * are gone) and every migration. Totals are cumulative; the console takes rates from two views.
 */
public record ConsoleView(double simulatedSeconds, List<NodeRow> nodes, List<DomainRow> domains,
    List<MigrationRow> migrations) {

  public ConsoleView {
    nodes = List.copyOf(nodes);
    domains = List.copyOf(domains);
    migrations = List.copyOf(migrations);
  }

  /** A node's power and health, as the operator switched it or saw it fail. */
  public enum NodeState { UP, FAILED, OFF, SHUTTING_DOWN, BOOTING }

  /** Where a domain stands: the first five have a domain on a node; the rest are gone or never came. */
  public enum DomainState {
    RUNNING, PAUSED, SHUTTING_DOWN, MIGRATING, CREATING, LOST, DESTROYED, SHUT_DOWN, NOT_STARTED;

    /** Does the domain exist on a node now? */
    public boolean present() {
      return ordinal() <= MIGRATING.ordinal();
    }
  }

  /**
   * One node: its hardware, its state and its totals so far.
   *
   * @param memoryUsedBytes Dom0, guests and reservations
   * @param hypervisor a type-2 node's kind; null for a type-1 node (the console's answers about Xen nodes stay
   *     as they were)
   */
  public record NodeRow(String name, NodeState state, int cores, double ghz, boolean hvm, long memoryBytes,
      long memoryUsedBytes, int domains, double busyCoreSeconds, double dom0CoreSeconds, double energyJoules,
      boolean poolMaster, io.domsim.config.HypervisorKind hypervisor) {

    public NodeRow {
      hypervisor = hypervisor == io.domsim.config.HypervisorKind.TYPE_1 ? null : hypervisor;
    }

    /** A type-1 node. */
    public NodeRow(String name, NodeState state, int cores, double ghz, boolean hvm, long memoryBytes,
        long memoryUsedBytes, int domains, double busyCoreSeconds, double dom0CoreSeconds, double energyJoules,
        boolean poolMaster) {
      this(name, state, cores, ghz, hvm, memoryBytes, memoryUsedBytes, domains, busyCoreSeconds, dom0CoreSeconds,
          energyJoules, poolMaster, null);
    }
  }

  /**
   * One domain. A Dom0 has the name {@code Domain-0}, id 0 and no type.
   *
   * @param domid null when the domain is not on a node now
   * @param node where it runs, or where it was last (null if it never started)
   * @param cpuSeconds CPU time of its domain on {@code node}
   * @param note what the state alone does not say (why it is gone, where it is migrating), or null
   * @param netTxBytes what it has sent on the network on {@code node} (xentop's NETTX): a guest's share of its I/O
   *     on the NIC ({@code hypervisor.costs.network-bytes-per-io}, half out), Dom0's the migration streams it sent
   * @param netRxBytes ... and received (NETRX)
   */
  public record DomainRow(String name, Integer domid, String node, GuestType type, long memoryBytes, int vcpus,
      DomainState state, double cpuSeconds, String note, long netTxBytes, long netRxBytes) {

    /** A domain that has put nothing on the network. */
    public DomainRow(String name, Integer domid, String node, GuestType type, long memoryBytes, int vcpus,
        DomainState state, double cpuSeconds, String note) {
      this(name, domid, node, type, memoryBytes, vcpus, state, cpuSeconds, note, 0, 0);
    }

    public boolean dom0() {
      return type == null;
    }
  }

  /**
   * One migration. While in flight: its phase, what has crossed so far including the part of the round on
   * the wire, what the current round still has to send, the wire's rate now, the dirty rate and downtime the
   * last round points to. Once ended: its outcome and its record's figures.
   *
   * @param phase where it stands now (its outcome once ended)
   */
  public record MigrationRow(String id, String guest, GuestType type, String from, String to, String algorithm,
      Phase phase, String reason, double requestedAtS, Double finishedAtS, int rounds, long bytesSent,
      Long bytesRemaining, Double bitsPerSecond, Double dirtyBytesPerSecond, Double expectedDowntimeS,
      Double downtimeS) {

    public boolean ended() {
      return phase.finished();
    }
  }
}
