package io.domsim.config;

/** first-fit: the first node (in configuration order) that fits; best-fit: the least free memory left; worst-fit: the most. */
public enum PlacementPolicyName {
  FIRST_FIT, BEST_FIT, WORST_FIT;

  public String configName() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
}
