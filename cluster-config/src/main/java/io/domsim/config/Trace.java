package io.domsim.config;

import java.util.Arrays;

/**
 * A workload trace: a guest's CPU utilisation as whole percents, one value per trace interval (the PlanetLab
 * format: one integer from 0 to 100 per line). Immutable; read once per file and shared by every guest that
 * names the file, so a byte per value is all it costs (the 1,052 files of a PlanetLab day take 300 KB).
 */
public final class Trace {

  private final String file;
  private final byte[] percents;
  private final double mean;

  /**
   * @param file the file as messages name it
   * @param percents the values, each 0..100; copied
   */
  public Trace(String file, byte[] percents) {
    if (percents.length == 0) {
      throw new IllegalArgumentException("a trace has at least one value");
    }
    long sum = 0;
    for (byte p : percents) {
      if (p < 0 || p > 100) {
        throw new IllegalArgumentException("a trace value is a percent from 0 to 100, not " + p);
      }
      sum += p;
    }
    this.file = file;
    this.percents = percents.clone();
    this.mean = sum / (100.0 * percents.length);
  }

  /** The file as messages name it (relative to where domsim was started, or absolute). */
  public String file() {
    return file;
  }

  /** The number of values. */
  public int length() {
    return percents.length;
  }

  /** The {@code i}-th value, a whole percent from 0 to 100. */
  public int percent(int i) {
    return percents[i];
  }

  /** The mean of the values as a fraction 0..1: what stands for the guest's mean load (its {@code cpu}). */
  public double mean() {
    return mean;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Trace t && file.equals(t.file) && Arrays.equals(percents, t.percents);
  }

  @Override
  public int hashCode() {
    return file.hashCode() * 31 + Arrays.hashCode(percents);
  }

  @Override
  public String toString() {
    return "Trace[" + file + ", " + percents.length + " values]";
  }
}
