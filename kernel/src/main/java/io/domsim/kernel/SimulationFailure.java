package io.domsim.kernel;

import java.math.BigDecimal;

/**
 * The first failure inside the simulated world: which actor (its path, or what else failed on the
 * simulation thread), at what simulated time, and what it threw. The run ends with it.
 */
public record SimulationFailure(String actor, long atNanos, Throwable cause) {

  /** One line for a person: the actor, the simulated time and the exception, without a stack trace. */
  public String describe() {
    String seconds = BigDecimal.valueOf(atNanos, 9).stripTrailingZeros().toPlainString();
    // An exception message may span lines; the summary must stay one.
    String what = String.valueOf(cause).strip().replaceAll("\\s*\\R\\s*", " ");
    return actor + " failed at simulated time " + seconds + " s: " + what;
  }
}
