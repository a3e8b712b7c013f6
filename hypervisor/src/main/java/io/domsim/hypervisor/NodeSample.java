package io.domsim.hypervisor;

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

  /** Where a hypervisor sends its samples (the node's meters). Called on the simulation thread. */
  @FunctionalInterface
  public interface Sink {
    void accept(NodeSample sample);
  }
}
