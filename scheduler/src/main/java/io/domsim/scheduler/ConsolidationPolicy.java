package io.domsim.scheduler;

import io.domsim.scheduler.consolidation.DataCentre;
import io.domsim.scheduler.consolidation.Decisions;
import java.util.SplittableRandom;

/**
 * Decides, every consolidation interval, which running guests to move where and which hosts to power on or
 * off: the pure core of a consolidation policy. The built-ins compose an overload detector, a guest
 * selection and a placement ({@link io.domsim.scheduler.consolidation.ConsolidationStep}); a plug-in may
 * decide any way it likes. The pool master carries the decisions out through the ordinary migration path,
 * so a move the destination cannot take is refused there like any other. A policy is made for one run by
 * its {@link ConsolidationPolicyPlugin} and may keep state across calls.
 *
 * <p>Nothing calls a policy yet: a run creates the configured one before it starts (so that its settings
 * are checked) and the pool-master wiring of the consolidation issue will ask it every interval.
 */
@FunctionalInterface
public interface ConsolidationPolicy {

  /**
   * The decisions for now.
   *
   * @param dataCentre every host and guest, in configuration order
   * @param random a seeded stream for this step: the only randomness a policy may use
   */
  Decisions decide(DataCentre dataCentre, SplittableRandom random);

  /** Never decides anything. */
  ConsolidationPolicy NONE = (dataCentre, random) -> Decisions.NONE;
}
