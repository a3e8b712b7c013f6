package io.domsim.config;

import java.time.Duration;

/** How the run advances: which clock, for how long, with which seed and sampling period. */
public record SimulationSpec(ClockMode clock, double speed, Duration duration, long seed, Duration sampleInterval) {

  public SimulationSpec withClock(ClockMode c) { return new SimulationSpec(c, speed, duration, seed, sampleInterval); }
  public SimulationSpec withSpeed(double s) { return new SimulationSpec(clock, s, duration, seed, sampleInterval); }
  public SimulationSpec withDuration(Duration d) { return new SimulationSpec(clock, speed, d, seed, sampleInterval); }
  public SimulationSpec withSeed(long s) { return new SimulationSpec(clock, speed, duration, s, sampleInterval); }
}
