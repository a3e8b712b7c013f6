package io.domsim.scheduler;

import io.domsim.config.GuestSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The pool master's working view of the hosts: a policy chooses among them and the chosen host is
 * debited at once (the guest's footprint from its free memory, its CPU demand added to the host's), so
 * the next decision sees it. Pure; used by the pool-master actor and by
 * {@code domsim validate} to show where each guest would start.
 */
public final class PlacementPlan {
  private final PlacementPolicy policy;
  private final List<HostView> view;

  public PlacementPlan(PlacementPolicy policy, List<HostView> hosts) {
    this.policy = policy;
    this.view = new ArrayList<>(hosts);
  }

  public List<HostView> view() {
    return List.copyOf(view);
  }

  /** Chooses a host for {@code guest} among those not in {@code excluded} and debits it. */
  public Optional<HostView> place(GuestSpec guest, Collection<String> excluded) {
    if (excluded.isEmpty()) {
      // The common case: every host is a candidate, no copy needed.
      return debitChoice(guest, policy.choose(guest, view));
    }
    List<HostView> candidates = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      if (!excluded.contains(view.get(i).node())) {
        candidates.add(view.get(i));
        index.add(i);
      }
    }
    return debitChoice(guest, policy.choose(guest, candidates).map(index::get));
  }

  private Optional<HostView> debitChoice(GuestSpec guest, Optional<Integer> choice) {
    if (choice.isEmpty()) {
      return Optional.empty();
    }
    int i = choice.get();
    HostView h = view.get(i);
    view.set(i, h.with(guest));
    return Optional.of(h);
  }

  /** Corrects the view of one host with what it reported. */
  public void update(String node, long freeMemoryBytes) {
    for (int i = 0; i < view.size(); i++) {
      if (view.get(i).node().equals(node)) {
        view.set(i, view.get(i).withFree(freeMemoryBytes));
      }
    }
  }

  /** Debits a guest that starts on a given host without a decision (a pinned guest). */
  public void debit(String node, GuestSpec guest) {
    for (int i = 0; i < view.size(); i++) {
      HostView h = view.get(i);
      if (h.node().equals(node)) {
        view.set(i, h.with(guest));
      }
    }
  }

  /** Why {@code guest} fits nowhere, in the current view. */
  public String whyNoFit(GuestSpec guest) {
    return NoFit.reason(guest, view);
  }
}
