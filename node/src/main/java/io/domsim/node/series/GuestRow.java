package io.domsim.node.series;

import io.domsim.config.GuestType;
import io.domsim.hypervisor.DomainState;

/**
 * One guest domain at one sample of its node: guests.csv.gz's row. A guest in migration has a domain at
 * both ends (one running or suspended, the other paused), so it has a row from each.
 *
 * @param cpuDemandCores what its workload asks at that instant, in cores of the node
 * @param cpuServedCores what of that it gets at that instant (useful compute)
 * @param cpuUsedCores the cores it takes at that instant, virtualization overhead included
 */
public record GuestRow(long atNanos, String guest, String node, GuestType type, double cpuDemandCores,
    double cpuServedCores, double cpuUsedCores, long memoryBytes, DomainState state) implements SeriesRow {}
