package io.domsim.scheduler;

import akka.actor.typed.ActorRef;
import io.domsim.config.GuestSpec;
import io.domsim.kernel.serialization.CrossJvm;
import java.util.List;

/**
 * The messages between the pool master and each host's Dom0. Placement goes through a reserve/commit
 * step: the host claims the memory first (and may refuse), so two decisions can never overfill it.
 * All of these cross nodes as datagrams of the network model: any may be lost, duplicated or arrive
 * late. So every request is idempotent by its placement id: the master repeats a request it has no
 * answer to, and a host answers a repeat with the answer it gave (never a second claim or domain);
 * a claim the master gave up on is released, and a release is repeated until acknowledged.
 */
public final class PoolProtocol {
  private PoolProtocol() {}

  /** Sent to a host's Dom0. */
  public sealed interface HostCommand extends CrossJvm {}

  /** A host command that expects an answer. */
  public sealed interface Request extends HostCommand {
    /** The pool master's node, where the answer goes back through the network. */
    String masterNode();

    ActorRef<HostReply> replyTo();
  }

  /** Report free memory and hardware. */
  public record Describe(String masterNode, ActorRef<HostReply> replyTo) implements Request {}

  /**
   * Claim memory for {@code guest} under {@code placementId}. {@code hostBoot} is the host's life that
   * described itself: a host that has crashed and booted again since refuses it (what the master knows
   * of it is from before), so a request of an earlier life never claims in a later one.
   */
  public record Reserve(String placementId, GuestSpec guest, int hostBoot, String masterNode,
      ActorRef<HostReply> replyTo) implements Request {}

  /** Build and start {@code guest} from the claim (made in the host's life {@code hostBoot}). */
  public record Commit(String placementId, GuestSpec guest, int hostBoot, String masterNode,
      ActorRef<HostReply> replyTo) implements Request {}

  /**
   * Give the claim back (the master gave up waiting for the reservation): harmless for a claim the host
   * never made, and a reservation under this id that arrives later is not made.
   */
  public record Release(String placementId, int hostBoot, String masterNode, ActorRef<HostReply> replyTo)
      implements Request {}

  /**
   * For consolidation: what each guest here asked of the CPU over the last interval and asks now, and the
   * free memory. Answered with {@link LoadReport}; a repeat of the same {@code round} gets the same answer.
   */
  public record ReportLoad(long round, String masterNode, ActorRef<LoadReport> replyTo) implements HostCommand {}

  /**
   * One guest's load as its host measured it.
   *
   * @param capacityMhz the most it can ask: its vCPUs at their rated speed
   * @param demandMhz what it asks now
   * @param meanDemandMhz what it asked on average since the host's last report (now, if it is new here)
   * @param migratingTo the destination of its migration under way from here, or null
   */
  public record GuestLoad(String guest, long memoryBytes, boolean hvm, double capacityMhz, double demandMhz,
      double meanDemandMhz, String migratingTo) {}

  /** A host's answer to {@link ReportLoad}: its guests in name order. */
  public record LoadReport(String node, long round, long freeMemoryBytes, List<GuestLoad> guests)
      implements Consolidator.Command, CrossJvm {
    public LoadReport {
      guests = List.copyOf(guests);
    }
  }

  /** Sent back to the pool master. */
  public sealed interface HostReply extends PoolMaster.Command, CrossJvm {}

  /** The host as it is in its life {@code boot} (0 until its first crash, one more at each boot). */
  public record Described(HostView view, int boot) implements HostReply {}

  public record Reserved(String placementId, String node) implements HostReply {}

  /** The host could not claim the memory; {@code freeMemoryBytes} is what it has now. */
  public record ReserveRefused(String placementId, String node, long freeMemoryBytes, String reason)
      implements HostReply {}

  public record Started(String placementId, String node, String guest) implements HostReply {}

  public record StartFailed(String placementId, String node, String guest, String reason) implements HostReply {}

  /** The host holds no claim under {@code placementId} and will make none. */
  public record Released(String placementId, String node) implements HostReply {}
}
