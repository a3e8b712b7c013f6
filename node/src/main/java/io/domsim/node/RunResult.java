package io.domsim.node;

import io.domsim.config.GuestType;
import io.domsim.config.HypervisorKind;
import io.domsim.migration.Phase;
import io.domsim.scheduler.consolidation.SlaMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a run produced: the material of report.json (field names become snake_case there, enums their
 * {@code configName()}/{@code reportName()}) and of the end-of-run table. Nodes and guests are in
 * configuration order.
 */
public record RunResult(
    long seed, String clock, double simulatedSeconds, long simulatedEvents, List<NodeResult> nodes,
    List<GuestResult> guests, List<MigrationResult> migrations, Double maxWallLagSeconds,
    List<Operation> operations) {

  /**
   * {@code maxWallLagSeconds}, the one wall-clock measure here: on the real clock, the most wall time by
   * which the simulation reached an event after its paced instant (it could not keep up with the speed:
   * the results are exact, the run was slower than asked); null on the virtual clock. {@code operations}
   * are the operator's verbs other than migrations (a guest's create, destroy, pause, unpause, shutdown; a
   * node's power-off and power-on), by time of request.
   */
  public RunResult {
    nodes = List.copyOf(nodes);
    guests = List.copyOf(guests);
    migrations = List.copyOf(migrations);
    operations = List.copyOf(operations);
  }

  /** A result with no operations to list. */
  public RunResult(long seed, String clock, double simulatedSeconds, long simulatedEvents, List<NodeResult> nodes,
      List<GuestResult> guests, List<MigrationResult> migrations, Double maxWallLagSeconds) {
    this(seed, clock, simulatedSeconds, simulatedEvents, nodes, guests, migrations, maxWallLagSeconds, List.of());
  }

  /** A result without a wall-clock lag (the virtual clock's, or one not yet measured) and no lifecycle verbs. */
  public RunResult(long seed, String clock, double simulatedSeconds, long simulatedEvents, List<NodeResult> nodes,
      List<GuestResult> guests, List<MigrationResult> migrations) {
    this(seed, clock, simulatedSeconds, simulatedEvents, nodes, guests, migrations, null, List.of());
  }

  /**
   * The same result with what the kernel knows only after the run: the count of simulated events (timers
   * fired) and, on the real clock, the lag (null on the virtual clock).
   */
  public RunResult withKernelMeasures(long events, Double maxWallLagSeconds) {
    return new RunResult(seed, clock, simulatedSeconds, events, nodes, guests, migrations, maxWallLagSeconds,
        operations);
  }

  /**
   * One node at the end of the run; averages are exact time integrals over the whole run (a node that was
   * down for part of it counts that part as off: no CPU, no power). {@code failed} says whether it is down
   * at the end; {@code activeSeconds} is the time it was up (running its hypervisor). {@code outages} lists when it was down, for a node that was recovered at least once, and is
   * null otherwise (a node that failed for good says so with {@code failed} alone). {@code fullSeconds} is the
   * time every core was busy (the guests asked for more than the node has: SLATAH's numerator).
   * {@code hypervisor} is a type-2 node's kind, null for a type-1 node (reports of type-1 clusters stay as they
   * were); on a type-2 node {@code dom0CpuUtilizationAvg} is its host OS's.
   */
  public record NodeResult(
      String name, int cores, long memoryBytes, boolean hvmSupport, double cpuUtilizationAvg,
      double dom0CpuUtilizationAvg, long memoryUsedBytesEnd, int guestsEnd, long hypercalls, long vmExits,
      double energyJoules, double powerWattsAvg, double activeSeconds, boolean failed, List<Outage> outages,
      double fullSeconds, HypervisorKind hypervisor) {

    public NodeResult {
      outages = outages == null ? null : List.copyOf(outages);
      hypervisor = hypervisor == HypervisorKind.TYPE_1 ? null : hypervisor;
    }

    /** A type-1 node. */
    public NodeResult(String name, int cores, long memoryBytes, boolean hvmSupport, double cpuUtilizationAvg,
        double dom0CpuUtilizationAvg, long memoryUsedBytesEnd, int guestsEnd, long hypercalls, long vmExits,
        double energyJoules, double powerWattsAvg, double activeSeconds, boolean failed, List<Outage> outages,
        double fullSeconds) {
      this(name, cores, memoryBytes, hvmSupport, cpuUtilizationAvg, dom0CpuUtilizationAvg, memoryUsedBytesEnd,
          guestsEnd, hypercalls, vmExits, energyJoules, powerWattsAvg, activeSeconds, failed, outages, fullSeconds,
          null);
    }

    /** The node's hypervisor: type-1 unless it says otherwise. */
    public HypervisorKind kind() {
      return hypervisor == null ? HypervisorKind.TYPE_1 : hypervisor;
    }

    /** A node that never ran out of CPU. */
    public NodeResult(String name, int cores, long memoryBytes, boolean hvmSupport, double cpuUtilizationAvg,
        double dom0CpuUtilizationAvg, long memoryUsedBytesEnd, int guestsEnd, long hypercalls, long vmExits,
        double energyJoules, double powerWattsAvg, double activeSeconds, boolean failed, List<Outage> outages) {
      this(name, cores, memoryBytes, hvmSupport, cpuUtilizationAvg, dom0CpuUtilizationAvg, memoryUsedBytesEnd,
          guestsEnd, hypercalls, vmExits, energyJoules, powerWattsAvg, activeSeconds, failed, outages, 0);
    }
  }

  /**
   * The run in a few figures, the ones a consolidation study compares (Beloglazov and Buyya 2012): energy
   * over all nodes, completed migrations, and how many nodes were active on average.
   */
  public Summary summary() {
    double joules = 0;
    double active = 0;
    for (NodeResult n : nodes) {
      joules += n.energyJoules();
      active += n.activeSeconds();
    }
    int completed = 0;
    for (MigrationResult m : migrations) {
      if (m.outcome() == MigrationOutcome.COMPLETED) {
        completed++;
      }
    }
    List<SlaMetrics.HostTime> hosts = new ArrayList<>();
    for (NodeResult n : nodes) {
      if (n.activeSeconds() > 0) {
        hosts.add(new SlaMetrics.HostTime(n.activeSeconds(), Math.min(n.fullSeconds(), n.activeSeconds())));
      }
    }
    List<SlaMetrics.GuestDemand> demands = new ArrayList<>();
    for (GuestResult g : guests) {
      if (g.requestedCpuSeconds() > 0) {
        demands.add(new SlaMetrics.GuestDemand(g.requestedCpuSeconds(),
            Math.min(g.unservedCpuSeconds(), g.requestedCpuSeconds()),
            Math.min(g.unservedMigratingCpuSeconds(), g.unservedCpuSeconds())));
      }
    }
    double kwh = joules / JOULES_PER_KWH;
    SlaMetrics.Sla sla = SlaMetrics.paper(hosts, demands, kwh);
    return new Summary(kwh, completed, simulatedSeconds > 0 ? active / simulatedSeconds : 0, sla.slatah(), sla.pdm(),
        sla.slav(), sla.esv(), demands.isEmpty() ? 0 : SlaMetrics.overall(demands));
  }

  private static final double JOULES_PER_KWH = 3.6e6;

  /**
   * @param energyKwh energy drawn by every node over the run
   * @param migrations live migrations that completed
   * @param nodesActiveAvg nodes up, averaged over the run's simulated time
   * @param slatah SLA violation time per active host: the mean over hosts of the share of their active time
   *     at 100% CPU (Beloglazov and Buyya 2012, as every figure below)
   * @param pdm performance degradation due to migration: the mean over guests of the share of their CPU
   *     demand left unserved while a migration held them
   * @param slav SLATAH x PDM
   * @param esv energy (kWh) x SLAV
   * @param slaOverall the demand left unserved for any reason over all demand
   */
  public record Summary(double energyKwh, int migrations, double nodesActiveAvg, double slatah, double pdm,
      double slav, double esv, double slaOverall) {

    /** A figure of the summary under its report.json name, for tables and sweeps. */
    public record Figure(String name, double value) {}

    /** Every figure in report order, under its report.json name. */
    public List<Figure> figures() {
      return List.of(new Figure("energy_kwh", energyKwh), new Figure("migrations", migrations),
          new Figure("nodes_active_avg", nodesActiveAvg), new Figure("slatah", slatah), new Figure("pdm", pdm),
          new Figure("slav", slav), new Figure("esv", esv), new Figure("sla_overall", slaOverall));
    }
  }

  /** A node was down from {@code failedAtS} until {@code recoveredAtS} (null: until the end of the run). */
  public record Outage(double failedAtS, Double recoveredAtS) {}

  /**
   * Where a guest stands at the end of the run. Destroyed and shut down are the operator's doing (xl destroy,
   * xl shutdown): the guest is gone, not lost.
   */
  public enum GuestState {
    RUNNING, PAUSED, LOST, NOT_STARTED, DESTROYED, SHUT_DOWN;

    /** running, paused, lost, not-started, destroyed, shut-down: the word report.json and the table use. */
    public String reportName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One guest. {@code nodeStart}/{@code nodeEnd} are null where it never started, was lost or is gone;
   * {@code reason} says why when it is not running. {@code createdAtS} is set for a guest the scenario or the
   * operator created during the run, {@code endedAtS} for one destroyed or shut down (when its domain went).
   * {@code requestedCpuSeconds} is what its workload asked of the CPU (core-seconds at its hosts' speed), of which
   * {@code unservedCpuSeconds} it did not get, {@code unservedMigratingCpuSeconds} of that while a migration held
   * it (PDM's numerator: its downtime, auto-converge's throttle, contention at either end).
   */
  public record GuestResult(
      String name, GuestType type, int vcpus, long memoryBytes, String nodeStart, String nodeEnd,
      GuestState stateEnd, double cpuSeconds, double usefulCpuSeconds, long ioCompleted, long hypercalls,
      long vmExits, String reason, Double createdAtS, Double endedAtS, double requestedCpuSeconds,
      double unservedCpuSeconds, double unservedMigratingCpuSeconds) {

    /** A configured guest that was never destroyed or shut down. */
    public GuestResult(String name, GuestType type, int vcpus, long memoryBytes, String nodeStart, String nodeEnd,
        GuestState stateEnd, double cpuSeconds, double usefulCpuSeconds, long ioCompleted, long hypercalls,
        long vmExits, String reason) {
      this(name, type, vcpus, memoryBytes, nodeStart, nodeEnd, stateEnd, cpuSeconds, usefulCpuSeconds, ioCompleted,
          hypercalls, vmExits, reason, null, null);
    }

    /** A guest whose demand was not measured. */
    public GuestResult(String name, GuestType type, int vcpus, long memoryBytes, String nodeStart, String nodeEnd,
        GuestState stateEnd, double cpuSeconds, double usefulCpuSeconds, long ioCompleted, long hypercalls,
        long vmExits, String reason, Double createdAtS, Double endedAtS) {
      this(name, type, vcpus, memoryBytes, nodeStart, nodeEnd, stateEnd, cpuSeconds, usefulCpuSeconds, ioCompleted,
          hypercalls, vmExits, reason, createdAtS, endedAtS, 0, 0, 0);
    }
  }

  /**
   * One operator verb (scenario or live) other than a migration: a guest's lifecycle (when, which, on which
   * guest, the node it went to: for a create, where the guest started) or a node's power (guest null). How it
   * ended: {@code finishedAtS} when it took effect (a shutdown: when the domain was gone; a power-off: when
   * the node was off; a power-on: when it booted), {@code reason} why it was refused or cut short.
   */
  public record Operation(double atS, OperationAction action, String guest, String node,
      OperationOutcome outcome, Double finishedAtS, String reason, Origin requestedBy) {}

  /** Who asked for a migration or an operation. */
  public enum Origin {
    /** The configuration's scenario timeline. */
    SCENARIO,
    /** An operator at a launched cluster's console or control API. */
    CONSOLE,
    /** The pool master's dynamic consolidation (its moves and power switches). */
    CONSOLIDATION,
    /** The pool master, powering a node on for a created guest that fits nowhere else. */
    POOL_MASTER;

    /** scenario, console, consolidation, pool-master: the word report.json and the table use. */
    public String reportName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** What an operation did: a guest's lifecycle verb or a node's power switch. */
  public enum OperationAction {
    CREATE, DESTROY, PAUSE, UNPAUSE, SHUTDOWN, POWER_OFF, POWER_ON;

    public static OperationAction of(io.domsim.config.GuestOp op) {
      return valueOf(op.name());
    }

    /** create, destroy, pause, unpause, shutdown, power-off, power-on: as in a scenario's {@code action}. */
    public String reportName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How a lifecycle verb ended, or that it had not when the run did (a shutdown still under way). */
  public enum OperationOutcome {
    COMPLETED, IN_PROGRESS, REFUSED, ABORTED;

    /** completed, in-progress, refused, aborted: the word report.json and the table use. */
    public String reportName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** How a requested migration ended, or that it had not when the run did. */
  public enum MigrationOutcome {
    IN_PROGRESS, COMPLETED, ABORTED, FAILED, REFUSED;

    /** The outcome of a migration in {@code phase}; a phase that is not an end means in progress. */
    public static MigrationOutcome of(Phase phase) {
      if (phase == null || !phase.finished()) {
        return IN_PROGRESS;
      }
      return switch (phase) {
        case COMPLETED -> COMPLETED;
        case ABORTED -> ABORTED;
        case FAILED -> FAILED;
        case REFUSED -> REFUSED;
        default -> throw new IllegalArgumentException("not an end: " + phase);
      };
    }

    /** in-progress, completed, aborted, failed, refused: the word report.json and the table use. */
    public String reportName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One requested migration (the fields of the live-migration issue). {@code policy} is the pre-copy
   * stop rule, null for the other algorithms.
   */
  public record MigrationResult(
      String guest, GuestType type, String from, String to, String algorithm, String policy, double requestedAtS,
      Double startedAtS, Double finishedAtS, Double totalTimeS, Double downtimeS, int rounds, long bytesTransferred,
      long pagesTransferred, MigrationOutcome outcome, String reason, List<Round> roundLog,
      Long pagesMissingAtDestination, Origin requestedBy) {

    public record Round(int round, long pagesSent, long pagesSkipped, long pagesDirtied, double durationS) {}
  }
}
