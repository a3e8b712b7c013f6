package io.domsim.config;

/**
 * Cluster-level scheduling: where guests without a node start, and whether running guests are moved.
 *
 * @param placement the name of a placement policy plug-in ({@code first-fit}, {@code best-fit}, ...)
 * @param consolidation the name of a consolidation policy plug-in ({@code none}, ...)
 */
public record SchedulerSpec(String placement, String consolidation) {}
