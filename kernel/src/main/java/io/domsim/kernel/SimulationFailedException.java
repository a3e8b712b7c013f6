package io.domsim.kernel;

/**
 * Thrown (or used to complete a future exceptionally) when the run ended because something in the
 * simulated world failed; {@link #failure()} says what, and the cause is the actor's own exception.
 */
public final class SimulationFailedException extends RuntimeException {
  private final SimulationFailure failure;

  public SimulationFailedException(SimulationFailure failure) {
    super(failure.describe(), failure.cause());
    this.failure = failure;
  }

  public SimulationFailure failure() {
    return failure;
  }
}
