package io.domsim.hypervisor;

import io.domsim.config.GuestType;

/**
 * One sampling period of a node, averaged over the period that ends at {@code atNanos}.
 *
 * @param hypercalls hypercalls made during the period (Dom0 included)
 * @param vmExits VM exits taken during the period
 * @param energyJoules energy drawn during the period
 * @param guestNetworkBitsPerSecond what the guests' I/O puts on the NIC now (both directions)
 */
public record NodeSample(
    long atNanos, double cpuUtilization, double dom0CpuUtilization, long memoryUsedBytes, double hypercalls,
    double vmExits, double watts, double energyJoules, int guests, double guestNetworkBitsPerSecond) {

  /** Whether the machine runs its hypervisor, is switched off, or has crashed. */
  public enum State { UP, OFF, FAILED }

  /**
   * One guest domain at a sample instant, as the rates stand then (not averaged over the period: the
   * per-domain integrals accrue lazily, and reading them at every sample would split their intervals).
   *
   * @param demandCores what its workload asks now, in cores of this node
   * @param servedCores what of that it gets now (its useful compute: the SLA figures' served demand)
   * @param usedCores the cores it takes now, virtualization overhead (hypercalls, VM exits, I/O) included
   */
  public record GuestSample(String guest, GuestType type, double demandCores, double servedCores, double usedCores,
      long memoryBytes, DomainState state) {}

  /** Where a hypervisor sends its samples (the node's meters). Called on the simulation thread. */
  @FunctionalInterface
  public interface Sink {
    void accept(NodeSample sample);

    /**
     * The machine changed state at {@code atNanos}: after the last sample of the old state, before the first
     * of the new one (a crash or a switch-off: the period up to it, then this, then the gauges of a machine
     * that is down; a boot: this, then the first gauges).
     */
    default void state(long atNanos, State state) {}

    /** Whether {@link #guest} is wanted: without it the hypervisor builds no guest sample. */
    default boolean wantsGuests() {
      return false;
    }

    /** A guest at the instant of the sample just sent, one call per guest domain, in domid order. */
    default void guest(long atNanos, GuestSample guest) {}
  }
}
