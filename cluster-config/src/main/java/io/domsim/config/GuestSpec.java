package io.domsim.config;

import java.util.Optional;

/**
 * A guest domain (DomU).
 *
 * @param node where it starts; empty means the pool master places it
 * @param weight its credit-scheduler weight (Xen's default is 256)
 */
public record GuestSpec(
    String name, GuestType type, int vcpus, long memoryBytes, int weight, Optional<String> node,
    WorkloadSpec workload) {}
