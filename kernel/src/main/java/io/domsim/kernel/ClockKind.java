package io.domsim.kernel;

/** VIRTUAL jumps to the next timer whenever the simulation is idle; REAL paces simulated time by the wall clock. */
public enum ClockKind { VIRTUAL, REAL }
