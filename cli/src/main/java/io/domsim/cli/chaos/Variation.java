package io.domsim.cli.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One chaos run's variation of the cluster: its seed, the scenario that replaces the cluster's own (random
 * migrations and faults, in time order), the settings the faults change, and how many of each were added.
 * It is the cluster file plus {@link #overrides()}, exactly as {@code --set} would give them, so that it
 * can be loaded, checked and written out like any configuration.
 *
 * @param seed the run's seed: the variation's random choices and the simulation's own seed
 */
public record Variation(long seed, List<String> scenario, SortedMap<String, String> settings,
    Map<FaultKind, Integer> faults, int migrations) {

  public Variation {
    scenario = List.copyOf(scenario);
    settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
    EnumMap<FaultKind, Integer> copy = new EnumMap<>(FaultKind.class);
    copy.putAll(faults);
    faults = Collections.unmodifiableMap(copy);
  }

  /**
   * The overrides that turn the cluster file into this variation, to be applied after the user's own: on
   * the virtual clock, with the run's seed, the faults' settings and the scenario.
   */
  public List<String> overrides() {
    List<String> all = new ArrayList<>();
    all.add("simulation.clock=virtual");
    all.add("simulation.seed=" + seed);
    settings.forEach((path, value) -> all.add(path + "=" + value));
    all.add("scenario=[" + String.join(", ", scenario) + "]");
    return all;
  }

  public int faultCount(FaultKind kind) {
    return faults.getOrDefault(kind, 0);
  }
}
