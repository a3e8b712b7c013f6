package io.domsim.config;

import java.time.Duration;

/**
 * What a guest does, on average.
 *
 * @param cpu fraction of the guest's vCPUs it keeps busy, 0..1
 * @param dirtyRate 4 KiB pages written per second, spread over the working set
 * @param workingSetBytes the memory its writes fall into
 * @param ioRate I/O operations per second (disk and network together)
 * @param variability coefficient of variation of the load around its mean (0 = constant)
 * @param phaseMean mean time the load stays at one level before a new level is drawn
 */
public record WorkloadSpec(
    double cpu, double dirtyRate, long workingSetBytes, double ioRate, double variability, Duration phaseMean) {}
