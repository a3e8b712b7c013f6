package io.domsim.kernel;

import java.util.random.RandomGenerator;

/**
 * An entity's random stream ({@link RandomStreams#forEntity}), bit for bit, as a class to extend: the
 * stream's state then sits in the extending object rather than in a {@link java.util.SplittableRandom}
 * of its own. In a large run an entity that draws at every event (a guest's workload: a phase length and
 * a level, 10,000 guests) is far from the caches each time, and a separate generator object is one more
 * cache miss per draw. The algorithm is SplittableRandom's (SplitMix64 with its golden gamma, Stafford's
 * mix13); the draws derived from nextLong (nextDouble, nextGaussian, nextExponential, bounded longs and
 * doubles) are RandomGenerator's defaults, which SplittableRandom uses too. SplittableRandom's own 32-bit
 * draws (nextInt, nextBoolean, nextFloat and what derives from them) are not reproduced: they throw.
 * EntityRandomTest checks the sequences against SplittableRandom's.
 */
public class EntityRandom implements RandomGenerator {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private long state;

  /** The stream of entity {@code name} in a run of seed {@code seed}. */
  protected EntityRandom(long seed, String name) {
    this.state = RandomStreams.seedFor(seed, name);
  }

  @Override
  public long nextLong() {
    long z = state += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Not SplittableRandom's: use the entity's own {@link SimEntity#random()} for 32-bit draws. */
  @Override
  public int nextInt() {
    throw new UnsupportedOperationException("EntityRandom draws longs and doubles only; use SimEntity.random()");
  }

  /** Not SplittableRandom's: use the entity's own {@link SimEntity#random()} for 32-bit draws. */
  @Override
  public float nextFloat() {
    throw new UnsupportedOperationException("EntityRandom draws longs and doubles only; use SimEntity.random()");
  }
}
