package io.domsim.scheduler.consolidation;

/**
 * Decides whether a host is overloaded (step 1 of Beloglazov and Buyya's consolidation): a pure function of
 * the host's load. The built-ins are in {@link OverloadDetectors}.
 */
@FunctionalInterface
public interface OverloadDetector {

  boolean overloaded(HostLoad load);
}
