package io.domsim.config;

/**
 * One bare-metal machine.
 *
 * @param nicBitsPerSecond NIC line rate in bits per second
 */
public record NodeSpec(
    String name,
    int cores,
    double ghz,
    boolean hvmSupport,
    long memoryBytes,
    long nicBitsPerSecond,
    PowerSpec power,
    Dom0Spec dom0) {}
