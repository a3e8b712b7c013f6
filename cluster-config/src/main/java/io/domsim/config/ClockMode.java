package io.domsim.config;

/** virtual: as fast as possible and deterministic; real: simulated time = wall time x speed. */
public enum ClockMode {
  VIRTUAL, REAL;

  public String configName() { return name().toLowerCase(java.util.Locale.ROOT); }
}
