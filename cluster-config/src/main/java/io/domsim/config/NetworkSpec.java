package io.domsim.config;

import java.time.Duration;

/** The network between nodes: every cross-node message arrives {@code latency} later. */
public record NetworkSpec(Duration latency) {}
