package io.domsim.config;

/**
 * Cluster-level scheduling: where guests without a node start.
 *
 * @param placement the name of a placement policy plug-in ({@code first-fit}, {@code best-fit}, ...)
 */
public record SchedulerSpec(String placement) {}
