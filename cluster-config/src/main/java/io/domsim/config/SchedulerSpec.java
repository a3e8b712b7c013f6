package io.domsim.config;

/**
 * Cluster-level scheduling: where guests without a node start, and whether running guests are moved.
 *
 * @param placement the name of a placement policy plug-in ({@code first-fit}, {@code best-fit}, ...)
 * @param consolidation dynamic consolidation: its policies and their settings
 */
public record SchedulerSpec(String placement, ConsolidationSpec consolidation) {}
