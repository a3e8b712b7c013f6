package io.domsim.config;

/**
 * {@code workload.resident}: the part of a guest's memory it has ever touched, as a size or as a fraction of
 * its memory (the rest are pages it never touched: zero, or unpopulated). {@link #ALL}, the default, is all of
 * memory.
 *
 * @param bytes the size given, or -1 when given as a fraction
 * @param fraction the fraction of memory given (0..1), or NaN when given as a size
 */
public record Resident(long bytes, double fraction) {

  /** All of memory: every page touched (the default). */
  public static final Resident ALL = new Resident(-1, 1.0);

  public Resident {
    boolean isSize = bytes >= 0 && Double.isNaN(fraction);
    boolean isFraction = bytes == -1 && fraction >= 0 && fraction <= 1;
    if (!isSize && !isFraction) {
      throw new IllegalArgumentException("resident is a size of at least 0 or a fraction from 0 to 1, not "
          + bytes + " bytes / " + fraction);
    }
  }

  public static Resident ofBytes(long bytes) {
    return new Resident(bytes, Double.NaN);
  }

  public static Resident ofFraction(double fraction) {
    return new Resident(-1, fraction);
  }

  /** The resident bytes of a guest of {@code memoryBytes}: at most its memory. */
  public long bytesOf(long memoryBytes) {
    return bytes >= 0 ? Math.min(bytes, memoryBytes) : Math.round(fraction * memoryBytes);
  }
}
