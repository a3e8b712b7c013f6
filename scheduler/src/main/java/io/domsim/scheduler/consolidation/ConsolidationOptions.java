package io.domsim.scheduler.consolidation;

/**
 * What a consolidation step may do besides moving guests off overloaded hosts.
 *
 * @param switchOffIdle empty under-loaded hosts (step 4) and switch off hosts without guests
 * @param powerOnWhenNothingFits power a host on for a guest leaving an overloaded host that fits on no host
 *     that is on
 */
public record ConsolidationOptions(boolean switchOffIdle, boolean powerOnWhenNothingFits) {

  /** Moves off overloaded hosts only; no host changes power state. */
  public static final ConsolidationOptions OVERLOAD_ONLY = new ConsolidationOptions(false, false);
}
