package io.domsim.config;

/** What the hypervisor reserves for domain 0 at boot; weight is its credit-scheduler weight. */
public record Dom0Spec(int vcpus, long memoryBytes, int weight) {}
