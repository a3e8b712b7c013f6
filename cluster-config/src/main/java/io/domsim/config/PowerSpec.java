package io.domsim.config;

/** Linear power model: idle watts at 0% CPU, max watts at 100%. */
public record PowerSpec(double idleWatts, double maxWatts) {}
