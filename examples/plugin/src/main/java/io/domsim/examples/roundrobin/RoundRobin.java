package io.domsim.examples.roundrobin;

import io.domsim.config.GuestSpec;
import io.domsim.scheduler.HostView;
import io.domsim.scheduler.PlacementPolicy;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Round-robin placement: the k-th guest to be placed (counting from 0, in configuration order) goes to
 * the node at position {@code start + k} of the hosts, in configuration order, cycling; when it does not
 * fit there, to the next node where it fits.
 *
 * <p>The pool master asks once per guest, in configuration order, and asks again for a guest whose
 * reservation a host refused (that host is then left out of {@code hosts}). So the policy keeps state for
 * one run: each guest's turn, given when it is first asked about. One instance serves one run, which
 * {@link RoundRobinPlugin#create} guarantees.
 */
final class RoundRobin implements PlacementPolicy {
  private final int start;
  private final TreeMap<String, Integer> turnOf = new TreeMap<>(); // looked up, never iterated

  RoundRobin(int start) {
    this.start = start;
  }

  @Override
  public Optional<Integer> choose(GuestSpec guest, List<HostView> hosts) {
    int turn = turnOf.computeIfAbsent(guest.name(), name -> turnOf.size());
    for (int i = 0; i < hosts.size(); i++) {
      int candidate = Math.floorMod(start + turn + i, hosts.size());
      if (hosts.get(candidate).fits(guest)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
