package io.domsim.config;

/** Cluster-level scheduling: where guests without a node start. */
public record SchedulerSpec(PlacementPolicyName placement) {}
