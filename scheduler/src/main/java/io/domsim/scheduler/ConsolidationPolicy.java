package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import java.util.List;

/**
 * Decides which running guests to move, and where: the pure core of a consolidation (or rebalancing)
 * policy. Given each host's view and where each guest runs, it returns the live migrations to request;
 * the operator side carries them out through the ordinary migration path, so a move the destination
 * cannot take is refused there like any other. A policy is made for one run by its
 * {@link ConsolidationPolicyPlugin} and may keep state across calls.
 *
 * <p>Nothing calls a policy yet: a run creates the configured one before it starts (so that its settings
 * are checked) and the consolidation work that follows decides when to ask it.
 */
@FunctionalInterface
public interface ConsolidationPolicy {

  /** A guest that runs on {@code node}. */
  record Running(GuestSpec guest, String node) {}

  /** Live-migrate {@code guest} to {@code toNode}. */
  record Move(String guest, String toNode) {}

  /**
   * The migrations to request now; empty to leave everything where it is.
   *
   * @param hosts every host that is up, in configuration order
   * @param guests every running guest, in configuration order
   */
  List<Move> moves(List<HostView> hosts, List<Running> guests);

  /** Never moves anything. */
  ConsolidationPolicy NONE = (hosts, guests) -> List.of();
}
