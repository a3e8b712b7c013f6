package io.domsim.cli.chaos;

import io.domsim.config.GuestType;
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
   * then each kind's faults; then a guest of each type (pv, hvm, pvh, pvhvm) that some node can run, created
   * early in the run and migrated once ({@link #typedGuests}). The migrations, each kind and the typed guests
   * draw from their own split of the seed's stream, so leaving a kind out of {@code --faults} leaves the
   * migrations, the typed guests and the other kinds' faults as they were (recover follows the crashes).
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
    SplittableRandom typed = root.split(); // split last, so that the draws above are those of before
    for (FaultKind kind : FaultKind.values()) {
      plan.useStream(streams[kind.ordinal()]);
      if (kinds.contains(kind)) {
        kind.inject(plan);
      }
    }
    plan.useStream(typed);
    return plan.build(seed, count + typedGuests(base, plan));
  }

  /** What a created guest does: a little of everything a migration and the cost model see. */
  private static final String TYPED_WORKLOAD =
      "workload { cpu = 0.3, io-rate = 100, dirty-rate = 3000, working-set = 16MiB }";

  /**
   * Creates a guest of each type that some node can run, in a random order, each at a random time in the run's
   * first 5% on a random node that can run it, and asks for one migration of each (from 10% to 70% of the run,
   * four times in five to another such node, else to any of them, its own included, which is refused), with a
   * random algorithm and stop rule: whatever types the cluster file has, every run migrates PV, HVM, PVH and
   * PVHVM guests.
   *
   * @return the migrations asked for
   */
  static int typedGuests(ChaosBase base, FaultPlan plan) {
    SplittableRandom random = plan.random();
    List<GuestType> types = new java.util.ArrayList<>(List.of(GuestType.values()));
    for (int i = types.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      types.set(i, types.set(j, types.get(i)));
    }
    long duration = base.durationMillis();
    long window = Math.max(1, duration * 7 / 10 - duration / 10);
    int migrations = 0;
    for (GuestType type : types) {
      List<String> nodes = base.nodesFor(type);
      if (nodes.isEmpty()) {
        continue;
      }
      String name = "chaos-" + type.configName();
      for (int n = 2; base.guests().contains(name); n++) {
        name = "chaos-" + type.configName() + "-" + n;
      }
      long created = 1 + random.nextLong(Math.max(1, duration / 20));
      String on = plan.pick(nodes);
      plan.create(created, "{ name = " + FaultPlan.q(name) + ", type = " + type.configName() + ", node = "
          + FaultPlan.q(on) + ", vcpus = 1, memory = 128MiB, " + TYPED_WORKLOAD + " }");
      long at = Math.max(created + 1, duration / 10 + random.nextLong(window));
      List<String> elsewhere = nodes.stream().filter(n -> !n.equals(on)).toList();
      String to = plan.pick(random.nextInt(5) == 0 || elsewhere.isEmpty() ? nodes : elsewhere);
      plan.migrate(at, name, to, plan.pick(base.algorithms()), plan.pick(base.stopRules()));
      migrations++;
    }
    return migrations;
  }
}
