package io.domsim.node;

import java.util.List;

/**
 * What a run produced: the material of report.json (field names become snake_case there) and of the
 * end-of-run table. Nodes and guests are in configuration order.
 */
public record RunResult(
    long seed, String clock, double simulatedSeconds, long simulatedEvents, List<NodeResult> nodes,
    List<GuestResult> guests, List<MigrationResult> migrations) {

  public RunResult {
    nodes = List.copyOf(nodes);
    guests = List.copyOf(guests);
    migrations = List.copyOf(migrations);
  }

  /** The same result with the kernel's count of simulated events (timers fired), known only after the run. */
  public RunResult withSimulatedEvents(long events) {
    return new RunResult(seed, clock, simulatedSeconds, events, nodes, guests, migrations);
  }

  /** One node at the end of the run; averages are exact time integrals over the whole run. */
  public record NodeResult(
      String name, int cores, long memoryBytes, boolean hvmSupport, double cpuUtilizationAvg,
      double dom0CpuUtilizationAvg, long memoryUsedBytesEnd, int guestsEnd, long hypercalls, long vmExits,
      double energyJoules, double powerWattsAvg, boolean failed) {}

  /**
   * One guest. {@code nodeStart}/{@code nodeEnd} are null where it never started or was lost;
   * {@code stateEnd} is running, paused, lost or not-started; {@code reason} says why when it is not running.
   */
  public record GuestResult(
      String name, String type, int vcpus, long memoryBytes, String nodeStart, String nodeEnd, String stateEnd,
      double cpuSeconds, double usefulCpuSeconds, long ioCompleted, long hypercalls, long vmExits, String reason) {}

  /** One requested migration (the fields of the live-migration issue). */
  public record MigrationResult(
      String guest, String type, String from, String to, String algorithm, String policy, double requestedAtS,
      Double startedAtS, Double finishedAtS, Double totalTimeS, Double downtimeS, int rounds, long bytesTransferred,
      long pagesTransferred, String outcome, String reason, List<Round> roundLog, Long pagesMissingAtDestination) {

    public record Round(int round, long pagesSent, long pagesSkipped, long pagesDirtied, double durationS) {}
  }
}
