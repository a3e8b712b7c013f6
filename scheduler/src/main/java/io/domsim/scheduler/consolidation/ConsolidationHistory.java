package io.domsim.scheduler.consolidation;

import io.domsim.scheduler.PoolProtocol.GuestLoad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each guest's CPU demand history, one value per consolidation interval (its mean demand over the interval
 * as its host measured it), kept by guest so that it follows the guest from host to host; at most
 * {@link DataCentre#HISTORY_LENGTH} values. Pure: the consolidator feeds it each round's reports.
 */
public final class ConsolidationHistory {
  private final Map<String, Integer> configOrder = new HashMap<>(); // lookups only, never iterated
  private final Map<String, double[]> histories = new TreeMap<>();

  /** @param guestOrder the configured guests in configuration order; any other guest comes after, by name */
  public ConsolidationHistory(List<String> guestOrder) {
    for (int i = 0; i < guestOrder.size(); i++) {
      configOrder.put(guestOrder.get(i), i);
    }
  }

  /**
   * Adds this round's values and returns the view's guests: those reported, in configuration order.
   *
   * @param loads every guest reported this round (a guest on a host that did not answer is left out, and
   *     keeps its history for a later round)
   * @param hostOf which host reported each guest
   */
  public List<DataCentre.Guest> record(List<GuestLoad> loads, Map<String, String> hostOf) {
    List<GuestLoad> ordered = new ArrayList<>(loads);
    ordered.sort(Comparator.comparingInt((GuestLoad g) -> configOrder.getOrDefault(g.guest(), Integer.MAX_VALUE))
        .thenComparing(GuestLoad::guest));
    List<DataCentre.Guest> guests = new ArrayList<>(ordered.size());
    for (GuestLoad g : ordered) {
      double[] h = append(histories.get(g.guest()), Math.max(0, g.meanDemandMhz()));
      histories.put(g.guest(), h);
      guests.add(new DataCentre.Guest(g.guest(), hostOf.get(g.guest()), g.memoryBytes(), g.hvm(), g.capacityMhz(),
          Math.max(0, g.demandMhz()), h, g.migratingTo()));
    }
    return guests;
  }

  /** The history of {@code guest}, oldest first (empty when it has none). */
  public double[] of(String guest) {
    double[] h = histories.get(guest);
    return h == null ? new double[0] : h.clone();
  }

  private static double[] append(double[] h, double value) {
    if (h == null) {
      return new double[] {value};
    }
    int keep = Math.min(h.length, DataCentre.HISTORY_LENGTH - 1);
    double[] out = Arrays.copyOfRange(h, h.length - keep, h.length + 1);
    out[keep] = value;
    return out;
  }
}
