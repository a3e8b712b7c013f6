package io.domsim.kernel;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Seeded per-entity random streams: the same (seed, name) always gives the same sequence. */
public final class RandomStreams {
  private RandomStreams() {}

  public static SplittableRandom forEntity(long seed, String name) {
    return new SplittableRandom(seedFor(seed, name));
  }

  /** The seed of {@link #forEntity}'s stream (what {@link EntityRandom} starts from). */
  static long seedFor(long seed, String name) {
    // FNV-1a over the UTF-8 name, then mixed with the seed: stable across JVMs and Java versions.
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return mix(seed ^ mix(h));
  }

  /** SplitMix64's finaliser: spreads nearby inputs over the whole range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
