package io.domsim.cli.chaos;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws the variations of a chaos session: the seed of each run from the session's seed, and from a run's
 * seed alone (with the cluster and the fault kinds) its variation, so that {@code --runs 1 --seed X}
 * gives back run X's variation whatever else the session ran.
 */
public final class Variations {
  private Variations() {}

  /**
   * The seeds of runs 0 to {@code runs - 1}: run 0 has the session's own seed (so a reproducer's
   * {@code --runs 1 --seed X} is run X again), the others, never negative, follow from a stream seeded by it.
   */
  public static long[] runSeeds(long sessionSeed, int runs) {
    long[] seeds = new long[runs];
    SplittableRandom stream = new SplittableRandom(~sessionSeed);
    for (int i = 0; i < runs; i++) {
      seeds[i] = i == 0 ? sessionSeed : stream.nextLong() & Long.MAX_VALUE; // never negative: reads as one word
    }
    return seeds;
  }

  /**
   * The variation of run {@code seed}: between one and twice as many migrations as guests, at random times
   * in the run's first 70% (from 5%), each of a random guest to a random node with a random algorithm and
   * stop rule of this build (four times in five a guest not asked to move in the last few seconds, to a
   * node that can host it and where it should not be already; else any guest to any node, so that
   * refusals happen too);
   * then each kind's faults. The migrations and each kind draw from their own split of the seed's stream,
   * so leaving a kind out of {@code --faults} leaves the migrations and the other kinds' faults as they were
   * (recover follows the crashes).
   */
  public static Variation generate(ChaosBase base, Set<FaultKind> kinds, long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom migrations = root.split();
    SplittableRandom[] streams = new SplittableRandom[FaultKind.values().length];
    for (int k = 0; k < streams.length; k++) {
      streams[k] = root.split();
    }
    FaultPlan plan = new FaultPlan(base, migrations);
    long duration = base.durationMillis();
    long from = duration / 20;
    long window = Math.max(1, duration * 7 / 10 - from);
    int count = 1 + migrations.nextInt(2 * base.guests().size());
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      times[i] = Math.max(1, from + migrations.nextLong(window));
    }
    java.util.Arrays.sort(times);
    // Where each guest would be if every migration so far completed: destinations are mostly elsewhere, and
    // mostly able to host the guest, so that most requests start (the rest are refusals worth having too).
    // A guest's next request mostly waits for its last one to be likely done (else it is refused: migrating).
    java.util.Map<String, String> at = new java.util.TreeMap<>(base.pinnedTo());
    java.util.Map<String, Long> asked = new java.util.TreeMap<>();
    long gap = Math.min(5_000, duration / 5);
    for (long time : times) {
      List<String> idle = base.guests().stream().filter(g -> asked.getOrDefault(g, Long.MIN_VALUE / 2) + gap <= time)
          .toList();
      String guest = plan.pick(migrations.nextInt(5) == 0 || idle.isEmpty() ? base.guests() : idle);
      asked.put(guest, time);
      List<String> fitting = base.hvmGuests().contains(guest) ? base.hvmNodes() : base.nodes();
      List<String> elsewhere = fitting.stream().filter(n -> !n.equals(at.get(guest))).toList();
      String to = plan.pick(migrations.nextInt(5) == 0 || elsewhere.isEmpty() ? base.nodes() : elsewhere);
      plan.migrate(time, guest, to, plan.pick(base.algorithms()), plan.pick(base.stopRules()));
      at.put(guest, to);
    }
    for (FaultKind kind : FaultKind.values()) {
      plan.useStream(streams[kind.ordinal()]);
      if (kinds.contains(kind)) {
        kind.inject(plan);
      }
    }
    return plan.build(seed, count);
  }
}
