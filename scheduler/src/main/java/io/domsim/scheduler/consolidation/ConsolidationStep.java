package io.domsim.scheduler.consolidation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One optimisation step of Beloglazov and Buyya's dynamic consolidation, as a pure function from the data
 * centre's view to decisions:
 *
 * <ol>
 *   <li>the detector marks the overloaded hosts (those that are on);
 *   <li>from each, in configuration order, the selection picks guests (none migrating) until the detector no
 *       longer calls it overloaded;
 *   <li>the placement puts them on hosts that are on, neither overloaded nor their source (powering one on
 *       if allowed and nothing fits); a guest it cannot place stays;
 *   <li>with {@code switchOffIdle}: repeatedly the least-utilised host that is on (below 100%; not
 *       overloaded, not receiving a guest in this step, not powered on in it, no migration landing on it,
 *       not tried before) is emptied if the placement fits all its guests on other hosts that have guests
 *       and are neither overloaded nor emptied, and switched off; otherwise it stays as it was. Hosts that
 *       are on and hold no guest are switched off too.
 * </ol>
 *
 * <p>Two choices where CloudSim 3.0.3's code departs from the paper's and from its own comments: a host
 * receiving a guest off an overloaded host is not emptied in the same step (CloudSim means to exclude it
 * but reads an empty list), and a host with idle guests (0% CPU) may be emptied (CloudSim counts such a
 * host as switched off, since its power model draws nothing at 0%; domsim's draws idle power).
 */
public final class ConsolidationStep {
  private final OverloadDetector detector;
  private final GuestSelection selection;
  private final ConsolidationPlacement placement;
  private final ConsolidationOptions options;

  public ConsolidationStep(OverloadDetector detector, GuestSelection selection, ConsolidationPlacement placement,
      ConsolidationOptions options) {
    this.detector = Objects.requireNonNull(detector, "detector");
    this.selection = Objects.requireNonNull(selection, "selection");
    this.placement = Objects.requireNonNull(placement, "placement");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * The decisions for {@code dataCentre} now.
   *
   * @param random the only randomness (random selection): the caller seeds it, so a step is reproducible
   */
  public Decisions decide(DataCentre dataCentre, SplittableRandom random) {
    Allocation a = new Allocation(dataCentre, detector);
    int n = a.hostCount();
    boolean[] overloaded = new boolean[n];
    for (int h = 0; h < n; h++) {
      overloaded[h] = a.on(h) && a.overloaded(h);
    }
    boolean[] receiving = new boolean[n];
    List<Decisions.Move> moves = new ArrayList<>();

    List<Integer> leaving = new ArrayList<>();
    for (int h = 0; h < n; h++) {
      if (overloaded[h]) {
        select(a, h, random, leaving);
      }
    }
    leaving.sort(Comparator.naturalOrder());
    List<Integer> placed = placement.place(new ConsolidationPlacement.Request(leaving, h -> !overloaded[h],
        options.powerOnWhenNothingFits(), false), a);
    record(a, placed, Decisions.Reason.OVERLOAD, moves, receiving);
    for (int g : leaving) {
      if (a.hostOf(g) < 0) {
        a.attach(g, a.originalHostOf(g)); // nowhere to go: it stays
      }
    }

    boolean[] emptied = new boolean[n];
    if (options.switchOffIdle()) {
      emptyUnderloaded(a, overloaded, receiving, emptied, moves);
    }

    List<String> powerOn = new ArrayList<>();
    List<String> switchOff = new ArrayList<>();
    for (int h = 0; h < n; h++) {
      if (a.poweredOnThisStep(h)) {
        powerOn.add(a.host(h).name());
      }
      if (emptied[h] || options.switchOffIdle() && idle(a, h) && !keepOn(a, h)) {
        switchOff.add(a.host(h).name());
      }
    }
    return new Decisions(powerOn, moves, switchOff);
  }

  /** Only the hosts that are on and hold no guest, to switch off: what {@code none} does with switch-off-idle. */
  public static Decisions switchOffIdle(DataCentre dataCentre) {
    Allocation a = new Allocation(dataCentre, load -> false);
    List<String> off = new ArrayList<>();
    for (int h = 0; h < a.hostCount(); h++) {
      if (idle(a, h) && !keepOn(a, h)) {
        off.add(a.host(h).name());
      }
    }
    return off.isEmpty() ? Decisions.NONE : new Decisions(List.of(), List.of(), off);
  }

  private static boolean keepOn(Allocation a, int h) {
    return a.keepOn().contains(a.host(h).name());
  }

  private static boolean idle(Allocation a, int h) {
    return a.host(h).power() == DataCentre.Power.ON && !a.hasGuests(h);
  }

  /** Step 2: detaches guests of {@code h} chosen by the selection until it is no longer overloaded. */
  private void select(Allocation a, int h, SplittableRandom random, List<Integer> leaving) {
    while (true) {
      List<Integer> movable = movable(a, h);
      if (movable.isEmpty()) {
        return;
      }
      List<DataCentre.Guest> candidates = new ArrayList<>(movable.size());
      for (int g : movable) {
        candidates.add(a.guest(g));
      }
      int chosen = movable.get(selection.select(candidates, random));
      a.detach(chosen);
      leaving.add(chosen);
      if (!a.overloaded(h)) {
        return;
      }
    }
  }

  /** Step 4. */
  private void emptyUnderloaded(Allocation a, boolean[] overloaded, boolean[] receiving, boolean[] emptied,
      List<Decisions.Move> moves) {
    // A host's utilisation changes only if it receives a guest, which rules it out: one ordering suffices.
    List<Integer> order = new ArrayList<>();
    for (int h = 0; h < a.hostCount(); h++) {
      if (a.on(h) && !keepOn(a, h) && !a.poweredOnThisStep(h) && !overloaded[h] && !receiving[h] && !a.hasIncoming(h)
          && a.utilisation(h) < 1 && !movable(a, h).isEmpty()) {
        order.add(h);
      }
    }
    order.sort(Comparator.comparingDouble(a::utilisation)); // stable: ties in configuration order
    for (int h : order) {
      if (receiving[h]) {
        continue;
      }
      List<Integer> guests = movable(a, h);
      for (int g : guests) {
        a.detach(g);
      }
      int source = h;
      List<Integer> placed = placement.place(new ConsolidationPlacement.Request(guests,
          d -> d != source && !overloaded[d] && !emptied[d] && a.hasGuests(d), false, true), a);
      if (placed.size() == guests.size()) {
        emptied[h] = true;
        record(a, placed, Decisions.Reason.UNDERLOAD, moves, receiving);
      } else {
        for (int g : placed) {
          a.detach(g);
        }
        for (int g : guests) {
          a.attach(g, h);
        }
      }
    }
  }

  /** The guests on {@code h} that may move: placed there and not migrating. */
  private static List<Integer> movable(Allocation a, int h) {
    List<Integer> movable = new ArrayList<>();
    for (int g : a.guestsOn(h)) {
      if (!a.guest(g).migrating()) {
        movable.add(g);
      }
    }
    return movable;
  }

  private static void record(Allocation a, List<Integer> placed, Decisions.Reason reason, List<Decisions.Move> moves,
      boolean[] receiving) {
    for (int g : placed) {
      int to = a.hostOf(g);
      moves.add(new Decisions.Move(a.guest(g).name(), a.host(a.originalHostOf(g)).name(), a.host(to).name(), reason));
      receiving[to] = true;
    }
  }
}
