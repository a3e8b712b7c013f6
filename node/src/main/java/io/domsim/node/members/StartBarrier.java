package io.domsim.node.members;

import java.time.Duration;
import java.util.List;

/**
 * The run starts when every member is up: the driving member waits here (on its own thread, in wall time:
 * Akka's membership is real-world machinery) before it lets the simulated clock move.
 */
public final class StartBarrier {
  private static final long POLL_MILLIS = 50;

  private StartBarrier() {}

  /**
   * Returns once every listed member is up, as {@code membership} sees it.
   *
   * @param config the cluster file as the user named it, for the sentence that says how to start the missing
   * @throws MembersMissing after {@code timeout}, naming who is missing
   */
  public static void await(Membership membership, Duration timeout, String config)
      throws MembersMissing, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> missing = membership.missing();
      if (missing.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new MembersMissing(missing, timeout, config);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
